// How the server serves the console build: files of the build only (no escape from its folder),
// index.html for the app's own routes, strict security headers, long caching for hashed assets
// only, a clear answer when the console is not built, and the API untouched by the fallback.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { buildApp, type MandateApp } from '../../src/app.js';
import { buildFile } from '../../src/console/routes.js';
import type { Database } from '../../src/store/db.js';
import { openDatabase } from '../../src/store/open.js';
import { migrate } from '../../src/store/migrations.js';

describe('the console is served from its build folder only', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mandate-console-serve-'));
  const build = join(dir, 'dist');
  let db: Database;
  let app: MandateApp;
  let unbuilt: MandateApp;

  before(async () => {
    mkdirSync(join(build, 'assets'), { recursive: true });
    writeFileSync(join(build, 'index.html'), '<!doctype html><title>console</title>');
    writeFileSync(join(build, 'assets', 'index-abc123.js'), 'console.log(1)');
    writeFileSync(join(dir, 'secret.txt'), 'outside the build');
    db = await openDatabase(`sqlite:${join(dir, 'm.db')}`);
    await migrate(db);
    app = await buildApp({ db, logger: false, consoleDir: build });
    unbuilt = await buildApp({ db, logger: false, consoleDir: join(dir, 'nothing-here') });
  });
  after(async () => {
    await app.close();
    await unbuilt.close();
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('/ and /console lead to /console/', async () => {
    for (const url of ['/', '/console']) {
      const res = await app.inject({ url });
      assert.equal(res.statusCode, 302);
      assert.equal(res.headers.location, '/console/');
    }
  });

  test('an asset is served with long caching; the app shell is revalidated; both carry the security headers', async () => {
    const asset = await app.inject({ url: '/console/assets/index-abc123.js' });
    assert.equal(asset.statusCode, 200);
    assert.equal(asset.body, 'console.log(1)');
    assert.match(String(asset.headers['content-type']), /javascript/);
    assert.equal(asset.headers['cache-control'], 'public, max-age=31536000, immutable');
    const shell = await app.inject({ url: '/console/' });
    assert.equal(shell.statusCode, 200);
    assert.equal(shell.headers['cache-control'], 'no-cache');
    for (const res of [asset, shell]) {
      const csp = String(res.headers['content-security-policy']);
      for (const directive of [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
      ]) {
        assert.ok(csp.split('; ').includes(directive), `${directive} in ${csp}`);
      }
      assert.doesNotMatch(csp, /unsafe/);
      assert.equal(res.headers['x-content-type-options'], 'nosniff');
      assert.equal(res.headers['referrer-policy'], 'no-referrer');
      assert.equal(res.headers['x-frame-options'], 'DENY');
    }
  });

  test("the app's own routes get index.html on reload", async () => {
    for (const url of ['/console/inventory', '/console/identities/svc-a', '/console/ledger?seq=4']) {
      const res = await app.inject({ url });
      assert.equal(res.statusCode, 200, url);
      assert.equal(res.body, '<!doctype html><title>console</title>', url);
    }
  });

  test('a missing asset is a 404, not the app shell (an old tab must not run HTML as its script)', async () => {
    const res = await app.inject({ url: '/console/assets/index-gone.js' });
    assert.equal(res.statusCode, 404);
    assert.doesNotMatch(res.body, /doctype/);
  });

  test('buildFile names only regular files inside the build, whatever the path', () => {
    assert.equal(buildFile(build, 'assets/index-abc123.js'), 'assets/index-abc123.js');
    assert.equal(buildFile(build, 'index.html'), 'index.html');
    for (const bad of [
      '',
      'assets',
      '../secret.txt',
      'assets/../../secret.txt',
      '/etc/passwd',
      `${dir}/secret.txt`,
      'assets/\0x',
      '..',
      '.',
    ]) {
      assert.equal(buildFile(build, bad), undefined, JSON.stringify(bad));
    }
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constantFrom('..', '.', 'assets', 'secret.txt', 'index.html', '', dir, '\0'), fc.string()), {
          minLength: 1,
          maxLength: 6,
        }),
        (parts) => {
          const file = buildFile(build, parts.join('/'));
          assert.ok(
            file === undefined || file === 'index.html' || file === 'assets/index-abc123.js',
            `${JSON.stringify(parts)} -> ${file}`,
          );
        },
      ),
      { numRuns: 2000 },
    );
  });

  test('no request path reaches a file outside the build', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom('..', '%2e%2e', '..%2f', '%2e%2e%2f', 'assets', '.', '%00', 'secret.txt', '..%5c', '/'), {
          minLength: 1,
          maxLength: 6,
        }),
        async (parts) => {
          const res = await app.inject({ url: `/console/${parts.join('/')}` });
          assert.ok(!res.body.includes('outside the build'), `/console/${parts.join('/')}`);
        },
      ),
      { numRuns: 300 },
    );
  });

  test('the API keeps answering problem details, not the app shell', async () => {
    // Without a token every /v1 path is refused before routing, known or not.
    for (const url of ['/v1/no-such-thing', '/v1/identities']) {
      const res = await app.inject({ url });
      assert.equal(res.statusCode, 401, url);
      assert.match(String(res.headers['content-type']), /application\/problem\+json/, url);
    }
  });

  test('an unbuilt console says how to build it', async () => {
    const res = await unbuilt.inject({ url: '/console/' });
    assert.equal(res.statusCode, 503);
    assert.match(res.body, /npm run build/);
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
  });
});
