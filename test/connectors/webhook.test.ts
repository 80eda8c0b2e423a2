// The webhook connector against a local receiver that verifies both signatures with the exported
// verifiers, as a real receiver would (docs/webhooks.md).
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { PermanentConnectorError, type ConnectorAction, type ConnectorRequest } from '../../src/delivery/connectors/connector.js';
import {
  ed25519SignatureHeader,
  hmacSignatureHeader,
  verifyWebhookSignature,
  verifyWebhookSignatureEd25519,
  webhookConnector,
  type WebhookBody,
} from '../../src/delivery/connectors/webhook.js';
import { outboundGuard } from '../../src/http/outbound.js';

// The receiver listens on loopback, which the outbound guard refuses unless allowed (test/delivery/outbound.test.ts).
const guard = outboundGuard({ allow: ['127.0.0.1'] });

const secret = 'whsec_test_0123456789';
const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const ACK = JSON.stringify({ received: true });

interface Delivery {
  id: string | undefined;
  body: WebhookBody;
  hmac: boolean;
  ed25519: boolean;
}

function request(action: ConnectorAction, target: string, deliveryId = randomUUID()): ConnectorRequest {
  return { deliveryId, action, target, identityId: 'svc-payments', reason: 'licence suspended', decidedAt: '2026-11-22T10:00:00.000Z' };
}

describe('webhook connector', () => {
  const deliveries: Delivery[] = [];
  let base = '';

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      switch (new URL(req.url ?? '/', 'http://x').pathname) {
        case '/hook': {
          const hmac = verifyWebhookSignature({ body: raw, header: req.headers['mandate-signature'], secret });
          const ed25519 = verifyWebhookSignatureEd25519({ body: raw, header: req.headers['mandate-signature-ed25519'], publicKey });
          if (!hmac && !ed25519) return res.writeHead(401).end('bad signature');
          const id = req.headers['mandate-delivery-id'] as string | undefined;
          // De-duplicate on the delivery id, as receivers should: a retry is acknowledged again.
          if (!deliveries.some((d) => d.id === id)) deliveries.push({ id, body: JSON.parse(raw.toString()) as WebhookBody, hmac, ed25519 });
          return res.writeHead(200, { 'content-type': 'application/json' }).end(ACK);
        }
        case '/down':
          return res.writeHead(500).end('oops');
        case '/busy':
          return res.writeHead(429).end();
        case '/bad':
          return res.writeHead(400).end('unknown target');
        case '/moved':
          return res.writeHead(302, { location: '/hook' }).end();
        case '/slow':
          return setTimeout(() => res.writeHead(200).end(), 2000).unref();
        default:
          return res.writeHead(404).end();
      }
    });
  });

  before(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  test('a signed delivery is verified, recorded and acknowledged with the digest of the reply', async () => {
    const c = webhookConnector({ secret, signingKey: privateKey, guard });
    const id = randomUUID();
    const result = await c.apply(request('disable', `${base}/hook?token=abc`, id));
    assert.equal(result.detail, `disable delivered to ${base}/hook`);
    assert.equal(result.acknowledgement, `HTTP 200 sha256:${createHash('sha256').update(ACK).digest('hex')}`);
    const d = deliveries.find((x) => x.id === id);
    assert.ok(d);
    assert.deepEqual(d, {
      id,
      hmac: true,
      ed25519: true,
      body: {
        delivery_id: id,
        action: 'disable',
        target: `${base}/hook?token=abc`,
        identity: 'svc-payments',
        reason: 'licence suspended',
        decided_at: '2026-11-22T10:00:00.000Z',
      },
    });
    // A retry of the same delivery is acknowledged and not recorded twice.
    await c.apply(request('disable', `${base}/hook?token=abc`, id));
    assert.equal(deliveries.filter((x) => x.id === id).length, 1);
  });

  test('a target that is not a URL goes to the configured URL, in the body; either signature alone is enough', async () => {
    const hmacOnly = webhookConnector({ url: `${base}/hook`, secret, guard });
    await hmacOnly.apply(request('enable', 'vault:kv/payments'));
    const edOnly = webhookConnector({ url: `${base}/hook`, signingKey: privateKey, guard });
    await edOnly.apply(request('enable', 'vault:kv/ops'));
    const got = deliveries.filter((d) => d.body.target.startsWith('vault:'));
    assert.deepEqual(
      got.map((d) => [d.body.target, d.body.action, d.hmac, d.ed25519]),
      [
        ['vault:kv/payments', 'enable', true, false],
        ['vault:kv/ops', 'enable', false, true],
      ],
    );
    const notice = { ...request('notify', 'vault:kv/notice'), payload: { event: 'session-revoked', claims: { status: 'suspended' } } };
    await hmacOnly.apply(notice);
    assert.deepEqual(deliveries.find((d) => d.body.target === 'vault:kv/notice')?.body.payload, notice.payload);
    assert.equal(deliveries.find((d) => d.body.target === 'vault:kv/payments')?.body.payload, undefined);
    const unsigned = webhookConnector({ url: `${base}/hook`, guard });
    await assert.rejects(unsigned.apply(request('disable', 'x')), PermanentConnectorError); // 401
    await assert.rejects(webhookConnector({ secret }).apply(request('disable', 'no-url')), PermanentConnectorError);
    await assert.rejects(webhookConnector({ secret }).apply(request('disable', 'http://[bad')), PermanentConnectorError);
  });

  test('verification: tampered body, wrong secret or key, stale or future timestamp all fail', () => {
    const body = JSON.stringify({ delivery_id: 'd1', action: 'disable' });
    const now = Date.parse('2026-11-22T10:00:00Z');
    const t = Math.floor(now / 1000);
    const h = hmacSignatureHeader(body, secret, t);
    const e = ed25519SignatureHeader(body, privateKey, t);
    assert.match(h, /^t=\d+,v1=[0-9a-f]{64}$/);
    assert.match(e, /^t=\d+,sig=[A-Za-z0-9_-]{86}$/);

    assert.equal(verifyWebhookSignature({ body, header: h, secret, now }), true);
    assert.equal(verifyWebhookSignature({ body: Buffer.from(body), header: h, secret: ['old', secret], now }), true);
    assert.equal(verifyWebhookSignatureEd25519({ body, header: e, publicKey, now }), true);
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    assert.equal(verifyWebhookSignatureEd25519({ body, header: e, publicKey: pem, now: new Date(now) }), true);

    const tampered = body.replace('disable', 'enable');
    assert.equal(verifyWebhookSignature({ body: tampered, header: h, secret, now }), false);
    assert.equal(verifyWebhookSignatureEd25519({ body: tampered, header: e, publicKey, now }), false);
    assert.equal(verifyWebhookSignature({ body, header: h, secret: 'other', now }), false);
    const other = generateKeyPairSync('ed25519').publicKey;
    assert.equal(verifyWebhookSignatureEd25519({ body, header: e, publicKey: other, now }), false);

    const stale = now + 301_000;
    assert.equal(verifyWebhookSignature({ body, header: h, secret, now: stale }), false);
    assert.equal(verifyWebhookSignatureEd25519({ body, header: e, publicKey, now: stale }), false);
    assert.equal(verifyWebhookSignature({ body, header: h, secret, now: now - 301_000 }), false);
    assert.equal(verifyWebhookSignature({ body, header: h, secret, now: stale, toleranceSeconds: 600 }), true);
    // The timestamp is signed: moving it to look fresh breaks the signature.
    const moved = h.replace(`t=${t}`, `t=${t + 301}`);
    assert.equal(verifyWebhookSignature({ body, header: moved, secret, now: stale }), false);

    for (const bad of [undefined, '', 'garbage', `t=${t}`, `v1=${h.split('v1=')[1]}`, `t=${t},t=${t},v1=${h.split('v1=')[1]}`]) {
      assert.equal(verifyWebhookSignature({ body, header: bad, secret, now }), false, String(bad));
    }
    assert.equal(verifyWebhookSignatureEd25519({ body, header: `t=${t},sig=AAAA`, publicKey, now }), false);
  });

  test('a 5xx, 408/429, network error or timeout is retryable; other 4xx and redirects are permanent', async () => {
    const c = webhookConnector({ secret, timeoutMs: 300, guard });
    const retryable = (err: Error) => !(err instanceof PermanentConnectorError);
    await assert.rejects(c.apply(request('disable', `${base}/down`)), (err: Error) => {
      assert.ok(retryable(err));
      assert.match(err.message, /answered HTTP 500 sha256:[0-9a-f]{64}/);
      return true;
    });
    await assert.rejects(c.apply(request('disable', `${base}/busy`)), retryable);
    await assert.rejects(c.apply(request('disable', `${base}/bad`)), PermanentConnectorError);
    await assert.rejects(c.apply(request('disable', `${base}/moved`)), PermanentConnectorError);
    const started = Date.now();
    await assert.rejects(
      c.apply(request('disable', `${base}/slow`)),
      (err: Error) => retryable(err) && /timed out after 300 ms/.test(err.message),
    );
    assert.ok(Date.now() - started < 1500);
    // A closed port says "connection failed", as a timeout says "timed out": never the network's words.
    await assert.rejects(
      c.apply(request('disable', 'http://127.0.0.1:1/hook')),
      (err: Error) => retryable(err) && /failed: connection failed$/.test(err.message) && !/ECONNREFUSED/.test(err.message),
    );
  });
});
