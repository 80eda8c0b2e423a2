// An emergency in the evidence pack: a break-glass identity unsealed on the emergency path is in
// the pack's approvals as an emergency that nobody approved, with its post-incident review pending
// until someone else closes it, as it stood at the pack's as-of time, and the report says so.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { extract as tarExtract } from 'tar-stream';
import { buildApp, type MandateApp } from '../../src/app.js';
import { identity, smallManifest } from '../support/fixtures.js';
import { testStores } from '../support/stores.js';

/** One file of a pack (.tar.gz), as text. */
async function packFile(gz: Buffer, name: string): Promise<string> {
  let found: string | undefined;
  const ex = tarExtract();
  ex.on('entry', (h, stream, next) => {
    const chunks: Buffer[] = [];
    stream.on('data', (d: unknown) => chunks.push(d as Buffer));
    stream.on('end', () => {
      if (h.name === name) found = Buffer.concat(chunks).toString();
      next();
    });
  });
  await new Promise<void>((resolve, reject) => {
    ex.on('finish', resolve);
    ex.on('error', reject);
    Readable.from([gz]).pipe(createGunzip()).pipe(ex);
  });
  assert.ok(found !== undefined, `${name} in the pack`);
  return found;
}

const SCOPE = { entity: 'ent-ie', service: 'custody', jurisdiction: 'IE' } as const;

for (const store of testStores()) {
  describe(`an emergency unseal in an evidence pack (${store.name})`, () => {
    let now = Date.parse('2026-11-22T10:00:00Z');
    let app: MandateApp;
    let admin = '';
    const pack = async (asOf?: string) => {
      const res = await app.inject({
        method: 'POST',
        url: '/v1/evidence-packs',
        headers: { authorization: `Bearer ${admin}` },
        payload: { entity: 'ent-ie', jurisdiction: 'IE', ...(asOf ? { as_of: asOf } : {}) },
      });
      assert.equal(res.statusCode, 200, res.body);
      return res.rawPayload;
    };

    before(async () => {
      app = await buildApp({ db: await store.open(), logger: false, clock: () => new Date(now) });
      admin = (await app.services.users.bootstrap(undefined))!;
      const m = smallManifest([identity('bg-custody', { owner: 'alice@firm.example', scopes: [SCOPE], break_glass: true })]);
      m.authorisations!.push({ id: 'auth-ie', ...SCOPE, status: 'authorised', basis: 'home', reference: 'CBI 2025/9' });
      const res = await app.inject({ method: 'POST', url: '/v1/import', headers: { authorization: `Bearer ${admin}` }, payload: m });
      assert.equal(res.statusCode, 200, res.body);
    });
    after(async () => {
      await app.close();
      await store.cleanup();
    });

    test('pending, then done by the reviewer; never "approved"; as of the pack time', async () => {
      const act = await app.services.grants.unseal({ type: 'user', user: 'olga', roles: ['operator'] }, 'bg-custody', {
        reason: 'custody API down (INC-7)',
        emergency: true,
        duration_seconds: 900,
      });
      const dataOf = (gz: Buffer) => packFile(gz, 'data/evidence.json');
      const reportOf = (gz: Buffer) => packFile(gz, 'report.html');

      now += 60_000;
      const before = await pack();
      const a = (JSON.parse(await dataOf(before)).approvals as { id: string; emergency?: unknown; approvers: string[] }[]).find(
        (x) => x.id === act.approval_id,
      );
      assert.ok(a, 'the break-glass request is in the pack');
      assert.deepEqual(a.approvers, []);
      assert.deepEqual(a.emergency, { review: 'pending' });
      const html = await reportOf(before);
      const row = html.slice(html.indexOf(act.approval_id!), html.indexOf('</tr>', html.indexOf(act.approval_id!)));
      assert.match(row, /emergency, review pending/);
      assert.doesNotMatch(row, /<td>approved<\/td>/);

      const pendingAt = new Date(now).toISOString();
      now += 60_000;
      await app.services.grants.review({ type: 'user', user: 'carla', roles: ['compliance_officer'] }, act.id, 'checked; rotated');
      now += 60_000;
      const done = JSON.parse(await dataOf(await pack())).approvals.find((x: { id: string }) => x.id === act.approval_id);
      assert.equal(done.emergency.review, 'done');
      assert.equal(done.emergency.reviewed_by, 'user:carla');
      assert.match(await reportOf(await pack()), /emergency, review done by user:carla/);
      // As of a time before the review, it was still pending.
      const then = JSON.parse(await dataOf(await pack(pendingAt))).approvals.find((x: { id: string }) => x.id === act.approval_id);
      assert.deepEqual(then.emergency, { review: 'pending' });
    });
  });
}
