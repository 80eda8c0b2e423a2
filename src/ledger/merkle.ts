// Merkle tree math as in RFC 6962 / RFC 9162 §2.1: leaf hash H(0x00 || data), node hash
// H(0x01 || left || right), SHA-256. Pure: the tree's stored subtree hashes come in through a
// `SubtreeSource`, so proofs cost O(log n) lookups and never rehash the log. Written here rather
// than taken from a library because no maintained npm package implements RFC 9162 proofs over an
// external node store; the algorithms follow the RFC's text step by step and are tested against
// a from-scratch reference implementation.
import { createHash } from 'node:crypto';

export type Hash = Buffer;

export function leafHash(data: Uint8Array | string): Hash {
  return createHash('sha256')
    .update(Buffer.from([0]))
    .update(data)
    .digest();
}

export function nodeHash(left: Hash, right: Hash): Hash {
  return createHash('sha256')
    .update(Buffer.from([1]))
    .update(left)
    .update(right)
    .digest();
}

export const EMPTY_ROOT: Hash = createHash('sha256').update(Buffer.alloc(0)).digest();

/** The largest power of two strictly less than n (n > 1). */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/**
 * Hashes of perfect, aligned subtrees: level L, index i covers leaves [i·2^L, (i+1)·2^L).
 * Level 0 is the leaf hashes. The store keeps every complete one.
 */
export interface SubtreeSource {
  get(level: number, index: number): Hash;
}

/** MTH(D[start:end]) for any range inside the stored tree, from perfect subtrees. */
export function rangeHash(src: SubtreeSource, start: number, end: number): Hash {
  const n = end - start;
  if (n <= 0) return EMPTY_ROOT;
  // A perfect aligned subtree is stored as one node.
  if ((n & (n - 1)) === 0 && start % n === 0) return src.get(Math.log2(n), start / n);
  const k = splitPoint(n);
  return nodeHash(rangeHash(src, start, start + k), rangeHash(src, start + k, end));
}

export function rootHash(src: SubtreeSource, size: number): Hash {
  return rangeHash(src, 0, size);
}

/** RFC 9162 §2.1.3.1: the audit path of leaf m in the tree of the first n leaves. */
export function inclusionProof(src: SubtreeSource, m: number, n: number): Hash[] {
  if (!(m >= 0 && m < n)) throw new RangeError(`leaf ${m} is not in a tree of size ${n}`);
  const path = (m: number, start: number, end: number): Hash[] => {
    const size = end - start;
    if (size === 1) return [];
    const k = splitPoint(size);
    return m < k
      ? [...path(m, start, start + k), rangeHash(src, start + k, end)]
      : [...path(m - k, start + k, end), rangeHash(src, start, start + k)];
  };
  return path(m, 0, n);
}

/** RFC 9162 §2.1.4.1: the proof that the tree of size m is a prefix of the tree of size n. */
export function consistencyProof(src: SubtreeSource, m: number, n: number): Hash[] {
  if (!(m > 0 && m <= n)) throw new RangeError(`no consistency proof from size ${m} to ${n}`);
  const sub = (m: number, start: number, end: number, whole: boolean): Hash[] => {
    const size = end - start;
    if (m === size) return whole ? [] : [rangeHash(src, start, end)];
    const k = splitPoint(size);
    return m <= k
      ? [...sub(m, start, start + k, whole), rangeHash(src, start + k, end)]
      : [...sub(m - k, start + k, end, false), rangeHash(src, start, start + k)];
  };
  return sub(m, 0, n, true);
}

/** RFC 9162 §2.1.3.2: does this audit path lead from the leaf hash to the root? */
export function verifyInclusion(leaf: Hash, index: number, size: number, proof: readonly Hash[], root: Hash): boolean {
  if (index >= size || index < 0) return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && r.equals(root);
}

/** RFC 9162 §2.1.4.2: does this proof show the tree of size m (root1) is a prefix of the tree of size n (root2)? */
export function verifyConsistency(m: number, n: number, root1: Hash, root2: Hash, proof: readonly Hash[]): boolean {
  if (m > n || m < 1) return false;
  if (m === n) return proof.length === 0 && root1.equals(root2);
  let path = [...proof];
  if ((m & (m - 1)) === 0) path = [root1, ...path];
  if (path.length === 0) return false;
  let fn = m - 1;
  let sn = n - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr = path[0]!;
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && fr.equals(root1) && sr.equals(root2);
}

/**
 * The subtree nodes that become complete when `leaves` are appended at index `from`. The tree's
 * right edge (the perfect subtrees left of `from`, see frontier) is read from `known`; then each
 * leaf is pushed onto that edge, merging equal-sized neighbours, and every merge is a new node.
 */
export function newSubtrees(known: SubtreeSource, from: number, leaves: readonly Hash[]): { level: number; index: number; hash: Hash }[] {
  const edge = frontier(from).map((f) => ({ ...f, hash: known.get(f.level, f.index) }));
  const out: { level: number; index: number; hash: Hash }[] = [];
  leaves.forEach((h, i) => {
    let node = { level: 0, index: from + i, hash: h };
    while (edge.length && edge[edge.length - 1]!.level === node.level) {
      const left = edge.pop()!;
      node = { level: node.level + 1, index: left.index / 2, hash: nodeHash(left.hash, node.hash) };
      out.push(node);
    }
    edge.push(node);
  });
  return out;
}

/** The left siblings an append starting at leaf `from` may need: the perfect subtrees ending at `from`. */
export function frontier(from: number): { level: number; index: number }[] {
  const out: { level: number; index: number }[] = [];
  let start = 0;
  for (let level = 31; level >= 0; level--) {
    const size = 2 ** level;
    if (from - start >= size) {
      out.push({ level, index: start / size });
      start += size;
    }
  }
  return out;
}
