// Evidence per product (CRA; for the technical documentation, Annex VII), end to end on both
// stores: the pack for a product holds only that product's identities, who could sign and publish
// under the product rules then in force, grants and their expiry, revocations, exceptions and the
// Article 14 timeline; it is signed and verifies offline, its OSCAL validates against NIST's
// schema; as of an earlier time it shows the state then; an unknown product or a mixed request is
// refused with problem+json naming the field and writes nothing; the CLI exports it.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { createGunzip } from 'node:zlib';
import { extract as tarExtract } from 'tar-stream';
import { buildApp, type MandateApp } from '../../src/app.js';
import type { EvidenceData } from '../../src/core/evidence.js';
import { verifyPack } from '../../src/evidence/verify.js';
import { appendEvents } from '../../src/ledger/log.js';
import { activateGrant } from '../../src/state/grants.js';
import type { Database } from '../../src/store/db.js';
import { runCli } from '../support/cli.js';
import { identity, smallManifest } from '../support/fixtures.js';
import { PRODUCT_IDENTITIES, seedProducts } from '../support/products.js';
import { testStores } from '../support/stores.js';

async function untar(gz: Buffer): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  const ex = tarExtract();
  ex.on('entry', (h, s, next) => {
    const c: Buffer[] = [];
    s.on('data', (d: unknown) => c.push(d as Buffer));
    s.on('end', () => {
      files.set(h.name, Buffer.concat(c));
      next();
    });
  });
  await new Promise<void>((resolve, reject) => {
    ex.on('finish', resolve);
    ex.on('error', reject);
    Readable.from([gz]).pipe(createGunzip()).pipe(ex);
  });
  return files;
}

const T0 = Date.parse('2026-11-20T10:00:00Z'); // products and identities recorded
const T1 = Date.parse('2026-11-21T10:00:00Z'); // an exploited vulnerability, a grant, a suspension
const T15 = Date.parse('2026-11-21T16:00:00Z'); // the firmware recalled (four eyes)
const T2 = Date.parse('2026-11-22T10:00:00Z'); // checks run, packs exported
const HW_WALLET_IDENTITIES = ['pub-bad-channel', 'pub-good', 'pub-static', 'sig-critical'];

for (const store of testStores()) {
  describe(`product evidence packs on ${store.name}`, () => {
    let now = T0;
    let app: MandateApp;
    let db: Database;
    let admin = '';
    let anton = '';
    let key = '';
    let url = '';
    const dir = mkdtempSync(join(tmpdir(), 'mandate-product-pack-'));
    const call = (method: string, path: string, body?: object, token = admin) =>
      app.inject({
        method: method as 'POST',
        url: path,
        headers: { authorization: `Bearer ${token}` },
        ...(body ? { payload: body } : {}),
      });
    const exportPack = (body: object) => call('POST', '/v1/evidence-packs', body);
    const exported = async () =>
      JSON.parse((await call('GET', '/v1/events?action=evidence.exported&limit=100')).body).items.length as number;
    const dataOf = async (pack: Buffer) => JSON.parse((await untar(pack)).get('data/evidence.json')!.toString()) as EvidenceData;

    before(async () => {
      db = await store.open();
      app = await buildApp({ db, logger: false, clock: () => new Date(now) });
      admin = (await app.services.users.bootstrap(undefined))!;
      await app.services.users.createUser('test', { id: 'anton', name: 'anton', roles: ['approver'] });
      anton = (await app.services.users.createToken('test', 'anton', {})).token;
      await seedProducts(db, new Date(T0).toISOString());
      const res = await call('POST', '/v1/import', smallManifest([...PRODUCT_IDENTITIES, identity('svc-mica')]));
      assert.equal(res.statusCode, 200, res.body);

      now = T1;
      const at = new Date(T1).toISOString();
      // An actively exploited vulnerability of the firmware, its early warning sent (as the CRA reports service records it).
      await db.transaction(async (tx) => {
        const doc = {
          title: 'Signing bypass in the bootloader',
          opened_by: 'user:admin',
          milestones: {
            early_warning: { at: '2026-11-21T09:00:00.000Z', reference: 'ENISA-SRP-2026-0042', by: 'user:admin', recorded_at: at },
          },
        };
        await tx.run(
          'INSERT INTO cra_reports (id, product, kind, status, aware_at, owner, doc, version, created_at, updated_at) ' +
            'VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
          [
            'cra_1',
            'hw-wallet',
            'exploited_vulnerability',
            'open',
            '2026-11-21T08:00:00.000Z',
            'alice@firm.example',
            JSON.stringify(doc),
            1,
            at,
            at,
          ],
        );
        await appendEvents(tx, at, [
          { actor: 'user:admin', action: 'cra_report.opened', subject: { type: 'cra_report', id: 'cra_1' }, after: doc },
        ]);
        // A two-hour just-in-time grant to sign a fix.
        const grant = {
          id: 'ar_fix',
          kind: 'access' as const,
          identity: 'sig-critical',
          actions: ['sign_release'],
          scope: 'product:hw-wallet',
          obligations: [],
          expires_at: T1 + 2 * 3600_000,
        };
        await appendEvents(tx, at, [await activateGrant(tx, grant, at, 'user:anton', 'sign the bootloader fix')]);
      });
      const suspend = await call('POST', '/v1/identities/pub-static/status', {
        status: 'suspended',
        reason: 'static secret in the build log',
      });
      assert.equal(suspend.statusCode, 200, suspend.body);

      // The firmware is recalled: proposed by one person, approved by another.
      now = T15;
      const proposed = await call('POST', '/v1/products/hw-wallet/transitions', {
        to: 'recalled',
        reason: 'bootloader signing bypass exploited in the wild',
        reference: 'BSI-MS-2026-17',
      });
      assert.equal(proposed.statusCode, 201, proposed.body);
      const approved = await call('POST', `/v1/transitions/${JSON.parse(proposed.body).id}/approve`, {}, anton);
      assert.equal(approved.statusCode, 200, approved.body);

      now = T2;
      await app.services.compliance.run('test');
      key = JSON.parse((await app.inject({ method: 'GET', url: '/v1/ledger/key' })).body).verifier_key;
    });
    after(async () => {
      await app.close();
      await store.cleanup();
      rmSync(dir, { recursive: true, force: true });
    });

    test('a product pack holds only its identities, power, grants, revocations and Article 14 timeline; it verifies', async () => {
      const res = await exportPack({ product: 'hw-wallet' });
      assert.equal(res.statusCode, 200, res.body);
      assert.match(String(res.headers['content-disposition']), /mandate-evidence-product-hw-wallet-2026-11-22\.tar\.gz/);
      const pack = res.rawPayload;
      const files = await untar(pack);
      const manifest = JSON.parse(files.get('manifest.json')!.toString());
      assert.equal(manifest.product, 'hw-wallet');
      assert.equal(manifest.entity, 'ent-de');
      assert.equal(manifest.jurisdiction, 'DE, FR');
      const data = JSON.parse(files.get('data/evidence.json')!.toString()) as EvidenceData;
      assert.deepEqual(
        data.inventory.identities.map((i) => i.id),
        HW_WALLET_IDENTITIES,
      );
      for (const i of data.inventory.identities)
        assert.ok(
          i.scopes.every((s) => s.startsWith('product:hw-wallet')),
          JSON.stringify(i),
        );
      const p = data.product!;
      assert.equal(p.id, 'hw-wallet');
      assert.equal(p.category, 'critical');
      assert.equal(p.status, 'recalled');
      assert.deepEqual(
        p.history.map((e) => e.action),
        ['product.created', 'product.status_changed'],
      );
      // The recall's four eyes: its approval, voted by anton.
      assert.ok(data.approvals.some((a) => a.kind === 'transition' && a.approvers.includes('anton') && a.status === 'approved'));
      // Who could sign and publish: an exploited vulnerability is open, so signing needs a second approval (cra-default.yaml).
      const power = (id: string) => p.power.find((r) => r.identity === id)!;
      assert.deepEqual(power('sig-critical').approval, ['sign_release']);
      // Recalled: no new release is published; security updates still are (cra-default.yaml).
      assert.deepEqual(power('pub-good'), {
        identity: 'pub-good',
        scope: 'product:hw-wallet/beta',
        lawful: ['read', 'publish_security_update'],
        approval: [],
        denied: ['publish_release'],
      });
      assert.deepEqual(power('pub-static').lawful, [], 'a suspended identity can do nothing');
      // The grant and its expiry; the suspension; the report with its deadlines.
      assert.deepEqual(
        p.grants.map((g) => [g.id, g.identity, g.scope, g.expires_at]),
        [['ar_fix', 'sig-critical', 'product:hw-wallet', '2026-11-21T12:00:00.000Z']],
      );
      assert.ok(['expired', 'ended'].includes(p.grants[0]!.status), p.grants[0]!.status);
      assert.ok(p.revocations.some((e) => e.action === 'identity.status_changed' && e.subject.id === 'pub-static'));
      assert.equal(p.reports.length, 1);
      const r = p.reports[0]!;
      assert.deepEqual(
        [r.id, r.kind, r.status, r.milestones.map((m) => m.milestone)],
        ['cra_1', 'exploited_vulnerability', 'open', ['early_warning']],
      );
      assert.deepEqual(
        r.deadlines.map((d) => [d.milestone, d.article, d.state]),
        [
          ['early_warning', 'Art. 14(2)(a)', 'met'],
          ['notification', 'Art. 14(2)(b)', 'pending'],
          ['final_report', 'Art. 14(2)(c)', 'waiting'],
        ],
      );
      assert.deepEqual(
        r.history.map((e) => e.action),
        ['cra_report.opened'],
      );
      // Findings bear on the product or its identities only (or on the whole firm: the ledger).
      assert.ok(data.findings.length > 0);
      for (const f of data.findings)
        assert.ok(
          (f.subject.type === 'identity' && HW_WALLET_IDENTITIES.includes(f.subject.id)) ||
            f.scopes.some((s) => s.startsWith('product:hw-wallet')) ||
            f.scopes.length === 0,
          f.id,
        );
      assert.ok(!data.findings.some((f) => ['sig-plain', 'sig-hsm', 'svc-mica'].includes(f.subject.id)));
      assert.deepEqual(data.authorisations, []);
      // Signed, complete, the OSCAL valid: offline, against the ledger's key.
      const report = await verifyPack(pack, { key });
      assert.deepEqual(report.problems, []);
      assert.equal(report.ok, true);
      assert.equal(report.oscal, 'valid');
      assert.equal(report.product, 'hw-wallet');
      // The cited events include the product's, the grant's and the report's.
      const cited = files
        .get('ledger/events.jsonl')!
        .toString()
        .split('\n')
        .filter(Boolean)
        .map((l) => l.slice(l.indexOf('{', 80)));
      for (const action of ['product.created', 'product.status_changed', 'grant.activated', 'cra_report.opened', 'identity.status_changed'])
        assert.ok(
          cited.some((l) => l.includes(`"action":"${action}"`)),
          `${action} is cited`,
        );
      const oscal = JSON.parse(files.get('oscal/assessment-results.json')!.toString())['assessment-results'];
      assert.match(oscal.results[0].title, /product Hardware wallet firmware of Example Custody GmbH/);
      assert.ok(oscal.results[0].props.some((x: { name: string; value: string }) => x.name === 'product-id' && x.value === 'hw-wallet'));
      const html = files.get('report.html')!.toString();
      for (const s of ['Article 14 timeline', 'Who could sign and publish', 'sig-critical', 'ENISA-SRP-2026-0042', 'ar_fix'])
        assert.ok(html.includes(s), s);
      assert.ok(!html.includes('sig-plain'), 'no identity of another product');
    });

    test('as of an earlier time: the state then, before the report, the grant and the suspension', async () => {
      const res = await exportPack({ product: 'hw-wallet', as_of: new Date(T0 + 3600_000).toISOString() });
      assert.equal(res.statusCode, 200, res.body);
      const data = await dataOf(res.rawPayload);
      const p = data.product!;
      assert.equal(data.as_of, '2026-11-20T11:00:00.000Z');
      assert.equal(p.status, 'on_market');
      assert.deepEqual(p.power.find((r) => r.identity === 'pub-good')!.lawful, ['read', 'publish_release', 'publish_security_update']);
      assert.deepEqual(
        data.inventory.identities.map((i) => [i.id, i.status]),
        HW_WALLET_IDENTITIES.map((id) => [id, 'active']),
      );
      assert.deepEqual(p.power.find((r) => r.identity === 'sig-critical')!.lawful, ['read', 'sign_release'], 'signing alone then');
      assert.deepEqual([p.reports, p.grants, p.revocations], [[], [], []]);
      assert.deepEqual((await verifyPack(res.rawPayload, { key })).problems, []);
    });

    test('the other product’s pack holds the other identities; the entity’s pack holds none of the product identities', async () => {
      const app2 = await dataOf((await exportPack({ product: 'wallet-app' })).rawPayload);
      assert.deepEqual(
        app2.inventory.identities.map((i) => i.id),
        ['dev-unbounded', 'pipe-static', 'sig-hsm', 'sig-plain', 'vendor-kms'],
      );
      assert.deepEqual(app2.product!.reports, []);
      const entity = await exportPack({ entity: 'ent-de', jurisdiction: 'DE' });
      assert.equal(entity.statusCode, 200, entity.body);
      const data = await dataOf(entity.rawPayload);
      assert.equal(data.product, undefined);
      assert.deepEqual(
        data.inventory.identities.map((i) => i.id),
        ['svc-mica'],
      );
    });

    test('an unknown product, or a product with an entity, is refused with the field; nothing is written', async () => {
      const before = await exported();
      const unknown = await exportPack({ product: 'no-such-product' });
      assert.equal(unknown.statusCode, 404, unknown.body);
      assert.match(String(unknown.headers['content-type']), /application\/problem\+json/);
      assert.equal(JSON.parse(unknown.body).field, '/product');
      const mixed = await exportPack({ product: 'hw-wallet', entity: 'ent-de' });
      assert.ok(mixed.statusCode === 400 || mixed.statusCode === 422, mixed.body);
      assert.equal(JSON.parse(mixed.body).field, '/entity');
      const neither = await exportPack({});
      assert.ok(neither.statusCode === 400 || neither.statusCode === 422, neither.body);
      assert.equal(JSON.parse(neither.body).field, '/entity');
      assert.equal(await exported(), before);
    });

    test('mandate evidence export --product writes the pack; an unknown product exits non-zero', async () => {
      url ||= await app.listen({ host: '127.0.0.1', port: 0 });
      const env = { MANDATE_URL: url, MANDATE_TOKEN: admin };
      const out = join(dir, 'hw-wallet.tar.gz');
      const ok = await runCli(['evidence', 'export', '--product', 'hw-wallet', '--out', out], env);
      assert.equal(ok.code, 0, ok.stderr);
      const report = await verifyPack(readFileSync(out), { key });
      assert.deepEqual(report.problems, []);
      assert.equal(report.product, 'hw-wallet');
      const missing = await runCli(['evidence', 'export', '--product', 'no-such-product', '--out', join(dir, 'x.tar.gz')], env);
      assert.notEqual(missing.code, 0);
      assert.match(missing.stderr, /no product no-such-product/);
      const mixed = await runCli(
        ['evidence', 'export', '--product', 'hw-wallet', '--entity', 'ent-de', '--out', join(dir, 'y.tar.gz')],
        env,
      );
      assert.equal(mixed.code, 2, mixed.stderr);
    });
  });
}
