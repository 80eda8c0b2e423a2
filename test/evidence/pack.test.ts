// Evidence packs end to end on both stores: built for one entity and member state, signed, with
// OSCAL that validates against NIST's schema, an HTML report, every cited event with its
// inclusion proof; verified offline; any change to the pack is caught; bad requests write nothing.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createGunzip, gzipSync } from 'node:zlib';
import { Readable } from 'node:stream';
import { extract as tarExtract, pack as tarPack } from 'tar-stream';
import { buildApp, type MandateApp } from '../../src/app.js';
import type { Manifest } from '../../src/core/manifest.js';
import { verifyPack } from '../../src/evidence/verify.js';
import { identity, smallManifest } from '../support/fixtures.js';
import { testStores } from '../support/stores.js';

const IE_IT = { entity: 'ent-ie', service: 'custody', jurisdiction: 'IT' } as const;

function firm(): Manifest {
  const m = smallManifest([
    identity('svc-ie-custody', {
      owner: 'alice@firm.example',
      scopes: [{ entity: 'ent-ie', service: 'custody', jurisdiction: 'IE' }, IE_IT],
    }),
    identity('svc-ie-orphan', { owner: 'bob@firm.example', scopes: [IE_IT] }),
    identity('svc-de-only', { scopes: [{ entity: 'ent-de', service: 'custody', jurisdiction: 'DE' }] }),
  ]);
  m.authorisations!.push(
    {
      id: 'auth-ie-custody-ie',
      entity: 'ent-ie',
      service: 'custody',
      jurisdiction: 'IE',
      status: 'authorised',
      basis: 'home',
      reference: 'CBI 2025/9',
    },
    {
      id: 'auth-ie-custody-it',
      entity: 'ent-ie',
      service: 'custody',
      jurisdiction: 'IT',
      status: 'authorised',
      basis: 'passport',
      reference: 'CBI 2025/9-IT',
      effective_from: '2025-03-01',
    },
  );
  return m;
}

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

async function retar(files: Map<string, Buffer>): Promise<Buffer> {
  const p = tarPack();
  const chunks: Buffer[] = [];
  p.on('data', (c: unknown) => chunks.push(c as Buffer));
  const done = new Promise<void>((r) => p.on('end', () => r()));
  for (const [name, content] of files) p.entry({ name }, content);
  p.finalize();
  await done;
  return gzipSync(Buffer.concat(chunks));
}

for (const store of testStores()) {
  describe(`evidence packs on ${store.name}`, () => {
    const now = Date.parse('2026-11-22T10:00:00Z');
    let app: MandateApp;
    let admin = '';
    let key = '';
    let pack: Buffer;
    const exportPack = (body: object) =>
      app.inject({ method: 'POST', url: '/v1/evidence-packs', headers: { authorization: `Bearer ${admin}` }, payload: body });

    before(async () => {
      app = await buildApp({ db: await store.open(), logger: false, clock: () => new Date(now) });
      admin = (await app.services.users.bootstrap(undefined))!;
      const res = await app.inject({ method: 'POST', url: '/v1/import', headers: { authorization: `Bearer ${admin}` }, payload: firm() });
      assert.equal(res.statusCode, 200, res.body);
      await app.services.compliance.run('test');
      key = JSON.parse((await app.inject({ method: 'GET', url: '/v1/ledger/key' })).body).verifier_key;
    });
    after(async () => {
      await app.close();
      await store.cleanup();
    });

    test('a pack for the Irish entity in Italy: signed, complete, verifiable offline', async () => {
      const res = await exportPack({ entity: 'ent-ie', jurisdiction: 'IT' });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.headers['content-type'], 'application/gzip');
      pack = res.rawPayload;
      const files = await untar(pack);
      for (const f of [
        'manifest.json',
        'manifest.sig',
        'oscal/assessment-results.json',
        'report.html',
        'data/evidence.json',
        'ledger/events.jsonl',
        'ledger/checkpoint.txt',
        'ledger/proofs.json',
        'ledger/key.txt',
      ])
        assert.ok(files.has(f), `${f} in the pack`);
      const data = JSON.parse(files.get('data/evidence.json')!.toString());
      assert.deepEqual(
        data.inventory.identities.map((i: any) => i.id),
        ['svc-ie-custody', 'svc-ie-orphan'],
        'only identities acting for ent-ie in IT',
      );
      assert.deepEqual(
        data.authorisations.map((a: any) => a.id),
        ['auth-ie-custody-it'],
      );
      assert.ok(data.findings.some((f: any) => f.id === 'owner-missing-or-departed:svc-ie-orphan'));
      assert.ok(!data.findings.some((f: any) => f.subject.id === 'svc-de-only'));
      const report = await verifyPack(pack, { key });
      assert.deepEqual(report.problems, []);
      assert.equal(report.ok, true);
      assert.equal(report.oscal, 'valid');
      assert.ok(report.events >= 3, `${report.events} cited events`);
      const html = files.get('report.html')!.toString();
      assert.match(html, /<svg/);
      assert.match(html, /svc-ie-orphan/);
      const exported = JSON.parse(
        (
          await app.inject({
            method: 'GET',
            url: '/v1/events?subject_type=evidence_pack&subject_id=ent-ie%2FIT',
            headers: { authorization: `Bearer ${admin}` },
          })
        ).body,
      ).items;
      assert.equal(exported.length, 1);
    });

    test('any change to the pack is caught', async () => {
      const files = await untar(pack);
      const html = new Map(files);
      html.set('report.html', Buffer.from(files.get('report.html')!.toString().replace('svc-ie-orphan', 'svc-ie-0rphan')));
      assert.match((await verifyPack(await retar(html))).problems.join('\n'), /report\.html was modified/);
      const manifest = new Map(files);
      manifest.set('manifest.json', Buffer.from(files.get('manifest.json')!.toString().replace('"IT"', '"FR"')));
      assert.match((await verifyPack(await retar(manifest), { key })).problems.join('\n'), /manifest signature does not verify/);
      const events = new Map(files);
      events.set('ledger/events.jsonl', Buffer.from(files.get('ledger/events.jsonl')!.toString().replace('svc-ie-orphan', 'svc-ie-other')));
      const eventsReport = await verifyPack(await retar(events), { key });
      assert.equal(eventsReport.ok, false);
      const otherKey = 'other+00000000+AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';
      assert.equal(
        (await verifyPack(pack, { key: otherKey })).ok,
        false,
        'a pack signed by another key does not verify with the key one trusts',
      );
      assert.equal((await verifyPack(Buffer.from('not a pack'))).ok, false);
    });

    test('bad requests: unknown entity or member state, a time before the log, nothing written', async () => {
      const before = JSON.parse(
        (
          await app.inject({
            method: 'GET',
            url: '/v1/events?subject_type=evidence_pack&subject_id=ent-ie%2FIT',
            headers: { authorization: `Bearer ${admin}` },
          })
        ).body,
      ).items.length;
      const unknown = await exportPack({ entity: 'ent-xx', jurisdiction: 'IT' });
      assert.equal(unknown.statusCode, 404);
      assert.equal(JSON.parse(unknown.body).field, '/entity');
      const state = await exportPack({ entity: 'ent-ie', jurisdiction: 'XX' });
      assert.equal(state.statusCode, 400);
      assert.equal(JSON.parse(state.body).field, '/jurisdiction');
      const nothing = await exportPack({ entity: 'ent-ie', jurisdiction: 'PT' });
      assert.equal(nothing.statusCode, 404);
      const early = await exportPack({ entity: 'ent-ie', jurisdiction: 'IT', as_of: '2020-01-01T00:00:00Z' });
      assert.equal(early.statusCode, 400);
      assert.match(JSON.parse(early.body).detail, /before the log began/);
      const after = JSON.parse(
        (
          await app.inject({
            method: 'GET',
            url: '/v1/events?subject_type=evidence_pack&subject_id=ent-ie%2FIT',
            headers: { authorization: `Bearer ${admin}` },
          })
        ).body,
      ).items.length;
      assert.equal(after, before);
    });
  });
}
