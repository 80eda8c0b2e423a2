// The runtime projection of approved access: one row per grant (a just-in-time grant, an
// exception, a break-glass activation) while it may apply. Activating and ending a grant each
// write an event in the caller's transaction; the enforcement hub turns those events into deltas,
// so enforcement points learn of a grant, or of its cut, as soon as it commits.
import type { GrantEntry } from '@mandate/sdk/decision';
import type { NewEvent } from '../ledger/log.js';
import { placeholders, type Sql } from '../store/db.js';
import { bumpGenerations } from './generations.js';

export type { GrantEntry };
export type GrantEnd = 'expired' | 'cut' | 'revoked' | 'closed';

interface GrantRow {
  id: string;
  kind: string;
  identity_id: string;
  doc: string;
  status: string;
  starts_at: string;
  expires_at: string;
}

export async function activateGrant(tx: Sql, g: GrantEntry, at: string, actor: string, reason: string): Promise<NewEvent> {
  await tx.run('INSERT INTO grants (id, kind, identity_id, doc, status, starts_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)', [
    g.id,
    g.kind,
    g.identity,
    JSON.stringify(g),
    'active',
    at,
    new Date(g.expires_at).toISOString(),
  ]);
  return { actor, action: 'grant.activated', subject: { type: 'grant', id: g.id }, after: g, reason };
}

/** Grants still active at `at` (not ended, not past their expiry). */
export async function activeGrants(sql: Sql, at: string, identity?: string): Promise<GrantEntry[]> {
  const rows = identity
    ? await sql.all<GrantRow>("SELECT * FROM grants WHERE identity_id = ? AND status = 'active' AND expires_at > ? ORDER BY id", [
        identity,
        at,
      ])
    : await sql.all<GrantRow>("SELECT * FROM grants WHERE status = 'active' AND expires_at > ? ORDER BY id", [at]);
  return rows.map((r) => JSON.parse(r.doc) as GrantEntry);
}

/**
 * Ends grants: marks them, and (unless they simply expired) moves their identities' token
 * generation, so a token issued while a grant applied, and carrying it, stops with it.
 * Answers the events to append with the caller's other events.
 */
export async function endGrants(
  tx: Sql,
  ids: readonly string[],
  end: GrantEnd,
  at: string,
  actor: string,
  reason: string,
): Promise<NewEvent[]> {
  if (ids.length === 0) return [];
  const rows = await tx.all<GrantRow>(`SELECT * FROM grants WHERE status = 'active' AND id IN (${placeholders(ids.length)})`, ids);
  if (rows.length === 0) return [];
  await tx.run(
    `UPDATE grants SET status = ?, ended_at = ?, end_reason = ? WHERE status = 'active' AND id IN (${placeholders(rows.length)})`,
    [end, at, reason, ...rows.map((r) => r.id)],
  );
  if (end !== 'expired') await bumpGenerations(tx, [...new Set(rows.map((r) => r.identity_id))], at);
  await syncSources(tx, rows, end, at);
  return rows.map((r) => ({
    actor,
    action: 'grant.ended',
    subject: { type: 'grant', id: r.id },
    after: { id: r.id, kind: r.kind, identity: r.identity_id, end },
    reason,
  }));
}

/** Keeps the request a grant came from in step with it. */
async function syncSources(tx: Sql, rows: readonly GrantRow[], end: GrantEnd, at: string): Promise<void> {
  const byKind = (k: string) => rows.filter((r) => r.kind === k).map((r) => r.id);
  const access = byKind('access');
  if (access.length)
    await tx.run(`UPDATE access_requests SET status = ?, updated_at = ? WHERE id IN (${placeholders(access.length)})`, [
      end === 'expired' ? 'expired' : 'ended',
      at,
      ...access,
    ]);
  const bg = byKind('break_glass');
  if (bg.length)
    await tx.run(
      `UPDATE break_glass_activations SET status = 'ended', ends_at = ?, updated_at = ? WHERE id IN (${placeholders(bg.length)})`,
      [at, at, ...bg],
    );
  const ex = byKind('exception');
  // An exception that ran out stays on the register as expired (a finding) until someone closes it.
  if (ex.length && end === 'expired')
    await tx.run(
      `UPDATE policy_exceptions SET status = 'expired', updated_at = ? WHERE status = 'active' AND id IN (${placeholders(ex.length)})`,
      [at, ...ex],
    );
  if (ex.length && end !== 'expired')
    await tx.run(`UPDATE policy_exceptions SET status = ?, updated_at = ? WHERE status = 'active' AND id IN (${placeholders(ex.length)})`, [
      end === 'closed' ? 'closed' : 'revoked',
      at,
      ...ex,
    ]);
}

/**
 * What a change of regulatory or identity state cuts, in the transaction of that change:
 * just-in-time grants in a scope whose authorisation moved, and every grant and break-glass
 * activation of an identity that stopped being active. Exceptions stay on the register (the
 * built-in rules already keep an inactive identity, or an unlawful scope, from acting).
 */
export async function cutGrants(
  tx: Sql,
  what: { scopes?: readonly string[]; identities?: readonly string[] },
  at: string,
  actor: string,
  reason: string,
): Promise<NewEvent[]> {
  const ids = new Set<string>();
  if (what.scopes?.length) {
    const scopes = new Set(what.scopes);
    // A product moves as a whole: its channel scopes (`product:<id>/<channel>`) move with it.
    const covered = (scope: string) => scopes.has(scope) || (scope.startsWith('product:') && scopes.has(scope.split('/')[0]!));
    for (const r of await tx.all<GrantRow>("SELECT * FROM grants WHERE status = 'active' AND kind = 'access'"))
      if (covered((JSON.parse(r.doc) as GrantEntry).scope ?? '')) ids.add(r.id);
  }
  const identities = what.identities ?? [];
  for (let i = 0; i < identities.length; i += 5000) {
    const chunk = identities.slice(i, i + 5000);
    for (const r of await tx.all<{ id: string }>(
      "SELECT id FROM grants WHERE status = 'active' AND kind IN ('access', 'break_glass') AND identity_id IN (" +
        `${placeholders(chunk.length)})`,
      chunk,
    ))
      ids.add(r.id);
  }
  return endGrants(tx, [...ids], 'cut', at, actor, reason);
}
