// The console's in-browser ledger verifier (console/src/lib/ledger-verify.ts) against a real server
// on both stores: every event the API lists verifies against the signed checkpoint through the
// HTTP API alone, and each kind of tampering fails at the step it touches. Then its Merkle and
// signed-note code against the server's (src/core), over random trees, proofs and byte flips.
// And its following of the ledger key's rotations: from a key pinned before them, through a real
// server's rotations, and refusing a forged or unproven rotation and a retired key signing later.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { signCheckpoint, verifierKey as serverVerifierKey, openCheckpoint as serverOpenCheckpoint } from '../../src/ledger/checkpoint.js';
import * as merkle from '../../src/ledger/merkle.js';
import { demoManifest } from '../../src/demo/firm.js';
import { appendEvents } from '../../src/ledger/log.js';
import {
  eventLeafText,
  followKeyRotations,
  fromHex,
  inclusionPathLength,
  keyId,
  leafHash,
  nodeHash,
  openCheckpoint,
  parseCheckpoint,
  parseVerifierKey,
  rootFromInclusionProof,
  STEP_LABELS,
  toHex,
  verifyEventInclusion,
  verifyInclusion,
  type CheckName,
  type InclusionInput,
  type InclusionProof,
  type LedgerEvent,
  type RotationRecord,
  type VerificationResult,
} from '../../console/src/lib/ledger-verify.js';
import { testApp, type TestApp } from '../support/app.js';
import { testStores } from '../support/stores.js';

const failed = (r: VerificationResult): CheckName[] => r.steps.filter((s) => !s.ok).map((s) => s.check);
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
const flipHex = (hex: string, at = 0): string => hex.slice(0, at) + (hex[at] === '0' ? '1' : '0') + hex.slice(at + 1);
/** Replaces one line (0-based) of a checkpoint note. */
const withLine = (note: string, n: number, text: string): string =>
  note
    .split('\n')
    .map((l, i) => (i === n ? text : l))
    .join('\n');

async function allEvents(t: TestApp): Promise<LedgerEvent[]> {
  const out: LedgerEvent[] = [];
  let cursor: string | null = null;
  do {
    const res = await t.call('GET', `/v1/events?limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, t.admin);
    assert.equal(res.status, 200);
    out.push(...(res.body.items as LedgerEvent[]));
    cursor = res.body.next_cursor;
  } while (cursor);
  return out;
}

for (const store of testStores()) {
  describe(`console ledger verifier against the server on ${store.name}`, () => {
    let t: TestApp;
    let events: LedgerEvent[];
    let cp: { size: number; root: string; note: string; verifier_key: string };
    let key: string;
    const proofOf = async (seq: number, size = cp.size): Promise<InclusionProof> => {
      const res = await t.call('GET', `/v1/ledger/proof/inclusion?seq=${seq}&size=${size}`, t.admin);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return res.body as InclusionProof;
    };
    const input = async (seq: number, over: Partial<InclusionInput> = {}): Promise<InclusionInput> => ({
      event: clone(events[seq - 1]!),
      proof: await proofOf(seq),
      checkpointNote: cp.note,
      verifierKey: cp.verifier_key,
      pinnedKey: key,
      ...over,
    });

    before(async () => {
      t = await testApp(await store.open());
      const imported = await t.call('POST', '/v1/import', t.admin, JSON.stringify(demoManifest()), { 'content-type': 'application/json' });
      assert.equal(imported.status, 200, JSON.stringify(imported.body));
      // Records whose JSON text is easy to get wrong when rebuilt from the API's parsed JSON.
      await t.db.transaction((tx) =>
        appendEvents(tx, new Date().toISOString(), [
          {
            actor: 'user:test',
            action: 'identity.updated',
            subject: { type: 'identity', id: 'svc-ünïcødé' },
            before: JSON.parse('{"b":1,"10":[1.5,-0,1e21,0.1,1e-7],"2":null,"__proto__":{"x":"\\ud800"},"a":"\\u2028</script>"}'),
            // biome-ignore lint/correctness/noPrecisionLoss: past 2^53 on purpose: the browser hashes it as the server
            after: { note: 'ünïcødé "quoted" \\ back\nslash 😀', nested: { empty: {}, list: [] }, n: 12345678901234567 },
            reason: 'tabs\tand "quotes" ✓',
          },
          { actor: 'user:test', action: 'note.added', subject: { type: 'note', id: 'n1' }, after: null },
          { actor: 'user:test', action: 'note.added', subject: { type: 'note', id: 'n2' }, before: false, after: 0 },
        ]),
      );
      const res = await t.call('GET', '/v1/ledger/checkpoint?fresh=true', t.admin);
      assert.equal(res.status, 200);
      cp = res.body;
      key = (await t.call('GET', '/v1/ledger/key', undefined)).body.verifier_key;
      // The server's own background work (an outbox delivery after the import) may append after the
      // checkpoint: the events it covers are the first cp.size.
      events = (await allEvents(t)).filter((e) => e.seq <= cp.size);
      assert.equal(events.length, cp.size);
      for (const [i, e] of events.entries()) assert.equal(e.seq, i + 1);
    });
    after(async () => {
      await t.app.close();
      await store.cleanup();
    });

    test('every event the API lists verifies, through the HTTP API alone, and each step says so', async () => {
      assert.ok(cp.size > 20, `only ${cp.size} events`);
      for (const e of events) {
        const r = await verifyEventInclusion(await input(e.seq));
        assert.ok(r.ok, `seq ${e.seq}: ${JSON.stringify(r.steps)}`);
        assert.deepEqual(
          r.steps.map((s) => [s.check, s.label]),
          (['leaf', 'proof', 'signature', 'pinned'] as const).map((c) => [c, STEP_LABELS[c]]),
        );
        assert.equal(r.root, cp.root);
        assert.equal(r.treeSize, cp.size);
      }
      // The leaf text is exactly what the server hashed: its proof's leaf hash, for the awkward ones too.
      for (const e of events.slice(-4)) assert.equal(toHex(await leafHash(eventLeafText(e))), (await proofOf(e.seq)).leaf_hash);
      // Without a pinned key there is no pinned step, and the rest still holds.
      const unpinned = await verifyEventInclusion({ ...(await input(1)), pinnedKey: undefined });
      assert.ok(unpinned.ok);
      assert.deepEqual(
        unpinned.steps.map((s) => s.check),
        ['leaf', 'proof', 'signature'],
      );
      // The verifier key in the checkpoint answer is the published one.
      assert.equal(cp.verifier_key, key);
    });

    test('a changed event fails at the leaf step only', async () => {
      const seq = events.find((e) => e.subject.id === 'svc-ünïcødé')!.seq;
      const edits: ((e: LedgerEvent) => void)[] = [
        (e) => void (e.actor = `${e.actor}x`),
        (e) => void (e.at = e.at.replace(/.$/, 'Y')),
        (e) => void (e.subject.id = 'someone-else'),
        (e) => void (e.reason = null),
        (e) => void ((e.before as Record<string, unknown>).b = 2),
        (e) => void ((e.after as Record<string, unknown>).n = 1),
        (e) => void (e.seq += 1),
      ];
      for (const edit of edits) {
        const inp = await input(seq);
        edit(inp.event);
        const r = await verifyEventInclusion(inp);
        assert.deepEqual(failed(r), ['leaf'], `${edit.toString()}: ${JSON.stringify(r.steps)}`);
      }
      const r = await verifyEventInclusion({ ...(await input(seq)), event: { ...clone(events[seq - 1]!), actor: 'user:forger' } });
      assert.match(r.steps[0]!.detail!, /not the one logged at seq/);
    });

    test('a flipped proof hash, or a proof for another event, fails at the proof step', async () => {
      for (const seq of [1, 2, Math.floor(cp.size / 2), cp.size - 1, cp.size]) {
        const base = await input(seq);
        for (let i = 0; i < base.proof.proof.length; i++) {
          const inp = clone(base);
          inp.proof.proof[i] = flipHex(inp.proof.proof[i]!, 5);
          const r = await verifyEventInclusion(inp);
          assert.deepEqual(failed(r), ['proof'], `seq ${seq}, hash ${i}`);
          assert.match(r.steps[1]!.detail!, /leads to .*checkpoint's root is/);
        }
        const dropped = clone(base);
        dropped.proof.proof.pop();
        assert.deepEqual(failed(await verifyEventInclusion(dropped)), ['proof']);
        const extra = clone(base);
        extra.proof.proof.push(base.proof.leaf_hash);
        assert.match((await verifyEventInclusion(extra)).steps[1]!.detail!, /needs/);
      }
      // A neighbour's audit path under this event's leaf.
      const inp = await input(5);
      inp.proof.proof = (await proofOf(6)).proof;
      assert.deepEqual(failed(await verifyEventInclusion(inp)), ['proof']);
    });

    test('a proof for the wrong tree size fails at the proof step', async () => {
      const seq = 3;
      const smaller = await verifyEventInclusion(await input(seq, { proof: await proofOf(seq, cp.size - 1) }));
      assert.deepEqual(failed(smaller), ['proof']);
      assert.match(smaller.steps[1]!.detail!, new RegExp(`size ${cp.size - 1}, the checkpoint for size ${cp.size}`));
      // The size field rewritten to the checkpoint's: the hashes still belong to the smaller tree.
      const relabelled = await proofOf(seq, cp.size - 7);
      relabelled.tree_size = cp.size;
      assert.deepEqual(failed(await verifyEventInclusion(await input(seq, { proof: relabelled }))), ['proof']);
      // A later tree: a proof for it does not match the older checkpoint, nor does an event after it.
      await t.db.transaction((tx) =>
        appendEvents(tx, new Date().toISOString(), [{ actor: 'user:test', action: 'note.added', subject: { type: 'note', id: 'late' } }]),
      );
      const later = await verifyEventInclusion(await input(seq, { proof: await proofOf(seq, cp.size + 1) }));
      assert.deepEqual(failed(later), ['proof']);
      const late = (await allEvents(t)).at(-1)!;
      assert.equal(late.seq, cp.size + 1);
      const r = await verifyEventInclusion({
        event: late,
        proof: await proofOf(late.seq, late.seq),
        checkpointNote: cp.note,
        verifierKey: key,
      });
      assert.deepEqual(failed(r), ['proof']);
      assert.match(r.steps[1]!.detail!, new RegExp(`size ${cp.size + 1}, the checkpoint for size ${cp.size}`));
    });

    test('an altered checkpoint fails at the signature; with a root it does not reach, at the proof too', async () => {
      const inp = await input(7);
      const otherRoot = Buffer.from(flipHex(cp.root, 10), 'hex').toString('base64');
      assert.deepEqual(failed(await verifyEventInclusion({ ...inp, checkpointNote: withLine(cp.note, 2, otherRoot) })), [
        'proof',
        'signature',
      ]);
      assert.deepEqual(failed(await verifyEventInclusion({ ...inp, checkpointNote: withLine(cp.note, 1, String(cp.size + 1)) })), [
        'proof',
        'signature',
      ]);
      const renamed = await verifyEventInclusion({ ...inp, checkpointNote: withLine(cp.note, 0, 'another.log/ledger') });
      assert.deepEqual(failed(renamed), ['signature']);
      assert.match(renamed.steps[2]!.detail!, /does not verify/);
      // A forged log that is self-consistent (event, leaf hash, path and root all recomputed) is
      // stopped by the signature alone, and a checkpoint signed with the forger's own key by the pin.
      const forged = clone(inp);
      forged.event.actor = 'user:forger';
      forged.proof.leaf_hash = toHex(await leafHash(eventLeafText(forged.event)));
      const root = await rootFromInclusionProof(
        fromHex(forged.proof.leaf_hash),
        forged.proof.leaf_index,
        cp.size,
        forged.proof.proof.map(fromHex),
      );
      const forgedNote = withLine(cp.note, 2, Buffer.from(root).toString('base64'));
      assert.deepEqual(failed(await verifyEventInclusion({ ...forged, checkpointNote: forgedNote })), ['signature']);
      const name = (await parseVerifierKey(key)).name;
      const forger = generateKeyPairSync('ed25519');
      const forgerKey = serverVerifierKey(name, forger.publicKey);
      const forgerNote = signCheckpoint(
        { origin: name, size: cp.size, root: Buffer.from(root) },
        name,
        forger.privateKey,
        forger.publicKey,
      );
      const pinnedOnly = await verifyEventInclusion({ ...forged, checkpointNote: forgerNote, verifierKey: forgerKey, pinnedKey: key });
      assert.deepEqual(failed(pinnedOnly), ['pinned']);
      assert.match(pinnedOnly.steps[3]!.detail!, /you pinned/);
    });

    test('another key fails at the signature (key id named), and at the pin when one is kept', async () => {
      const inp = await input(4);
      const name = (await parseVerifierKey(key)).name;
      const other = serverVerifierKey(name, generateKeyPairSync('ed25519').publicKey);
      const r = await verifyEventInclusion({ ...inp, verifierKey: other });
      assert.deepEqual(failed(r), ['signature', 'pinned']);
      assert.match(r.steps[2]!.detail!, /key id [0-9a-f]{8}, not the verifier key's [0-9a-f]{8}/);
      assert.deepEqual(failed(await verifyEventInclusion({ ...inp, verifierKey: other, pinnedKey: undefined })), ['signature']);
      const otherName = serverVerifierKey('someone.else/log', generateKeyPairSync('ed25519').publicKey);
      const r2 = await verifyEventInclusion({ ...inp, verifierKey: otherName, pinnedKey: otherName });
      assert.deepEqual(failed(r2), ['signature']);
      assert.match(r2.steps[2]!.detail!, /not signed by someone\.else\/log; it is signed by/);
      // The checkpoint signed by the real key, checked with it, but another key pinned.
      assert.deepEqual(failed(await verifyEventInclusion({ ...inp, pinnedKey: other })), ['pinned']);
      // A key whose id is not its own.
      const [, keyName, id, b64] = /^([^+]+)\+([0-9a-f]{8})\+(.+)$/.exec(key)!;
      const badId = `${keyName}+${flipHex(id!)}+${b64}`;
      const r3 = await verifyEventInclusion({ ...inp, verifierKey: badId });
      assert.deepEqual(failed(r3), ['signature', 'pinned']);
      assert.match(r3.steps[2]!.detail!, /key id does not match/);
    });

    test('malformed input fails a step with a reason, and never throws', async () => {
      const good = await input(3);
      const cases: [string, unknown, CheckName[]][] = [
        ['no event', { ...good, event: null }, ['leaf']],
        ['event without subject', { ...good, event: { ...good.event, subject: undefined } }, ['leaf']],
        ['seq as text', { ...good, event: { ...good.event, seq: '3' } }, ['leaf']],
        ['no proof', { ...good, proof: undefined }, ['leaf', 'proof']],
        ['path not a list', { ...good, proof: { ...good.proof, proof: 'abc' } }, ['proof']],
        [
          'path hash not hex',
          { ...good, proof: { ...good.proof, proof: good.proof.proof.map((h, i) => (i === 0 ? `${h.slice(2)}zz` : h)) } },
          ['proof'],
        ],
        ['leaf hash short', { ...good, proof: { ...good.proof, leaf_hash: good.proof.leaf_hash.slice(2) } }, ['leaf', 'proof']],
        ['leaf index off', { ...good, proof: { ...good.proof, leaf_index: 3 } }, ['leaf', 'proof']],
        ['empty note', { ...good, checkpointNote: '' }, ['proof', 'signature']],
        ['size not a number', { ...good, checkpointNote: withLine(cp.note, 1, '12a') }, ['proof', 'signature']],
        ['root not base64', { ...good, checkpointNote: withLine(cp.note, 2, 'not-a-hash') }, ['proof', 'signature']],
        // A note without a signature line is malformed (C2SP; Go's note.Open refuses it), so its root is not read either.
        ['no signature line', { ...good, checkpointNote: `${cp.note.split('\n\n')[0]}\n\n` }, ['proof', 'signature']],
        ['key garbage', { ...good, verifierKey: 'nope' }, ['signature', 'pinned']],
        ['key not Ed25519', { ...good, verifierKey: `${key.split('+').slice(0, 2).join('+')}+AAAA` }, ['signature', 'pinned']],
        ['pinned garbage', { ...good, pinnedKey: 42 }, ['pinned']],
      ];
      for (const [what, inp, want] of cases) {
        const r = await verifyEventInclusion(inp as InclusionInput);
        assert.equal(r.ok, false, what);
        assert.deepEqual(failed(r), want, `${what}: ${JSON.stringify(r.steps)}`);
        for (const s of r.steps.filter((x) => !x.ok)) assert.ok(s.detail && s.detail.length > 10, `${what}: ${s.check} has no reason`);
      }
      for (const nothing of [undefined, null, 'x', []]) {
        const r = await verifyEventInclusion(nothing as unknown as InclusionInput);
        assert.equal(r.ok, false);
        assert.deepEqual(failed(r), ['leaf', 'proof', 'signature']);
      }
      const field = fc.constantFrom<keyof InclusionInput>('event', 'proof', 'checkpointNote', 'verifierKey', 'pinnedKey');
      await fc.assert(
        fc.asyncProperty(
          field,
          fc.anything().filter((v) => v !== undefined),
          async (k, v) => {
            const r = await verifyEventInclusion({ ...good, [k]: v });
            assert.equal(r.ok, false);
            assert.ok(r.steps.length >= 3);
          },
        ),
        { numRuns: 200 },
      );
    });
  });
}

for (const store of testStores()) {
  describe(`console ledger verifier across key rotations on ${store.name}`, () => {
    let t: TestApp;
    const keys: string[] = [];
    const rotatedAt: number[] = [];
    const note = (id: string) =>
      t.db.transaction((tx) =>
        appendEvents(tx, new Date().toISOString(), [{ actor: 'user:test', action: 'note.added', subject: { type: 'note', id } }]),
      );
    const get = async <T>(path: string): Promise<T> => {
      const res = await t.call('GET', path, t.admin);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return res.body as T;
    };
    const eventAt = async (seq: number) => get<LedgerEvent>(`/v1/events/${seq}`);
    /** What the Ledger page gathers for one event: the checkpoint, the proof in it, the rotations up to it. */
    const gather = async (seq: number, cp: { size: number; note: string; verifier_key: string }) => ({
      event: await eventAt(seq),
      proof: await get<InclusionProof>(`/v1/ledger/proof/inclusion?seq=${seq}&size=${cp.size}`),
      checkpointNote: cp.note,
      verifierKey: cp.verifier_key,
      rotations: (await get<{ items: RotationRecord[] }>(`/v1/ledger/rotations?size=${cp.size}`)).items,
    });

    before(async () => {
      t = await testApp(await store.open());
      for (let i = 0; i < 6; i++) await note(`a${i}`);
      keys.push((await t.call('GET', '/v1/ledger/key', undefined)).body.verifier_key);
      await get('/v1/ledger/checkpoint?fresh=true');
      // Twice through the path `mandate keys rotate ledger` takes: a chain of three keys.
      for (const round of ['b', 'c']) {
        const r = await t.call('POST', '/v1/keys/ledger/rotate', t.admin, { reason: 'console verifier test' });
        assert.equal(r.status, 200, JSON.stringify(r.body));
        assert.equal(r.body.from, keys.at(-1));
        keys.push(r.body.public_key as string);
        rotatedAt.push(r.body.seq as number);
        for (let i = 0; i < 3; i++) await note(`${round}${i}`);
      }
    });
    after(async () => {
      await t.app.close();
      await store.cleanup();
    });

    test("GET /v1/ledger/rotations lists each rotation with the old key's checkpoint and the proof between", async () => {
      const all = (await get<{ items: RotationRecord[] }>('/v1/ledger/rotations')).items;
      assert.deepEqual(
        all.map((r) => JSON.parse(r.leaf).after),
        [
          { from: keys[0], to: keys[1] },
          { from: keys[1], to: keys[2] },
        ],
      );
      for (const [i, r] of all.entries()) {
        assert.equal((await openCheckpoint(r.checkpoint, keys[i]!)).size, rotatedAt[i]);
        assert.equal(toHex(await leafHash(r.leaf)), r.leaf_hash);
      }
      assert.equal((await get<{ items: RotationRecord[] }>(`/v1/ledger/rotations?size=${rotatedAt[1]! - 1}`)).items.length, 1);
      assert.equal((await t.call('GET', '/v1/ledger/rotations?size=0', t.admin)).status, 400);
      assert.equal((await t.call('GET', '/v1/ledger/rotations', undefined)).status, 401);
    });

    test('a key pinned before the rotations verifies a checkpoint by the newest key, through the chain', async () => {
      const cp = await get<{ size: number; note: string; verifier_key: string }>('/v1/ledger/checkpoint?fresh=true');
      assert.equal(cp.verifier_key, keys[2]);
      const inp = await gather(3, cp);
      // Before: the pin alone refuses the rotated key.
      assert.deepEqual(failed(await verifyEventInclusion({ ...inp, rotations: undefined, pinnedKey: keys[0] })), ['pinned']);
      const r = await verifyEventInclusion({ ...inp, pinnedKey: keys[0] });
      assert.ok(r.ok, JSON.stringify(r.steps));
      assert.deepEqual(
        r.steps.map((s) => s.check),
        ['leaf', 'proof', 'signature', 'rotations', 'pinned'],
      );
      assert.deepEqual(
        r.chain!.keys.map((k) => [k.key, k.since, k.until]),
        [
          [keys[0], undefined, rotatedAt[0]],
          [keys[1], rotatedAt[0], rotatedAt[1]],
          [keys[2], rotatedAt[1], undefined],
        ],
      );
      assert.equal(r.signer, keys[2]);
      assert.match(r.steps[4]!.detail!, new RegExp(`reached from .* by the rotations in events ${rotatedAt[0]}, ${rotatedAt[1]}`));
      // Pinned in the middle: the rotation before the pin is skipped. Pinned at the newest: none to follow.
      const mid = await verifyEventInclusion({ ...inp, pinnedKey: keys[1] });
      assert.ok(mid.ok);
      assert.equal(mid.chain!.keys.length, 2);
      const newest = await verifyEventInclusion({ ...inp, pinnedKey: keys[2] });
      assert.deepEqual(
        newest.steps.map((s) => [s.check, s.ok]),
        [
          ['leaf', true],
          ['proof', true],
          ['signature', true],
          ['pinned', true],
        ],
      );
      // Unpinned: from the log's first key as the server tells it, and it says so.
      const unpinned = await verifyEventInclusion(inp);
      assert.ok(unpinned.ok);
      assert.equal(unpinned.chain!.keys[0]!.key, keys[0]);
    });

    test("the rotation's own checkpoint, by the old key, verifies with the new key sent", async () => {
      // Exactly what GET /v1/ledger/checkpoint answers right after a rotation: the old key's handover, and the new key.
      const handover = (await t.app.services.ledger.checkpoints()).find((c) => c.size === rotatedAt[1])!;
      const inp = await gather(rotatedAt[1]!, { ...handover, verifier_key: keys[2]! });
      assert.deepEqual(failed(await verifyEventInclusion({ ...inp, rotations: undefined, pinnedKey: keys[0] })), ['signature', 'pinned']);
      const r = await verifyEventInclusion({ ...inp, pinnedKey: keys[0] });
      assert.ok(r.ok, JSON.stringify(r.steps));
      assert.equal(r.signer, keys[1]);
    });

    test('a forged rotation fails visibly: not in the checkpoint, or the checkpoint not by the trusted key', async () => {
      const cp = await get<{ size: number; note: string; verifier_key: string }>('/v1/ledger/checkpoint?fresh=true');
      const inp = await gather(2, cp);
      const name = (await parseVerifierKey(keys[0]!)).name;
      const forger = generateKeyPairSync('ed25519');
      const forgerKey = serverVerifierKey(name, forger.publicKey);
      // The server hands over to a key of its own: the event text changed (and its hash recomputed), so it is in no checkpoint.
      const changed = clone(inp.rotations);
      changed[1]!.leaf = changed[1]!.leaf.replace(keys[2]!, forgerKey);
      changed[1]!.leaf_hash = toHex(await leafHash(changed[1]!.leaf));
      const forgedRoot = await rootFromInclusionProof(fromHex(changed[1]!.leaf_hash), 0, 1, []);
      const forgerNote = signCheckpoint(
        { origin: name, size: cp.size, root: Buffer.from(forgedRoot) },
        name,
        forger.privateKey,
        forger.publicKey,
      );
      const r = await verifyEventInclusion({ ...inp, rotations: changed, pinnedKey: keys[0] });
      assert.deepEqual(failed(r), ['rotations', 'pinned']);
      assert.match(r.steps.find((s) => s.check === 'rotations')!.detail!, /event \d+ does not verify: the event is not in the checkpoint/);
      assert.equal(r.chain!.ok, false);
      assert.deepEqual(
        r.chain!.keys.map((k) => k.key),
        [keys[0], keys[1]],
      );
      // Its own checkpoint, signed by its own key: not one the key before signed.
      const selfSigned = clone(changed);
      selfSigned[1]!.checkpoint = signCheckpoint(
        { origin: name, size: rotatedAt[1]!, root: Buffer.from(forgedRoot) },
        name,
        forger.privateKey,
        forger.publicKey,
      );
      const r2 = await verifyEventInclusion({
        ...inp,
        rotations: selfSigned,
        pinnedKey: keys[0],
        verifierKey: forgerKey,
        checkpointNote: forgerNote,
      });
      assert.equal(r2.ok, false);
      assert.match(r2.steps.find((s) => s.check === 'rotations')!.detail!, /not one .* signed/);
      // Unpinned, the same forgery fails too: the chain from the log's first key stops before it.
      assert.ok(failed(await verifyEventInclusion({ ...inp, rotations: changed })).includes('rotations'));
      // A proof that is not the event's, and the real rotations all dropped (the newest key is then reached by nothing).
      const wrongProof = clone(inp.rotations);
      wrongProof[0]!.proof = wrongProof[0]!.proof.map((h) => flipHex(h, 3));
      assert.deepEqual(failed(await verifyEventInclusion({ ...inp, rotations: wrongProof, pinnedKey: keys[0] })), ['rotations', 'pinned']);
      assert.deepEqual(failed(await verifyEventInclusion({ ...inp, rotations: [], pinnedKey: keys[0] })), ['pinned']);
    });
  });
}

describe('following key rotations, on a log made here', () => {
  const name = 'rotations.test/ledger';
  const a = generateKeyPairSync('ed25519');
  const b = generateKeyPairSync('ed25519');
  const keyA = serverVerifierKey(name, a.publicKey);
  const keyB = serverVerifierKey(name, b.publicKey);
  const at = '2026-01-01T00:00:00.000Z';
  // Events 1-5, the rotation A to B as event 6, then 7-9.
  const texts = Array.from({ length: 9 }, (_, i) =>
    JSON.stringify({
      seq: i + 1,
      at,
      actor: 'user:test',
      action: i === 5 ? 'ledger.key_rotated' : 'note.added',
      subject: { type: 'note', id: `n${i + 1}` },
      before: null,
      after: i === 5 ? { from: keyA, to: keyB } : null,
      reason: null,
    }),
  );
  const leaves = texts.map((x) => merkle.leafHash(x));
  const src = source(leaves);
  const signed = (size: number, k: typeof a) =>
    signCheckpoint({ origin: name, size, root: merkle.rootHash(src, size) }, name, k.privateKey, k.publicKey);
  const record = (size = 6, by = a): RotationRecord => ({
    leaf: texts[5]!,
    leaf_hash: leaves[5]!.toString('hex'),
    checkpoint: signed(size, by),
    proof: merkle.inclusionProof(src, 5, size).map((h) => h.toString('hex')),
  });
  const event = (seq: number): LedgerEvent => ({ ...JSON.parse(texts[seq - 1]!) });
  const inputFor = (seq: number, size: number, by: typeof a, over: Partial<InclusionInput> = {}): InclusionInput => ({
    event: event(seq),
    proof: {
      seq,
      leaf_index: seq - 1,
      tree_size: size,
      leaf_hash: leaves[seq - 1]!.toString('hex'),
      root: merkle.rootHash(src, size).toString('hex'),
      proof: merkle.inclusionProof(src, seq - 1, size).map((h) => h.toString('hex')),
    },
    checkpointNote: signed(size, by),
    verifierKey: by === a ? keyA : keyB,
    pinnedKey: keyA,
    rotations: [record()],
    ...over,
  });

  test('A pinned accepts B from the rotation on, and A up to it', async () => {
    const chain = await followKeyRotations(keyA, [record()]);
    assert.ok(chain.ok);
    assert.deepEqual(
      chain.keys.map((k) => [k.key, k.since, k.until]),
      [
        [keyA, undefined, 6],
        [keyB, 6, undefined],
      ],
    );
    assert.ok((await verifyEventInclusion(inputFor(3, 9, b))).ok);
    assert.ok((await verifyEventInclusion(inputFor(6, 6, a))).ok);
    assert.ok((await verifyEventInclusion(inputFor(6, 6, a, { verifierKey: keyB }))).ok, 'the new key sent, the old one signed');
  });

  test('a retired key signs nothing later; a new key nothing earlier', async () => {
    const late = await verifyEventInclusion(inputFor(3, 9, a));
    assert.deepEqual(failed(late), ['pinned']);
    assert.match(late.steps.at(-1)!.detail!, /retired by the rotation in event 6/);
    const unpinned = await verifyEventInclusion(inputFor(3, 9, a, { pinnedKey: undefined }));
    assert.deepEqual(failed(unpinned), ['rotations']);
    const early = await verifyEventInclusion(inputFor(3, 5, b));
    assert.deepEqual(failed(early), ['pinned']);
    assert.match(early.steps.at(-1)!.detail!, /signs no earlier checkpoint/);
    // The handover checkpoint by A past the rotation is itself refused.
    const chain = await followKeyRotations(keyA, [record(9)]);
    assert.equal(chain.ok, false);
    assert.match(chain.rotations[0]!.detail, /past its own retirement/);
  });

  test('a rotation proven by the wrong key, for another event, or not a rotation, is refused', async () => {
    for (const [what, records, want] of [
      ['checkpoint by the new key', [record(6, b)], /not one rotations\.test\/ledger \(key id [0-9a-f]{8}\) signed/],
      ['leaf hash not the leaf', [{ ...record(), leaf_hash: leaves[4]!.toString('hex') }], /leaf hash/],
      [
        'proof of another event',
        [{ ...record(), proof: merkle.inclusionProof(src, 4, 6).map((h) => h.toString('hex')) }],
        /not in the checkpoint/,
      ],
      ['another action', [{ ...record(), leaf: texts[5]!.replace('ledger.key_rotated', 'note.added') }], /not a ledger.key_rotated/],
      ['not a list', 'nope', /not a list/],
      ['garbage record', [42], /not \{leaf/],
    ] as [string, unknown, RegExp][]) {
      const chain = await followKeyRotations(keyA, records);
      assert.equal(chain.ok, false, what);
      assert.equal(chain.keys.length, 1, what);
      assert.match(chain.rotations.at(-1)!.detail, want, what);
      const r = await verifyEventInclusion(inputFor(3, 9, b, { rotations: records as RotationRecord[] }));
      assert.deepEqual(failed(r), ['rotations', 'pinned'], what);
    }
    // A rotation from a key not in the chain is skipped, not followed.
    const other = generateKeyPairSync('ed25519');
    const skipped = await followKeyRotations(serverVerifierKey(name, other.publicKey), [record()]);
    assert.ok(skipped.ok);
    assert.equal(skipped.keys.length, 1);
    await assert.rejects(followKeyRotations('not a key', [record()]));
    // Arbitrary input never throws out of verifyEventInclusion.
    await fc.assert(
      fc.asyncProperty(fc.anything(), async (v) => {
        const r = await verifyEventInclusion(inputFor(3, 9, b, { rotations: v as RotationRecord[] }));
        assert.ok(r.steps.length >= 3);
      }),
      { numRuns: 100 },
    );
  });
});

/** A subtree source over a list of leaf hashes, as the server's tree store answers it. */
function source(leaves: Buffer[]): merkle.SubtreeSource {
  const memo = new Map<string, Buffer>();
  const get = (level: number, index: number): Buffer => {
    const k = `${level}:${index}`;
    let h = memo.get(k);
    if (!h) {
      h = level === 0 ? leaves[index]! : merkle.nodeHash(get(level - 1, 2 * index), get(level - 1, 2 * index + 1));
      memo.set(k, h);
    }
    return h;
  };
  return { get };
}

const treeArb = fc
  .integer({ min: 1, max: 300 })
  .chain((n) => fc.record({ n: fc.constant(n), index: fc.nat({ max: n - 1 }), salt: fc.nat() }));
const treeOf = ({ n, salt }: { n: number; salt: number }) => Array.from({ length: n }, (_, i) => merkle.leafHash(`event ${salt} ${i}`));

test('rootFromInclusionProof agrees with the server: every leaf of random trees reaches rootHash', async () => {
  await fc.assert(
    fc.asyncProperty(treeArb, async (tree) => {
      const leaves = treeOf(tree);
      const src = source(leaves);
      const path = merkle.inclusionProof(src, tree.index, tree.n);
      assert.equal(inclusionPathLength(tree.index, tree.n), path.length);
      const root = await rootFromInclusionProof(leaves[tree.index]!, tree.index, tree.n, path);
      assert.equal(toHex(root), merkle.rootHash(src, tree.n).toString('hex'));
      assert.ok(await verifyInclusion(leaves[tree.index]!, tree.index, tree.n, path, merkle.rootHash(src, tree.n)));
    }),
    { numRuns: 300 },
  );
});

test('beyond 32 bits too: path lengths are RFC 9162 PATH lengths, and any path of that length leads where the server says', async () => {
  const pathLength = (m: number, n: number): number => {
    if (n <= 1) return 0;
    const k = merkle.splitPoint(n);
    return 1 + (m < k ? pathLength(m, k) : pathLength(m - k, n - k));
  };
  const arb = fc
    .maxSafeNat()
    .filter((n) => n >= 1)
    .chain((n) => fc.record({ n: fc.constant(n), index: fc.integer({ min: 0, max: n - 1 }) }));
  await fc.assert(
    fc.asyncProperty(arb, fc.nat(), async ({ n, index }, salt) => {
      const want = pathLength(index, n);
      assert.equal(inclusionPathLength(index, n), want);
      const path = Array.from({ length: want }, (_, i) => merkle.leafHash(`${salt} ${i}`));
      const leaf = merkle.leafHash(`${salt}`);
      const root = await rootFromInclusionProof(leaf, index, n, path);
      assert.ok(merkle.verifyInclusion(leaf, index, n, path, Buffer.from(root)));
    }),
    { numRuns: 200 },
  );
});

test('random byte flips in a proof, its leaf or its root never verify (nor does the server accept them)', async () => {
  const flipArb = fc.record({ tree: treeArb, which: fc.nat(), byte: fc.nat({ max: 31 }), bit: fc.nat({ max: 7 }) });
  await fc.assert(
    fc.asyncProperty(flipArb, async ({ tree, which, byte, bit }) => {
      const leaves = treeOf(tree);
      const src = source(leaves);
      const path = merkle.inclusionProof(src, tree.index, tree.n).map((h) => Buffer.from(h));
      const leaf = Buffer.from(leaves[tree.index]!);
      const root = Buffer.from(merkle.rootHash(src, tree.n));
      const slot = which % (path.length + 2);
      const target = slot < path.length ? path[slot]! : slot === path.length ? leaf : root;
      target[byte] = target[byte]! ^ (1 << bit);
      assert.equal(await verifyInclusion(leaf, tree.index, tree.n, path, root), false);
      assert.equal(merkle.verifyInclusion(leaf, tree.index, tree.n, path, root), false);
    }),
    { numRuns: 400 },
  );
});

test("verifyInclusion gives the server verifier's answer for any index, size and path", async () => {
  const arb = fc.record({
    tree: treeArb,
    index: fc.integer({ min: -2, max: 320 }),
    size: fc.integer({ min: 0, max: 320 }),
    drop: fc.integer({ min: -1, max: 2 }),
    useReal: fc.boolean(),
  });
  await fc.assert(
    fc.asyncProperty(arb, async ({ tree, index, size, drop, useReal }) => {
      const leaves = treeOf(tree);
      const src = source(leaves);
      const real = merkle.inclusionProof(src, tree.index, tree.n);
      let path = useReal ? real : real.map((h) => merkle.leafHash(h));
      if (drop > 0) path = path.slice(0, Math.max(0, path.length - drop));
      if (drop < 0) path = [...path, leaves[0]!];
      const root = merkle.rootHash(src, tree.n);
      const i = index === -2 ? tree.index : index;
      const n = size === 0 ? tree.n : size;
      const mine = await verifyInclusion(leaves[tree.index]!, i, n, path, root);
      assert.equal(mine, merkle.verifyInclusion(leaves[tree.index]!, i, n, path, root), `index ${i} size ${n} path ${path.length}`);
    }),
    { numRuns: 400 },
  );
});

test("leaf and node hashes are the server's, for any text (UTF-8 included)", async () => {
  await fc.assert(
    fc.asyncProperty(fc.string({ unit: 'binary' }), fc.uint8Array({ minLength: 32, maxLength: 32 }), async (s, b) => {
      assert.equal(toHex(await leafHash(s)), merkle.leafHash(s).toString('hex'));
      assert.equal(toHex(await nodeHash(b, b)), merkle.nodeHash(Buffer.from(b), Buffer.from(b)).toString('hex'));
    }),
    { numRuns: 100 },
  );
});

test('checkpoints signed by the server open here; any changed character in the note does not', async () => {
  const origin = 'mandate.test/ledger';
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const vkey = serverVerifierKey(origin, publicKey);
  const parsed = await parseVerifierKey(vkey);
  assert.equal(parsed.keyId, vkey.split('+')[1]);
  assert.equal(await keyId(origin, parsed.publicKey), parsed.keyId);
  const arb = fc.record({
    size: fc.nat({ max: 2 ** 40 }),
    root: fc.uint8Array({ minLength: 32, maxLength: 32 }),
    at: fc.nat(),
    to: fc.constantFrom(...'AZaz09+/=\n —x'),
  });
  await fc.assert(
    fc.asyncProperty(arb, async ({ size, root, at, to }) => {
      const note = signCheckpoint({ origin, size, root: Buffer.from(root) }, origin, privateKey, publicKey);
      const cp = await openCheckpoint(note, vkey);
      assert.equal(cp.size, size);
      assert.equal(toHex(cp.root), toHex(root));
      assert.equal(cp.origin, origin);
      const i = at % note.length;
      if (note[i] === to) return;
      const changed = note.slice(0, i) + to + note.slice(i + 1);
      // The one change that says the same: the 2 low bits of the character before the signature's
      // "=" (68 bytes), which base64 decoding ignores, as Go's does (src/ledger/note.ts).
      const b64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
      const same = i === note.length - 3 && b64.includes(to) && b64.indexOf(to) >> 2 === b64.indexOf(note[i]!) >> 2;
      if (same) return assert.equal((await openCheckpoint(changed, vkey)).size, size);
      await assert.rejects(openCheckpoint(changed, vkey), `changed ${JSON.stringify(note[i])} at ${i} to ${JSON.stringify(to)}`);
      // The server agrees: the same parser, its own signature check.
      assert.throws(() => serverOpenCheckpoint(changed, vkey));
    }),
    { numRuns: 300 },
  );
  assert.throws(() => parseCheckpoint('origin\n1\nAAAA\n\n\u2014 x AAAAAAA=\n'), /root/);
});

test('the verifier runs in a browser: no Node API in it or in the server code it imports', () => {
  const read = (rel: string) => readFileSync(new URL(rel, import.meta.url), 'utf8');
  const text = read('../../console/src/lib/ledger-verify.ts');
  const imports = [...text.matchAll(/^import .* from '([^']+)';$/gm)].map((m) => m[1]!);
  assert.deepEqual(imports, ['../../../src/ledger/leaf.js', '../../../src/ledger/note.js']);
  for (const src of [text, read('../../src/ledger/leaf.ts'), read('../../src/ledger/note.ts')]) {
    assert.doesNotMatch(src, /\bfrom 'node:|\brequire\(|\bBuffer\b|\bprocess\./);
  }
  for (const f of ['leaf', 'note'])
    assert.doesNotMatch(read(`../../src/ledger/${f}.ts`), /^import /m, `src/ledger/${f}.ts must stay import-free: the console bundles it`);
});
