// The webhook connector's Ed25519 key in an HSM (MANDATE_CONNECTOR_WEBHOOK_ED25519_KEY_ID with
// MANDATE_KEY_STORE=pkcs11), against a real SoftHSM2 token: the key is made in the token on first
// use (or found there, made by pkcs11-tool), signs there, and a receiver verifies the requests with
// verifyWebhookSignatureEd25519 and the token's public key; an HSM away fails the attempt (retried).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createPublicKey } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { connectorsFromEnv } from '../../src/delivery/connectors/registry.js';
import { ED25519_SIGNATURE_HEADER, verifyWebhookSignatureEd25519 } from '../../src/delivery/connectors/webhook.js';
import { outboundGuard } from '../../src/http/outbound.js';
import { pkcs11KeyStore } from '../../src/keys/pkcs11.js';
import { SOFTHSM_MODULE, softhsm } from '../support/softhsm.js';

const MODULE = SOFTHSM_MODULE;

const request = (n: number) => ({
  deliveryId: `dlv_${n}`,
  action: 'disable' as const,
  target: 'svc-payments',
  identityId: 'payments-api',
  reason: 'grant expired',
  decidedAt: new Date().toISOString(),
});

test('the webhook Ed25519 key in the HSM signs requests a receiver verifies; it is found again; bad settings refuse', async () => {
  const hsm = softhsm();
  const received: { body: string; header: string | string[] | undefined }[] = [];
  const receiver = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ body: Buffer.concat(chunks).toString('utf8'), header: req.headers[ED25519_SIGNATURE_HEADER] });
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  const env = { MANDATE_CONNECTOR_WEBHOOK_URL: url, MANDATE_CONNECTOR_WEBHOOK_ED25519_KEY_ID: 'mandate-webhook' };
  const guard = outboundGuard({ allow: ['127.0.0.1'] });
  const stores = [hsm.store()];
  try {
    const webhook = connectorsFromEnv(env, { guard, hsm: stores[0]! }).find((c) => c.name === 'webhook')!;
    await webhook.apply(request(1));
    // The receiver's public key: read from the token by another process (pkcs11-tool), as an operator would.
    const der = execFileSync(
      'pkcs11-tool',
      [
        '--module',
        MODULE,
        '--token-label',
        hsm.label,
        '--read-object',
        '--type',
        'pubkey',
        '--id',
        Buffer.from('mandate-webhook').toString('hex'),
      ],
      { env: { ...process.env, SOFTHSM2_CONF: hsm.conf } },
    );
    const publicKey = createPublicKey(der); // OpenSC writes the SPKI as PEM
    assert.equal(publicKey.asymmetricKeyType, 'ed25519');
    assert.ok(verifyWebhookSignatureEd25519({ body: received[0]!.body, header: received[0]!.header, publicKey }));
    assert.ok(
      !verifyWebhookSignatureEd25519({ body: received[0]!.body.replace('dlv_1', 'dlv_2'), header: received[0]!.header, publicKey }),
    );
    // A restart (another key store, another connector): the same key is found, not another one made.
    for (const s of stores.splice(0)) s.close();
    stores.push(hsm.store());
    await connectorsFromEnv(env, { guard, hsm: stores[0]! })
      .find((c) => c.name === 'webhook')!
      .apply(request(2));
    assert.ok(verifyWebhookSignatureEd25519({ body: received[1]!.body, header: received[1]!.header, publicKey }));
    const listed = execFileSync('pkcs11-tool', ['--module', MODULE, '--token-label', hsm.label, '--login', '--pin', hsm.pin, '-O'], {
      encoding: 'utf8',
      env: { ...process.env, SOFTHSM2_CONF: hsm.conf },
    });
    const priv = listed.split(/\n(?=\S)/).filter((o) => o.startsWith('Private Key Object') && o.includes('mandate-webhook'));
    assert.equal(priv.length, 1, listed);
    assert.match(priv[0]!, /never extractable/);
    // An HSM away (a wrong PIN): the attempt fails (retried by the outbox), nothing is sent unsigned.
    for (const s of stores.splice(0)) s.close();
    stores.push(pkcs11KeyStore({ module: MODULE, token: hsm.label, pin: () => '999999' }));
    await assert.rejects(
      connectorsFromEnv(env, { guard, hsm: stores[0]! })
        .find((c) => c.name === 'webhook')!
        .apply(request(3)),
      (e: Error & { code?: string }) => e.code === 'KEY_UNAVAILABLE',
    );
    assert.equal(received.length, 2);
    // The key id needs the HSM; the key file and the key id are one or the other.
    assert.throws(
      () => connectorsFromEnv(env, { guard }),
      (e: Error & { field?: string }) =>
        e.field === 'MANDATE_CONNECTOR_WEBHOOK_ED25519_KEY_ID' && /MANDATE_KEY_STORE=pkcs11/.test(e.message),
    );
    assert.throws(
      () => connectorsFromEnv({ ...env, MANDATE_CONNECTOR_WEBHOOK_ED25519_KEY_FILE: '/nonexistent' }, { guard, hsm: stores[0]! }),
      (e: Error & { field?: string }) => e.field === 'MANDATE_CONNECTOR_WEBHOOK_ED25519_KEY_ID',
    );
  } finally {
    for (const s of stores) s.close();
    await new Promise((resolve) => receiver.close(resolve));
    hsm.cleanup();
  }
});
