// The source interface: a firm's own module is loaded from its configuration and read like a
// built-in source; its accounts are checked; failures are incomplete reads with secrets redacted;
// configurations are checked before anything is opened.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { reconcile } from '../../src/core/discovery.js';
import { MalformedSourceError, redact, secretsOf } from '../../src/discovery/source.js';
import { openSource, readSource } from '../../src/discovery/registry.js';

const ctx = { baseDir: new URL('./fixtures/', import.meta.url).pathname, now: () => new Date('2026-11-22T10:00:00Z') };

test('a module source is read like a built-in one and reconciled', async () => {
  const source = await openSource(
    { id: 'vault-prod', kind: 'module', path: './module/vault-source.mjs', options: { token: 'hvs.S3cret-Token' } },
    ctx,
  );
  assert.deepEqual([source.kind, source.covers], ['vault', ['vault']]);
  const read = await readSource(source);
  assert.equal(read.complete, true, read.error);
  assert.equal(read.accounts[0]!.native_id, 'approle/settlement');
  const out = reconcile({
    now: ctx.now(),
    sources: [read],
    observed: read.accounts,
    identities: [
      {
        id: 'settle',
        capability: 'observe',
        environment: 'production',
        status: 'active',
        credential: { type: 'short_lived', created: '2026-01-01' },
        revocation: { connector: 'vault', target: 'approle/settlement' },
      },
    ],
  });
  assert.deepEqual(
    out.results[0]!.drift.map((d) => d.kind),
    ['over_privileged', 'static_credential_too_old'],
  );
});

test("a module's failure is an incomplete read, its secrets redacted; a bad account stops the read", async () => {
  const failing = await readSource(
    await openSource(
      { id: 'vault-x', kind: 'module', path: './module/vault-source.mjs', options: { token: 'hvs.S3cret-Token', fail: true } },
      ctx,
    ),
  );
  assert.equal(failing.complete, false);
  assert.equal(failing.accounts.length, 1, 'what was seen exists, but proves no absence');
  assert.equal(failing.error, 'vault answered 403 for token *** at https://svc:***@vault.internal');
  const bad = await readSource(
    await openSource({ id: 'vault-y', kind: 'module', path: './module/vault-source.mjs', options: { bad: true } }, ctx),
  );
  assert.equal(bad.complete, false);
  assert.match(bad.error!, /invalid account at \/accounts\/1\/credentials\/0\/value/);
});

test('a read that takes too long is stopped, even when the source ignores the signal: incomplete, with the accounts seen', async () => {
  const source = await openSource({ id: 'vault-h', kind: 'module', path: './module/vault-source.mjs', options: { hang: true } }, ctx);
  // As AbortSignal.timeout stops it, but with a timer that keeps this test's event loop alive.
  const timeout = new AbortController();
  setTimeout(() => timeout.abort(new DOMException('timed out', 'TimeoutError')), 200);
  const read = await readSource(source, { signal: timeout.signal });
  assert.equal(read.complete, false);
  assert.equal(read.accounts.length, 1);
  assert.equal(read.error, 'source vault-h: the read took too long and was stopped');
  const stopped = await readSource(source, { signal: AbortSignal.abort(new Error('server shutting down')) });
  assert.deepEqual(
    [stopped.complete, stopped.accounts.length, stopped.error],
    [false, 0, 'source vault-h: the read was stopped (server shutting down)'],
  );
});

test('configurations are checked first', async () => {
  await assert.rejects(
    openSource({ id: 'bad id', kind: 'postgres' }, ctx),
    (e: unknown) => e instanceof MalformedSourceError && e.path === '/id',
  );
  await assert.rejects(openSource({ id: 'x', kind: 'oracle' }, ctx), /unknown kind "oracle"/);
  await assert.rejects(openSource({ id: 'x', kind: 'module' }, ctx), /kind module needs a path/);
  await assert.rejects(openSource({ id: 'x', kind: 'postgres', options: {} }, ctx), /options\.url is required/);
  await assert.rejects(
    openSource({ id: 'x', kind: 'module', path: './module/absent.mjs', options: { password: 'Pw-123456' } }, ctx),
    (e: Error) => /cannot be opened/.test(e.message) && !e.message.includes('Pw-123456'),
  );
});

test('redaction: known secrets, and any password inside a URL', () => {
  const secrets = secretsOf({ url: 'postgres://mandate:p%40ss@db:5432/x', nested: { api_key: 'k-123456' }, host: 'db' });
  assert.ok(secrets.has('p@ss') && secrets.has('p%40ss') && secrets.has('k-123456'));
  assert.equal(redact('connect postgres://mandate:p%40ss@db:5432/x failed; key k-123456', secrets), 'connect *** failed; key ***');
  assert.equal(redact('see amqp://guest:guest@broker:5672/'), 'see amqp://guest:***@broker:5672/');
});
