// The ledger's Merkle tree in the store: leaf hashes live on the events rows (level 0), complete
// subtree hashes above them in ledger_nodes. Proofs read only the O(log n) nodes they need.
import { EMPTY_ROOT, frontier, newSubtrees, type Hash, type SubtreeSource } from './merkle.js';
import { insertMany, placeholders, type Sql } from '../store/db.js';

type Key = `${number}:${number}`;

async function fetchNodes(sql: Sql, keys: Iterable<{ level: number; index: number }>): Promise<Map<Key, Hash>> {
  const out = new Map<Key, Hash>();
  const leaves: number[] = [];
  const byLevel = new Map<number, number[]>();
  for (const { level, index } of keys) {
    if (level === 0) leaves.push(index + 1);
    else (byLevel.get(level) ?? byLevel.set(level, []).get(level)!).push(index);
  }
  for (let i = 0; i < leaves.length; i += 500) {
    const chunk = leaves.slice(i, i + 500);
    for (const r of await sql.all<{ seq: number; leaf_hash: string }>(
      `SELECT seq, leaf_hash FROM events WHERE seq IN (${placeholders(chunk.length)})`,
      chunk,
    ))
      out.set(`0:${Number(r.seq) - 1}`, Buffer.from(r.leaf_hash, 'hex'));
  }
  for (const [level, idxs] of byLevel) {
    for (let i = 0; i < idxs.length; i += 500) {
      const chunk = idxs.slice(i, i + 500);
      for (const r of await sql.all<{ idx: number; hash: string }>(
        `SELECT idx, hash FROM ledger_nodes WHERE level = ? AND idx IN (${placeholders(chunk.length)})`,
        [level, ...chunk],
      ))
        out.set(`${level}:${Number(r.idx)}`, Buffer.from(r.hash, 'hex'));
    }
  }
  return out;
}

function sourceOf(nodes: Map<Key, Hash>): SubtreeSource {
  return {
    get(level, index) {
      const h = nodes.get(`${level}:${index}`);
      if (!h) throw new Error(`ledger node ${level}:${index} is missing from the store`);
      return h;
    },
  };
}

/**
 * Runs a pure tree computation against the store. Which nodes a proof needs depends only on
 * indices, never on hash values, so one dry pass names them all and one fetch loads them.
 */
export async function withTree<T>(sql: Sql, compute: (src: SubtreeSource) => T): Promise<T> {
  const wanted = new Map<Key, { level: number; index: number }>();
  compute({
    get(level, index) {
      wanted.set(`${level}:${index}`, { level, index });
      return EMPTY_ROOT;
    },
  });
  return compute(sourceOf(await fetchNodes(sql, wanted.values())));
}

/** Stores the subtree nodes completed by appending `leaves` at index `from`. */
export async function addSubtrees(tx: Sql, from: number, leaves: readonly Hash[]): Promise<void> {
  const known = await fetchNodes(tx, frontier(from));
  const made = newSubtrees(sourceOf(known), from, leaves);
  await insertMany(
    tx,
    'ledger_nodes',
    ['level', 'idx', 'hash'],
    made.map((n) => [n.level, n.index, n.hash.toString('hex')]),
  );
}

export async function treeSize(sql: Sql): Promise<number> {
  const [row] = await sql.all<{ n: number | null }>('SELECT MAX(seq) AS n FROM events');
  return Number(row?.n ?? 0);
}
