// Notifications leave as signed webhooks, through the outbox: a receiver gets one POST per new
// request, decision and expiry, and can check each signature with the shared secret.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { buildApp, type MandateApp } from '../../src/app.js';
import { webhookConnector, verifyWebhookSignature, SIGNATURE_HEADER } from '../../src/delivery/connectors/webhook.js';
import { outboundGuard } from '../../src/http/outbound.js';
import { NOTIFY_CHANNEL } from '../../src/state/notify.js';
import { identity, smallManifest } from '../support/fixtures.js';
import { testStores } from '../support/stores.js';

const SECRET = 'notify-secret-0123456789abcdef0123456789';

for (const store of testStores()) {
  describe(`signed notifications on ${store.name}`, () => {
    let now = Date.parse('2026-11-22T10:00:00Z');
    let app: MandateApp;
    let receiver: Server;
    const received: { body: string; valid: boolean; type: string }[] = [];
    const tokens: Record<string, string> = {};
    const call = async (who: string, method: string, url: string, body?: unknown) => {
      const res = await app.inject({
        method: method as 'GET',
        url,
        headers: { authorization: `Bearer ${tokens[who]}` },
        ...(body === undefined ? {} : { payload: body as object }),
      });
      return { status: res.statusCode, body: res.body ? JSON.parse(res.body) : undefined };
    };

    before(async () => {
      receiver = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          const body = Buffer.concat(chunks).toString();
          received.push({
            body,
            valid: verifyWebhookSignature({ body, header: req.headers[SIGNATURE_HEADER], secret: SECRET, now }),
            type: JSON.parse(body).payload?.type,
          });
          res.writeHead(204).end();
        });
      });
      await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
      const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/mandate`;
      const notify = webhookConnector({
        name: NOTIFY_CHANNEL,
        secret: SECRET,
        now: () => now,
        guard: outboundGuard({ allow: ['127.0.0.1'] }),
      });
      app = await buildApp({
        db: await store.open(),
        logger: false,
        clock: () => new Date(now),
        notificationReceivers: [url],
        connectors: { get: (n) => (n === NOTIFY_CHANNEL ? notify : undefined) },
      });
      tokens.admin = (await app.services.users.bootstrap(undefined))!;
      for (const [user, roles] of [
        ['olga', ['operator']],
        ['anton', ['approver']],
      ] as const) {
        await app.services.users.createUser('test', { id: user, name: user, roles: [...roles] });
        tokens[user] = (await app.services.users.createToken('test', user, {})).token;
      }
      const manifest = smallManifest([
        identity('svc-recon', { function: 'reconciliation', actions: ['read'], revocation: { connector: 'manual', target: 'x' } }),
      ]);
      assert.equal((await call('admin', 'POST', '/v1/import', manifest)).status, 200);
    });
    after(async () => {
      await app.close();
      receiver.close();
      await store.cleanup();
    });

    test('a request, its approval, the grant and its expiry each reach the receiver, signed', async () => {
      const r = await call('olga', 'POST', '/v1/access-requests', {
        identity: 'svc-recon',
        actions: ['read'],
        scope: { entity: 'ent-de', service: 'custody', jurisdiction: 'FR' },
        duration_seconds: 600,
        justification: 'month-end close',
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      assert.equal((await call('anton', 'POST', `/v1/approvals/${r.body.id}/approve`, {})).body.status, 'approved');
      // Deliveries start as soon as their rows commit: let those land before the clock jumps, so
      // each is verified at the time it was signed.
      await app.services.outbox.drain();
      now += 601_000;
      await app.services.grants.endDue();
      await app.services.outbox.drain();
      assert.deepEqual(received.map((m) => m.type).sort(), [
        'access.expired',
        'approval.approved',
        'approval.requested',
        'grant.activated',
      ]);
      assert.ok(
        received.every((m) => m.valid),
        'every notification verifies with the shared secret',
      );
      const requested = JSON.parse(received.find((m) => m.type === 'approval.requested')!.body);
      assert.equal(requested.action, 'notify');
      assert.equal(requested.payload.detail.required, 1);
      assert.doesNotMatch(received.map((m) => m.body).join(), new RegExp(tokens.olga!), 'no credential in a notification');
      // A forged body does not verify.
      assert.equal(
        verifyWebhookSignature({
          body: received[0]!.body.replace('approval', 'approvaL'),
          header: `t=${Math.floor(now / 1000)},v1=${'0'.repeat(64)}`,
          secret: SECRET,
          now,
        }),
        false,
      );
    });
  });
}
