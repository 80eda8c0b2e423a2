// TLS (issue 21 item 2): a real `mandate serve` over HTTPS with certificates made by openssl (a CA,
// two server certificates for 127.0.0.1 and localhost, client certificates of that CA and of
// another); HSTS under TLS only; certificate files rotated without a restart, a bad replacement
// refused with the old certificate kept; mutual TLS on the enforcement routes, and the SDK's
// Enforcer following a server over it.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { connect, type ConnectionOptions } from 'node:tls';
import { Enforcer } from '@mandate/sdk';
import { tlsFetch } from '../../packages/sdk/src/tls-fetch.js';
import { loadServerConfig } from '../../src/config.js';
import { readTlsMaterial } from '../../src/server/tls.js';
import { migrate } from '../../src/store/migrations.js';
import { openDatabase } from '../../src/store/open.js';
import { testApp } from '../support/app.js';
import { startServerProcess, type ServerProcess } from '../support/cli.js';

const TOKEN = 'mdt_test_bootstrap_token_tls_0123456789abcdef';
const HSTS = 'max-age=31536000; includeSubDomains';
const tmp = mkdtempSync(join(tmpdir(), 'mandate-tls-'));
const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: tmp, stdio: ['ignore', 'ignore', 'pipe'] });
const pem = (name: string) => readFileSync(join(tmp, name), 'utf8');
const fingerprint = (name: string) => new X509Certificate(pem(name)).fingerprint256;

const EC = '-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes';

/** A P-256 CA, self-signed. */
function makeCa(name: string): void {
  const ext = ['-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'];
  ssl(...`req -x509 ${EC} -days 2 -keyout ${name}.key -out ${name}.pem`.split(' '), '-subj', `/CN=${name} test CA`, ...ext);
}

/** A leaf certificate issued by `ca`: a server's (SAN 127.0.0.1 and localhost) or a client's. */
function makeLeaf(name: string, ca: string, usage: 'serverAuth' | 'clientAuth'): void {
  ssl(...`req ${EC} -keyout ${name}.key -out ${name}.csr`.split(' '), '-subj', `/CN=${name}`);
  const san = usage === 'serverAuth' ? 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' : '';
  writeFileSync(join(tmp, `${name}.ext`), `basicConstraints=CA:FALSE\nextendedKeyUsage=${usage}\n${san}`);
  const serial = `0x${Buffer.from(name).toString('hex')}`;
  const sign = `x509 -req -in ${name}.csr -CA ${ca}.pem -CAkey ${ca}.key -days 2 -set_serial ${serial}`;
  ssl(...`${sign} -extfile ${name}.ext -out ${name}.pem`.split(' '));
}

/** Replaces a file as a deployment tool does: written beside it, then renamed over it. */
function replace(path: string, text: string): void {
  writeFileSync(`${path}.new`, text);
  renameSync(`${path}.new`, path);
}

/** The certificate a new TLS connection is served. */
function servedFingerprint(url: string, extra: ConnectionOptions = {}): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port), ca: pem('ca.pem'), ...extra }, () => {
      const fp = socket.getPeerCertificate().fingerprint256;
      socket.end();
      resolve(fp);
    });
    socket.once('error', reject);
  });
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const got = await probe().catch(() => undefined);
    if (got !== undefined) return got;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const live = join(tmp, 'live');
const certFile = join(live, 'tls.crt');
const keyFile = join(live, 'tls.key');
let server: ServerProcess;

before(async () => {
  makeCa('ca');
  makeCa('other');
  makeLeaf('server1', 'ca', 'serverAuth');
  makeLeaf('server2', 'ca', 'serverAuth');
  makeLeaf('client', 'ca', 'clientAuth');
  makeLeaf('stranger', 'other', 'clientAuth');
  mkdirSync(live);
  writeFileSync(certFile, pem('server1.pem'));
  writeFileSync(keyFile, pem('server1.key'));
  server = await startServerProcess(['--db', `sqlite:${join(tmp, 'm.db')}`], {
    MANDATE_BOOTSTRAP_TOKEN: TOKEN,
    MANDATE_TLS_CERT_FILE: certFile,
    MANDATE_TLS_KEY_FILE: keyFile,
    MANDATE_TLS_CLIENT_CA_FILE: join(tmp, 'ca.pem'),
  });
});

after(async () => {
  await server?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

describe('TLS', () => {
  test('serves HTTPS with the certificate of the files, TLS 1.2 at least, HSTS on every answer', async () => {
    assert.match(server.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    const https = tlsFetch({ ca: pem('ca.pem') });
    const health = await https(`${server.url}/healthz`);
    assert.equal(health.status, 200);
    assert.equal(health.headers.get('strict-transport-security'), HSTS);
    // Errors carry it too (the header is set before authentication refuses).
    const refused = await https(`${server.url}/v1/me`);
    assert.equal(refused.status, 401);
    assert.equal(refused.headers.get('strict-transport-security'), HSTS);
    const me = await https(`${server.url}/v1/me`, { headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(me.status, 200);
    assert.equal(await servedFingerprint(server.url), fingerprint('server1.pem'));
    // By name too (the SAN has localhost), and TLS 1.2 is still offered.
    const port = new URL(server.url).port;
    assert.equal(
      await servedFingerprint(`https://localhost:${port}`, { maxVersion: 'TLSv1.2', servername: 'localhost' }),
      fingerprint('server1.pem'),
    );
    await assert.rejects(servedFingerprint(server.url, { maxVersion: 'TLSv1.1', minVersion: 'TLSv1' }));
    // Without the CA, a client refuses the certificate.
    await assert.rejects(fetch(`${server.url}/healthz`));
  });

  test('plain HTTP to the TLS port fails; a server without TLS sends no HSTS', async () => {
    await assert.rejects(fetch(`${server.url.replace('https:', 'http:')}/healthz`, { signal: AbortSignal.timeout(10_000) }));
    const db = await openDatabase(`sqlite:${join(tmp, 'plain.db')}`);
    await migrate(db);
    const t = await testApp(db);
    try {
      const res = await t.app.inject({ method: 'GET', url: '/healthz' });
      assert.equal(res.statusCode, 200);
      assert.equal(res.headers['strict-transport-security'], undefined);
      const refused = await t.app.inject({ method: 'GET', url: '/v1/me' });
      assert.equal(refused.headers['strict-transport-security'], undefined);
    } finally {
      await t.app.close();
      await db.close().catch(() => undefined);
    }
  });

  test('mutual TLS: the enforcement routes need a client certificate of the CA; other routes do not', async () => {
    const auth = { headers: { authorization: `Bearer ${TOKEN}` } };
    const bare = tlsFetch({ ca: pem('ca.pem') });
    const client = tlsFetch({ ca: pem('ca.pem'), cert: pem('client.pem'), key: pem('client.key') });
    const stranger = tlsFetch({ ca: pem('ca.pem'), cert: pem('stranger.pem'), key: pem('stranger.key') });
    const snapshot = `${server.url}/v1/enforcement/snapshot`;

    const none = await bare(snapshot, auth);
    assert.equal(none.status, 401, await none.clone().text());
    assert.match(none.headers.get('content-type') ?? '', /application\/problem\+json/);
    const noneBody = (await none.json()) as { code: string; field: string; detail: string };
    assert.equal(noneBody.code, 'UNAUTHENTICATED');
    assert.equal(noneBody.field, 'tls_client_certificate');

    const ok = await client(snapshot, auth);
    assert.equal(ok.status, 200, await ok.clone().text());
    const snap = (await ok.json()) as { seq: number; issuer: string };
    assert.equal(snap.issuer, server.url, 'the issuer is the https URL');

    const other = await stranger(snapshot, auth);
    assert.equal(other.status, 401, await other.clone().text());
    const otherBody = (await other.json()) as { field: string; detail: string };
    assert.equal(otherBody.field, 'tls_client_certificate');
    assert.match(otherBody.detail, /not trusted/);

    // The certificate is beside the token, not instead of it.
    assert.equal((await client(snapshot)).status, 401);
    // The stream too; with the certificate it opens, under HSTS like every answer.
    const stream = await bare(`${server.url}/v1/enforcement/stream`, auth);
    assert.equal(stream.status, 401);
    const open = new AbortController();
    const streaming = await client(`${server.url}/v1/enforcement/stream`, { ...auth, signal: open.signal });
    assert.equal(streaming.status, 200, streaming.status === 200 ? '' : await streaming.text());
    assert.equal(streaming.headers.get('content-type'), 'text/event-stream');
    assert.equal(streaming.headers.get('strict-transport-security'), HSTS);
    open.abort();
    // Other routes: no certificate needed, and one of another CA does no harm.
    assert.equal((await bare(`${server.url}/v1/me`, auth)).status, 200);
    assert.equal((await stranger(`${server.url}/v1/me`, auth)).status, 200);
    assert.equal((await bare(`${server.url}/.well-known/jwks.json`)).status, 200);
  });

  test('the SDK Enforcer follows the server over mutual TLS, and cannot without its certificate', async () => {
    const errors: Error[] = [];
    const enforcer = await Enforcer.connect({
      url: server.url,
      apiToken: TOKEN,
      tls: { ca: pem('ca.pem'), cert: pem('client.pem'), key: pem('client.key') },
      reportEvidence: false,
      onError: (e) => errors.push(e),
    });
    try {
      assert.equal(enforcer.state.issuer, server.url);
      assert.ok(enforcer.staleness < 5000);
      // The signing keys come over the same TLS: a token that is not Mandate's fails on its signature, not on the fetch.
      await assert.rejects(enforcer.verify('eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ4In0.AAAA'), (err: Error) => {
        assert.match(err.message, /token is not valid: (no applicable key|signature)/);
        assert.doesNotMatch(err.message, /fetch|certificate|ECONN|timed? ?out/i);
        return true;
      });
    } finally {
      await enforcer.close();
    }
    const refused: Error[] = [];
    await assert.rejects(
      Enforcer.connect({
        url: server.url,
        apiToken: TOKEN,
        tls: { ca: pem('ca.pem') },
        reportEvidence: false,
        connectTimeoutMs: 2000,
        onError: (e) => refused.push(e),
      }),
      /no enforcement snapshot/,
    );
    assert.ok(
      refused.some((e) => /401/.test(e.message)),
      refused.map((e) => e.message).join('; '),
    );
  });

  test('rotated files are served to new connections without a restart; open connections go on', async () => {
    const enforcer = await Enforcer.connect({
      url: server.url,
      apiToken: TOKEN,
      tls: { ca: pem('ca.pem'), cert: pem('client.pem'), key: pem('client.key') },
      reportEvidence: false,
    });
    try {
      assert.equal(await servedFingerprint(server.url), fingerprint('server1.pem'));
      // The key first, then the certificate, as a renewal tool might: the pair in between is refused.
      replace(keyFile, pem('server2.key'));
      replace(certFile, pem('server2.pem'));
      const want = fingerprint('server2.pem');
      await until('the new certificate', async () => ((await servedFingerprint(server.url)) === want ? true : undefined));
      // The stream opened under the old certificate still delivers heartbeats.
      const heardBefore = enforcer.staleness;
      await new Promise((r) => setTimeout(r, 1500));
      assert.ok(enforcer.staleness < 5000, `stale ${enforcer.staleness} ms (was ${heardBefore})`);
      // SIGHUP reloads too (and does not stop the server).
      writeFileSync(keyFile, pem('server1.key'));
      writeFileSync(certFile, pem('server1.pem'));
      process.kill(server.pid, 'SIGHUP');
      await until('the first certificate again', async () =>
        (await servedFingerprint(server.url)) === fingerprint('server1.pem') ? true : undefined,
      );
    } finally {
      await enforcer.close();
    }
  });

  test('a bad replacement is refused and logged; the current certificate is kept', async () => {
    const logged = () => server.output().split('TLS certificate reload refused').length - 1;
    const before = logged();
    replace(certFile, '-----BEGIN CERTIFICATE-----\nnot a certificate\n-----END CERTIFICATE-----\n');
    await until('the refusal in the log', async () => (logged() > before ? true : undefined));
    assert.match(server.output(), /MANDATE_TLS_CERT_FILE/);
    assert.equal(await servedFingerprint(server.url), fingerprint('server1.pem'));
    // A certificate with another's key: refused as well.
    const before2 = logged();
    replace(certFile, pem('server2.pem'));
    await until('the second refusal', async () => (logged() > before2 ? true : undefined));
    assert.match(server.output(), /is not the key of the certificate/);
    assert.equal(await servedFingerprint(server.url), fingerprint('server1.pem'));
    const https = tlsFetch({ ca: pem('ca.pem') });
    assert.equal((await https(`${server.url}/healthz`)).status, 200);
    // Mended: served again.
    replace(certFile, pem('server1.pem'));
    replace(keyFile, pem('server1.key'));
  });

  test('bad configuration refuses the start, naming the variable', async () => {
    const env = (more: Record<string, string>) => ({ MANDATE_KEK_FILE: join(tmp, 'kek'), ...more });
    const field = (fn: () => unknown) => {
      try {
        fn();
      } catch (err) {
        return (err as { field?: string }).field;
      }
      return undefined;
    };
    assert.equal(
      field(() => loadServerConfig({}, env({ MANDATE_TLS_CERT_FILE: certFile }))),
      'MANDATE_TLS_KEY_FILE',
    );
    assert.equal(
      field(() => loadServerConfig({}, env({ MANDATE_TLS_KEY_FILE: keyFile }))),
      'MANDATE_TLS_CERT_FILE',
    );
    assert.equal(
      field(() => loadServerConfig({}, env({ MANDATE_TLS_CLIENT_CA_FILE: certFile }))),
      'MANDATE_TLS_CLIENT_CA_FILE',
    );
    const files = { certFile: join(tmp, 'server1.pem'), keyFile: join(tmp, 'server1.key') };
    assert.equal(readTlsMaterial(files).fingerprint, fingerprint('server1.pem'));
    assert.equal(
      field(() => readTlsMaterial({ ...files, certFile: join(tmp, 'missing.pem') })),
      'MANDATE_TLS_CERT_FILE',
    );
    assert.equal(
      field(() => readTlsMaterial({ ...files, certFile: tmp })),
      'MANDATE_TLS_CERT_FILE',
    );
    assert.equal(
      field(() => readTlsMaterial({ ...files, keyFile: join(tmp, 'server1.pem') })),
      'MANDATE_TLS_KEY_FILE',
    );
    assert.equal(
      field(() => readTlsMaterial({ ...files, keyFile: join(tmp, 'server2.key') })),
      'MANDATE_TLS_KEY_FILE',
    );
    assert.equal(
      field(() => readTlsMaterial({ ...files, clientCaFile: join(tmp, 'server1.key') })),
      'MANDATE_TLS_CLIENT_CA_FILE',
    );
    // The real start: the server refuses, and says which variable.
    await assert.rejects(
      startServerProcess(['--db', `sqlite:${join(tmp, 'refused.db')}`], {
        MANDATE_BOOTSTRAP_TOKEN: TOKEN,
        MANDATE_TLS_CERT_FILE: join(tmp, 'missing.pem'),
        MANDATE_TLS_KEY_FILE: keyFile,
      }),
      /MANDATE_TLS_CERT_FILE/,
    );
  });
});
