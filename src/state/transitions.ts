// Storage for the regulatory capability: transitions, lifecycle rule versions, identity power
// (what the lifecycle did to each identity) and the outbox rows a cascade writes.
import type { Identity, MicaScope } from '../core/model.js';
import type { PriorPower } from '../core/cascade.js';
import type { Outcome } from '../core/lifecycle.js';
import { insertMany, placeholders, type Param, type Sql } from '../store/db.js';

export interface TransitionRow {
  id: string;
  authorisations: string;
  /** JSON list of the products a product transition moves; null for a transition of authorisations. */
  products: string | null;
  to_status: string;
  reason: string;
  reference: string;
  effective_at: string;
  conditions: string | null;
  deadline: string | null;
  emergency: number;
  proposer: string;
  /** superseded: approved, then overtaken by another transition before it could apply. */
  status: 'pending' | 'approved' | 'rejected' | 'applied' | 'expired' | 'superseded';
  decided_by: string | null;
  decided_at: string | null;
  decision_reason: string | null;
  applied_at: string | null;
  result: string | null;
  review_status: string | null;
  reviewed_by: string | null;
  review_notes: string | null;
  created_at: string;
}

/**
 * A transition row. With `lock`, inside a transaction, the row stays locked until it ends, so two
 * deciders or appliers of one transition (an approval and the scheduler's tick, two servers) take
 * turns and the second sees what the first did. PostgreSQL needs FOR UPDATE for that; SQLite's
 * write transactions (BEGIN IMMEDIATE) are exclusive already.
 */
export async function getTransition(sql: Sql, id: string, lock = false): Promise<TransitionRow | undefined> {
  const [row] = await sql.all<TransitionRow>(
    `SELECT * FROM transitions WHERE id = ?${lock && sql.dialect === 'postgres' ? ' FOR UPDATE' : ''}`,
    [id],
  );
  return row;
}

/** The ids of identities acting in any of these scopes. */
export async function identityIdsInScopes(sql: Sql, scopes: readonly MicaScope[]): Promise<string[]> {
  const ids = new Set<string>();
  for (const s of scopes) {
    const rows = await sql.all<{ identity_id: string }>(
      'SELECT identity_id FROM identity_scopes WHERE entity = ? AND service = ? AND jurisdiction = ?',
      [s.entity, s.service, s.jurisdiction],
    );
    for (const r of rows) ids.add(r.identity_id);
  }
  return [...ids].sort();
}

/** What identity_power holds for these identities (absent: the lifecycle holds no record, full power). */
export async function priorPower(sql: Sql, ids: readonly string[]): Promise<Map<string, PriorPower>> {
  const out = new Map<string, PriorPower>();
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    const rows = await sql.all<{
      identity_id: string;
      outcome: Outcome;
      lawful: string;
      suspended_by_lifecycle: number;
      transition_id: string;
    }>(
      'SELECT identity_id, outcome, lawful, suspended_by_lifecycle, transition_id FROM identity_power WHERE identity_id IN (' +
        `${placeholders(chunk.length)})`,
      chunk,
    );
    for (const r of rows) {
      out.set(r.identity_id, {
        outcome: r.outcome,
        suspendedByLifecycle: Number(r.suspended_by_lifecycle) === 1,
        transitionId: r.transition_id,
        lawful: JSON.parse(r.lawful) as PriorPower['lawful'],
      });
    }
  }
  return out;
}

export async function writePower(
  tx: Sql,
  rows: readonly { identity: string; power: { outcome: Outcome; suspendedByLifecycle: boolean } | null; lawful: unknown }[],
  transitionId: string,
  at: string,
): Promise<void> {
  const gone = rows.filter((r) => r.power === null).map((r) => r.identity);
  for (let i = 0; i < gone.length; i += 500) {
    const chunk = gone.slice(i, i + 500);
    await tx.run(`DELETE FROM identity_power WHERE identity_id IN (${placeholders(chunk.length)})`, chunk);
  }
  const kept: Param[][] = rows
    .filter((r) => r.power !== null)
    .map((r) => [r.identity, r.power!.outcome, JSON.stringify(r.lawful), r.power!.suspendedByLifecycle ? 1 : 0, transitionId, at]);
  await insertMany(
    tx,
    'identity_power',
    ['identity_id', 'outcome', 'lawful', 'suspended_by_lifecycle', 'transition_id', 'updated_at'],
    kept,
    'ON CONFLICT (identity_id) DO UPDATE SET outcome = excluded.outcome, lawful = excluded.lawful, suspended_by_lifecycle = ' +
      'excluded.suspended_by_lifecycle, transition_id = excluded.transition_id, updated_at = excluded.updated_at',
  );
}

/** Sets identities' status (column and document) in bulk, bumping their versions. */
export async function setIdentityStatus(tx: Sql, ids: readonly string[], status: Identity['status'], at: string): Promise<void> {
  const setDoc =
    tx.dialect === 'sqlite' ? "doc = json_set(doc, '$.status', ?)" : "doc = jsonb_set(doc::jsonb, '{status}', to_jsonb(?::text))::text";
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    await tx.run(
      `UPDATE identities SET status = ?, ${setDoc}, version = version + 1, updated_at = ? WHERE id IN (${placeholders(chunk.length)})`,
      [status, status, at, ...chunk],
    );
  }
}
