// Time travel on both stores: who could do what at a past moment, rebuilt from the ledger, with
// a checkpoint and inclusion proofs that verify.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { buildApp } from '../../src/app.js';
import { openCheckpoint } from '../../src/ledger/checkpoint.js';
import { verifyInclusion } from '../../src/ledger/merkle.js';
import { identity, smallManifest } from '../support/fixtures.js';
import { testStores } from '../support/stores.js';

for (const store of testStores()) {
  describe(`as-of queries on ${store.name}`, () => {
    let now = Date.parse('2026-11-20T09:00:00Z');
    let app: Awaited<ReturnType<typeof buildApp>>;
    let admin = '';
    const asof = async (qs: string) => {
      const res = await app.inject({ method: 'GET', url: `/v1/asof/identities?${qs}`, headers: { authorization: `Bearer ${admin}` } });
      return { status: res.statusCode, body: res.json() };
    };
    before(async () => {
      app = await buildApp({ db: await store.open(), logger: false, clock: () => new Date(now) });
      admin = (await app.services.users.bootstrap(undefined))!;
      await app.services.importer.importManifest(
        'user:admin',
        smallManifest([
          identity('signer-fr', { scopes: [{ entity: 'ent-de', service: 'custody', jurisdiction: 'FR' }] }),
          identity('signer-de-fr', {
            scopes: [
              { entity: 'ent-de', service: 'custody', jurisdiction: 'DE' },
              { entity: 'ent-de', service: 'custody', jurisdiction: 'FR' },
            ],
          }),
          identity('reader-fr', {
            capability: 'observe',
            function: 'reporting',
            scopes: [{ entity: 'ent-de', service: 'custody', jurisdiction: 'FR' }],
          }),
        ]),
        { dryRun: false, digestOf: 'x' },
      );
      now = Date.parse('2026-11-21T15:00:00Z');
      await app.services.users.createUser('t', { id: 'ann', name: 'Ann', roles: ['approver'] });
      const p = await app.services.regulatory.propose({ user: 'admin', canApprove: true }, 'auth-de-custody-fr', {
        to: 'withdrawn',
        reason: 'Art. 64',
        reference: 'W-1',
      });
      await app.services.regulatory.decide({ user: 'ann', canApprove: true }, p.id, 'approve', undefined);
      now = Date.parse('2026-11-22T09:00:00Z');
    });
    after(async () => {
      await app.close();
      await store.cleanup();
    });

    test('yesterday at noon the French custody signers could initiate transfers; today they cannot', async () => {
      const then = await asof('at=2026-11-21T12:00:00Z&can=initiate_transfer&entity=ent-de&jurisdiction=FR');
      assert.equal(then.status, 200, JSON.stringify(then.body));
      assert.deepEqual(
        then.body.identities.map((i: any) => i.identity),
        ['signer-de-fr', 'signer-fr'],
      );
      const later = await asof('at=2026-11-21T16:00:00Z&can=initiate_transfer&entity=ent-de&jurisdiction=FR');
      assert.deepEqual(later.body.identities, []);
      const returnPath = await asof('at=2026-11-21T16:00:00Z&can=withdraw_to_client&entity=ent-de&jurisdiction=FR');
      assert.deepEqual(
        returnPath.body.identities.map((i: any) => i.identity),
        ['signer-de-fr', 'signer-fr'],
      );
      const germany = await asof('at=2026-11-21T16:00:00Z&can=initiate_transfer&entity=ent-de&jurisdiction=DE');
      assert.deepEqual(
        germany.body.identities.map((i: any) => i.identity),
        ['signer-de-fr'],
      );
    });

    test('the answer carries a signed checkpoint and an inclusion proof for every event it rests on', async () => {
      const { body } = await asof('at=2026-11-21T12:00:00Z&can=initiate_transfer&entity=ent-de&jurisdiction=FR');
      const key = (await app.services.ledger.logKey()).verifierKey;
      const cp = openCheckpoint(body.evidence.checkpoint.note, key);
      const cited = new Set(body.identities.flatMap((i: any) => [i.record_seq, i.status_seq, ...i.authorisation_seqs]));
      assert.equal(body.evidence.proofs.length, cited.size);
      for (const p of body.evidence.proofs) {
        assert.ok(cited.has(p.seq));
        assert.ok(
          verifyInclusion(
            Buffer.from(p.leaf_hash, 'hex'),
            p.leaf_index,
            cp.size,
            p.proof.map((h: string) => Buffer.from(h, 'hex')),
            cp.root,
          ),
        );
      }
    });

    test('bad questions: a time before the log, not a time', async () => {
      const early = await asof('at=2020-01-01&can=read');
      assert.equal(early.status, 400);
      assert.match(early.body.detail, /before the log began/);
      assert.equal((await asof('at=yesterday&can=read')).status, 400);
      assert.equal((await asof('at=2026-11-21&can=Read!')).status, 400);
    });
  });
}
