// Token generations: every token carries its identity's generation at issuance, and is valid only
// while that is still the identity's generation. Revoking everything an identity holds (a
// suspension, a change to its record, a cascade) bumps one row, whatever the number of tokens
// outstanding: revocation costs O(affected identities), never O(tokens).
import type { Sql } from '../store/db.js';
import { insertMany, placeholders } from '../store/db.js';

export async function currentGeneration(sql: Sql, identityId: string): Promise<number> {
  const [row] = await sql.all<{ generation: number }>('SELECT generation FROM token_generations WHERE identity_id = ?', [identityId]);
  return Number(row?.generation ?? 0);
}

/** Bumps the generation of each identity, in the caller's transaction; answers the new generations. */
export async function bumpGenerations(tx: Sql, identityIds: readonly string[], at: string): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const ids = [...new Set(identityIds)];
  for (let i = 0; i < ids.length; i += 5000) {
    const chunk = ids.slice(i, i + 5000);
    const rows = await tx.all<{ identity_id: string; generation: number }>(
      `SELECT identity_id, generation FROM token_generations WHERE identity_id IN (${placeholders(chunk.length)})`,
      chunk,
    );
    const known = new Map(rows.map((r) => [r.identity_id, Number(r.generation)]));
    const fresh = chunk.filter((id) => !known.has(id));
    if (fresh.length)
      await insertMany(
        tx,
        'token_generations',
        ['identity_id', 'generation', 'updated_at'],
        fresh.map((id) => [id, 1, at]),
      );
    if (known.size)
      await tx.run(
        `UPDATE token_generations SET generation = generation + 1, updated_at = ? WHERE identity_id IN (${placeholders(known.size)})`,
        [at, ...known.keys()],
      );
    for (const id of chunk) out.set(id, (known.get(id) ?? 0) + 1);
  }
  return out;
}

/** Every identity whose generation was ever bumped, with it (what enforcement points need). */
export async function allGenerations(sql: Sql): Promise<Record<string, number>> {
  const rows = await sql.all<{ identity_id: string; generation: number }>('SELECT identity_id, generation FROM token_generations');
  return Object.fromEntries(rows.map((r) => [r.identity_id, Number(r.generation)]));
}
