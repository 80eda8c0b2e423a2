// Stored power, refreshed. What the lifecycle did to each identity (identity_power: its outcome
// and lawful set; its status; its token generation; relying parties' view of its claims) must
// always equal the engine's recomputation from the current state: the authorisations' states,
// the identity as it stands, the lifecycle rules in force and the action vocabulary. A transition
// changes the first; an identity edit, a manifest import or a lifecycle-rules change the others.
// All of them call refreshPower, in the transaction of the change, so there is one write path.
//
// Contract of refreshPower(tx, opts):
// - Runs inside the caller's write transaction `tx` and commits nothing itself: if the caller's
//   transaction rolls back, nothing of the refresh remains. Call it after writing the change
//   itself in `tx` (the identity's new record, the new rules version), or pass `overrides` for
//   authorisation states not written yet.
// - Reads, in `tx`: the identities named (`identityIds`, or every identity with 'all', read and
//   written in batches of REFRESH_BATCH so memory stays bounded at any inventory size), their
//   stored power (identity_power), every authorisation (with `overrides` applied on top: states
//   not written yet), the lifecycle rules in force (the newest published version, so a version
//   pushed earlier in `tx` counts) and the action vocabulary.
// - Plans with planCascade (the engine the impact preview uses) and, for every identity whose
//   status or lawful set changes, writes in `tx`: its status (suspended / active again), its
//   identity_power row (written or deleted; identity_power.transition_id = `key`), a new token
//   generation when it is suspended, the end of its just-in-time grants and break-glass window
//   when it ends up suspended, and the outbox rows of its effect (its revocation connector's
//   disable / enable, and to each of `receivers` and each Shared Signals stream that takes it a
//   CAEP session-revoked for a suspension or a token-claims-change for any other change, with
//   outbox ids `ob_<key>_<identity>_…`). Access
//   grants in `movedScopes` are cut too (they rest on the authorisation that moved). Identities
//   whose status and lawful set do not change are left untouched, so calling it twice in a row
//   changes nothing the second time. Revoked and decommissioned identities are never changed; an
//   identity suspended for another reason is never reactivated (its power is still recorded).
// - Does NOT append events: it answers them (grant.ended, identity.suspended / narrowed /
//   restored with before {status, lawful} and after {status, lawful, removed}), and the caller
//   records them in the same transaction (appendEvents, or by returning them from an approval
//   handler), in the order given.
// - `key` must be unique per cause (a transition id, a change request id, an identity's id and
//   new version) and stable when the same cause is retried, so a retried transaction never
//   enqueues twice and two causes never collide.
import { authorityLookup, planCascade, type CascadePlan, type Effect, type IdentityChange } from '../core/cascade.js';
import { scopeKey, type ProductAuthority, type ProductLifecycleRules, type ScopeAuthority } from '../core/lifecycle.js';
import type { Identity } from '../core/model.js';
import { ActionVocabulary } from '../core/vocabulary.js';
import type { NewEvent } from '../ledger/log.js';
import { cutGrants } from './grants.js';
import { getAllRecords, getCustomActions, getRecords } from './records.js';
import { effectRows, enqueue, type OutboxInsert } from './outbox.js';
import type { Sql } from '../store/db.js';
import { bumpGenerations } from './generations.js';
import { priorPower, setIdentityStatus, writePower } from './transitions.js';
import { currentRules } from './lifecycle-rules.js';
import { currentProductRules } from './product-rules.js';
import { productAuthorities } from './products.js';
import { streamTargets } from './ssf-streams.js';

/**
 * Identities read, planned and written at a time by a refresh. Small enough that planning one
 * batch (pure CPU between statements) is a short turn of the event loop, so a cascade never stalls
 * the server for long (store/sqlite.ts, BREATHE_MS).
 */
export const REFRESH_BATCH = 1000;

export interface RefreshOptions {
  /** Whether the lifecycle may lift its own suspensions (default true; false for edits and imports: see CascadeInput.mayLift). */
  mayLift?: boolean;
  /** The identities to recompute; 'all': every identity, in batches. Unknown ids are skipped. */
  identityIds: readonly string[] | 'all';
  /**
   * Scope keys (`entity/service/jurisdiction`) whose authorisation moved: return paths are counted
   * there and the access grants approved in them are cut. Leave it out when no authorisation moved.
   */
  movedScopes?: ReadonlySet<string>;
  /** Authorisation (or product, keyed `product:<id>`) states that hold for this refresh but are not written yet. */
  overrides?: ReadonlyMap<string, ScopeAuthority | ProductAuthority>;
  /** Who the events name: `user:…` or `mandate:…`. */
  actor: string;
  /** Why, for people: the reason on every event and outbox row ("transition tr_…: …", "lifecycle rules v3 published"). */
  why: string;
  /** The cause's id, unique per cause and stable on retry: outbox ids and identity_power.transition_id. */
  key: string;
  /** The transition, when the cause is one (outbox.transition_id); null otherwise. */
  transition?: string | null;
  at: string;
  /** CAEP receivers (push URLs). */
  receivers: readonly string[];
}

export interface RefreshResult {
  /** counts over every identity recomputed; changes: only those whose status or lawful set changed. */
  plan: CascadePlan;
  /** The events to record, in order, in the caller's transaction. */
  events: NewEvent[];
  /** Outbox rows written. */
  outbox: number;
  /** The lifecycle rules version that decided. */
  rulesVersion: number;
  /** The product (CRA) lifecycle rules version that decided product scopes. */
  productRulesVersion: number;
}

interface Context {
  lookup: ReturnType<typeof authorityLookup>;
  rules: Awaited<ReturnType<typeof currentRules>>;
  productRules: ProductLifecycleRules;
  productRulesVersion: number;
  vocabulary: ActionVocabulary;
}

async function loadContext(sql: Sql, overrides?: ReadonlyMap<string, ScopeAuthority | ProductAuthority>): Promise<Context> {
  // One after the other: inside a transaction the queries share one connection.
  const authorisations = await getAllRecords(sql, 'authorisation');
  const { products, exploited } = await productAuthorities(sql);
  const rules = await currentRules(sql);
  const { rules: productRules, version: productRulesVersion } = await currentProductRules(sql);
  const custom = await getCustomActions(sql);
  return {
    lookup: authorityLookup(authorisations.values(), overrides, products.values(), exploited),
    rules,
    productRules,
    productRulesVersion,
    vocabulary: new ActionVocabulary(custom),
  };
}

async function planBatch(
  sql: Sql,
  ctx: Context,
  identities: readonly Identity[],
  movedScopes: ReadonlySet<string>,
  mayLift = true,
): Promise<CascadePlan> {
  return planCascade({
    identities,
    prior: await priorPower(
      sql,
      identities.map((i) => i.id),
    ),
    after: ctx.lookup,
    movedScopes,
    rules: ctx.rules.rules,
    productRules: ctx.productRules,
    vocabulary: ctx.vocabulary,
    mayLift,
  });
}

/**
 * What recomputing these identities would do, writing nothing: the impact preview. The same
 * reads and the same planner as refreshPower, so the preview and the cascade agree.
 */
export async function planPower(
  sql: Sql,
  opts: {
    identityIds: readonly string[];
    overrides?: ReadonlyMap<string, ScopeAuthority | ProductAuthority>;
    movedScopes?: ReadonlySet<string>;
  },
): Promise<{ plan: CascadePlan; identities: Map<string, Identity>; rulesVersion: number; productRulesVersion: number }> {
  const [ctx, stored] = await Promise.all([loadContext(sql, opts.overrides), getRecords(sql, 'identity', opts.identityIds)]);
  const identities = new Map([...stored].map(([id, s]) => [id, s.record]));
  const plan = await planBatch(sql, ctx, [...identities.values()], opts.movedScopes ?? new Set());
  return { plan, identities, rulesVersion: ctx.rules.version, productRulesVersion: ctx.productRulesVersion };
}

const EVENT_OF: Record<Exclude<Effect, 'unchanged'>, string> = {
  suspend: 'identity.suspended',
  narrow: 'identity.narrowed',
  restore: 'identity.restored',
};

/** Recomputes identities' power and writes what changed, in the caller's transaction (contract above). */
export async function refreshPower(tx: Sql, opts: RefreshOptions): Promise<RefreshResult> {
  const ctx = await loadContext(tx, opts.overrides);
  // Shared Signals streams that take (or hold) the identities' events, read once per refresh.
  const streams = await streamTargets(tx);
  const moved = opts.movedScopes ?? new Set<string>();
  const counts: CascadePlan['counts'] = { suspend: 0, narrow: 0, restore: 0, unchanged: 0 };
  const returnPaths = new Map<string, { scope: string; action: string; identities: number }>();
  const changes: IdentityChange[] = [];
  const identityEvents: NewEvent[] = [];
  const suspended: string[] = [];
  let outbox = 0;

  const write = async (identities: readonly Identity[]) => {
    const plan = await planBatch(tx, ctx, identities, moved, opts.mayLift !== false);
    for (const k of Object.keys(counts) as Effect[]) counts[k] += plan.counts[k];
    for (const r of plan.returnPaths) {
      const k = `${r.scope}|${r.action}`;
      const seen = returnPaths.get(k);
      if (seen) seen.identities += r.identities;
      else returnPaths.set(k, { ...r });
    }
    const changed = plan.changes.filter((c) => c.effect !== 'unchanged');
    if (changed.length === 0) return;
    const byId = new Map(identities.map((i) => [i.id, i]));
    for (const status of ['suspended', 'active'] as const)
      await setIdentityStatus(
        tx,
        changed.filter((c) => c.statusAfter !== c.statusBefore && c.statusAfter === status).map((c) => c.identity),
        status,
        opts.at,
      );
    await writePower(
      tx,
      changed.map((c) => ({ identity: c.identity, power: c.power, lawful: c.lawful })),
      opts.key,
      opts.at,
    );
    // A suspended identity's tokens stop at once (enforcement points learn of it as a new token
    // generation). A narrowed identity keeps its tokens: every decision checks the scope's
    // authorisation live, so its new business stops in that scope while its return path stays open.
    await bumpGenerations(
      tx,
      changed.filter((c) => c.effect === 'suspend').map((c) => c.identity),
      opts.at,
    );
    const rows: OutboxInsert[] = [];
    for (const c of changed) {
      if (c.statusAfter === 'suspended') suspended.push(c.identity);
      changes.push(c);
      identityEvents.push({
        actor: opts.actor,
        action: EVENT_OF[c.effect as Exclude<Effect, 'unchanged'>],
        subject: { type: 'identity', id: c.identity },
        before: { status: c.statusBefore, lawful: c.lawfulBefore },
        after: { status: c.statusAfter, lawful: c.lawful, removed: c.removed },
        reason: `${opts.why}; ${c.why}`,
      });
      rows.push(
        ...effectRows(
          {
            identity: byId.get(c.identity)!,
            connector: c.connector,
            key: opts.key,
            transition: opts.transition ?? null,
            reason: opts.why,
            // Relying parties: a suspension ends sessions; any other change changes the token's claims.
            event: c.effect === 'suspend' ? 'session-revoked' : 'token-claims-change',
            claims: { status: c.statusAfter, lawful: c.lawful.map((l) => ({ scope: scopeKey(l.scope), actions: l.actions })) },
          },
          opts.receivers,
          streams,
        ),
      );
    }
    await enqueue(tx, rows, opts.at);
    outbox += rows.length;
  };

  if (opts.identityIds === 'all') {
    // Keyset pages by id: each batch is read, planned and written before the next is read.
    let after = '';
    for (;;) {
      const rows = await tx.all<{ id: string; doc: string }>('SELECT id, doc FROM identities WHERE id > ? ORDER BY id LIMIT ?', [
        after,
        REFRESH_BATCH,
      ]);
      if (rows.length === 0) break;
      await write(rows.map((r) => JSON.parse(r.doc) as Identity));
      after = rows.at(-1)!.id;
      if (rows.length < REFRESH_BATCH) break;
    }
  } else {
    const ids = [...new Set(opts.identityIds)];
    for (let i = 0; i < ids.length; i += REFRESH_BATCH) {
      const stored = await getRecords(tx, 'identity', ids.slice(i, i + REFRESH_BATCH));
      await write([...stored.values()].map((s) => s.record));
    }
  }

  // Just-in-time grants rest on the authorisation they were approved under: a change of it cuts
  // them, as does the suspension of their identity.
  const events = await cutGrants(tx, { scopes: [...moved], identities: suspended }, opts.at, opts.actor, opts.why);
  events.push(...identityEvents);
  return {
    plan: {
      changes,
      counts,
      returnPaths: [...returnPaths.values()].sort((a, b) => a.scope.localeCompare(b.scope) || a.action.localeCompare(b.action)),
    },
    events,
    outbox,
    rulesVersion: ctx.rules.version,
    productRulesVersion: ctx.productRulesVersion,
  };
}
