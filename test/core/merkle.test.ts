// The Merkle math against a from-scratch reference of RFC 6962's definitions (MTH, PATH, PROOF),
// over random trees; and the verifiers against every kind of wrong proof.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  consistencyProof,
  EMPTY_ROOT,
  frontier,
  inclusionProof,
  leafHash,
  newSubtrees,
  nodeHash,
  rootHash,
  splitPoint,
  verifyConsistency,
  verifyInclusion,
  type Hash,
  type SubtreeSource,
} from '../../src/ledger/merkle.js';

// Reference: RFC 6962 §2.1 written directly over the list of leaf hashes.
const mth = (d: Hash[]): Hash =>
  d.length === 0
    ? EMPTY_ROOT
    : d.length === 1
      ? d[0]!
      : nodeHash(mth(d.slice(0, splitPoint(d.length))), mth(d.slice(splitPoint(d.length))));
const refPath = (m: number, d: Hash[]): Hash[] => {
  if (d.length <= 1) return [];
  const k = splitPoint(d.length);
  return m < k ? [...refPath(m, d.slice(0, k)), mth(d.slice(k))] : [...refPath(m - k, d.slice(k)), mth(d.slice(0, k))];
};
const refSub = (m: number, d: Hash[], b: boolean): Hash[] => {
  const n = d.length;
  if (m === n) return b ? [] : [mth(d)];
  const k = splitPoint(n);
  return m <= k ? [...refSub(m, d.slice(0, k), b), mth(d.slice(k))] : [...refSub(m - k, d.slice(k), false), mth(d.slice(0, k))];
};

/** A node store built the way the ledger builds it: leaf by leaf with newSubtrees. */
function store(leaves: Hash[]): SubtreeSource {
  const nodes = new Map<string, Hash>();
  const src: SubtreeSource = {
    get(level, index) {
      const h = nodes.get(`${level}:${index}`);
      if (!h) throw new Error(`missing node ${level}:${index}`);
      return h;
    },
  };
  // Append in uneven batches, as transactions do.
  for (let i = 0; i < leaves.length; ) {
    const batch = leaves.slice(i, i + 1 + (i % 5));
    for (const [j, h] of batch.entries()) nodes.set(`0:${i + j}`, h);
    for (const f of frontier(i)) src.get(f.level, f.index);
    for (const n of newSubtrees(src, i, batch)) nodes.set(`${n.level}:${n.index}`, n.hash);
    i += batch.length;
  }
  return src;
}

const leavesArb = fc.integer({ min: 1, max: 70 }).map((n) => Array.from({ length: n }, (_, i) => leafHash(`event ${i}`)));

test('roots, inclusion and consistency proofs equal the RFC reference, and verify', () => {
  fc.assert(
    fc.property(leavesArb, fc.nat(), fc.nat(), (leaves, a, b) => {
      const src = store(leaves);
      const n = 1 + (a % leaves.length);
      const m = 1 + (b % n);
      assert.ok(rootHash(src, n).equals(mth(leaves.slice(0, n))));
      const idx = (a + b) % n;
      const path = inclusionProof(src, idx, n);
      assert.deepEqual(path, refPath(idx, leaves.slice(0, n)));
      assert.ok(verifyInclusion(leaves[idx]!, idx, n, path, rootHash(src, n)));
      const cons = consistencyProof(src, m, n);
      assert.deepEqual(cons, refSub(m, leaves.slice(0, n), true));
      assert.ok(verifyConsistency(m, n, rootHash(src, m), rootHash(src, n), cons));
    }),
    { numRuns: 400 },
  );
});

test('wrong proofs fail: another leaf, index, size, root, a flipped or missing hash', () => {
  fc.assert(
    fc.property(
      leavesArb.filter((l) => l.length >= 2),
      fc.nat(),
      (leaves, a) => {
        const src = store(leaves);
        const n = leaves.length;
        const idx = a % n;
        const root = rootHash(src, n);
        const path = inclusionProof(src, idx, n);
        assert.equal(verifyInclusion(leaves[(idx + 1) % n]!, idx, n, path, root), false);
        assert.equal(verifyInclusion(leaves[idx]!, (idx + 1) % n, n, path, root), false);
        assert.equal(verifyInclusion(leaves[idx]!, idx, n, path, leafHash('x')), false);
        if (path.length) {
          const flipped = path.map((h, i) => (i === 0 ? Buffer.from(h.map((x, j) => (j === 0 ? x ^ 1 : x))) : h));
          assert.equal(verifyInclusion(leaves[idx]!, idx, n, flipped, root), false);
          assert.equal(verifyInclusion(leaves[idx]!, idx, n, path.slice(1), root), false);
        }
        const m = 1 + (a % (n - 1));
        const cons = consistencyProof(src, m, n);
        assert.equal(verifyConsistency(m, n, leafHash('forged'), root, cons), false);
        assert.equal(verifyConsistency(m, n, rootHash(src, m), leafHash('forged'), cons), false);
        // A fork: a different tree of size n that shares nothing after m.
        const forked = store([...leaves.slice(0, m), ...leaves.slice(m).map((_, i) => leafHash(`fork ${i}`))]);
        assert.equal(verifyConsistency(m, n, rootHash(src, m), rootHash(forked, n), cons), m === n);
      },
    ),
    { numRuns: 300 },
  );
});

test('frontier names the perfect subtrees left of a position', () => {
  assert.deepEqual(frontier(0), []);
  assert.deepEqual(frontier(5), [
    { level: 2, index: 0 },
    { level: 0, index: 4 },
  ]);
  assert.deepEqual(frontier(8), [{ level: 3, index: 0 }]);
});
