// Firm manifest import: validate the whole manifest, plan the changes against the current state,
// and write them with their events in one transaction, or write nothing at all. An import is an
// edit like any other: it never changes an authorisation's status (that is a transition), and an
// identity record that would gain power is held for approval (listed in the answer as pending)
// while the rest applies. The first load of an empty inventory is a recorded bootstrap.
import { createHash } from 'node:crypto';
import { MandateError, type ErrorCode, type Issue } from '../core/errors.js';
import { checkManifestShape, reviewManifest, type ImportPlan, type PlannedChange } from '../core/manifest.js';
import type { Identity, RecordKind, RecordTypes } from '../core/model.js';
import type { PowerGain } from '../core/power.js';
import { appendEvents, type NewEvent } from '../ledger/log.js';
import { refusalRecorder } from '../ledger/refusals.js';
import { getAllRecords, getCustomActions, getRecords, insertCustomActions, upsertRecords } from '../state/records.js';
import type { PowerGate } from '../inventory/service.js';
import type { Database, Sql } from '../store/db.js';
import { bumpGenerations } from '../state/generations.js';

/** At most this many issues or changes are listed in one answer; the totals are always given. */
export const MAX_LISTED = 10_000;
/** An import that creates or updates at least this many records refreshes PostgreSQL's planner statistics. */
const ANALYZE_AFTER = 10_000;

/** An identity record held for approval because it would gain power. */
export interface HeldRecord {
  id: string;
  op: 'create' | 'update';
  gains: PowerGain[];
  /** The change request and its approval (absent on a dry run: nothing is asked for). */
  change_request?: string;
  approval?: string;
  required?: number;
}

export interface ImportResult {
  dry_run: boolean;
  /** The first load of an empty inventory: applied whole, recorded as a bootstrap. */
  bootstrap: boolean;
  /** created and updated count what was (or would be) applied; held what waits for approval. */
  counts: ImportPlan['counts'] & { held: number };
  pending: HeldRecord[];
  pending_total: number;
  changes?: { kind: RecordKind; id: string; op: 'create' | 'update'; changes: PlannedChange['changes'] }[];
  changes_total?: number;
  digest: string;
}

class DryRun extends Error {
  constructor(
    readonly plan: ImportPlan,
    readonly held: HeldRecord[],
  ) {
    super('dry run');
  }
}

async function loadCurrent(tx: Sql, identityIds: string[]) {
  const identities = new Map<string, RecordTypes['identity']>();
  const versions = new Map<string, number>();
  for (const [id, s] of await getRecords(tx, 'identity', identityIds)) {
    identities.set(id, s.record);
    versions.set(id, s.version);
  }
  const [anyIdentity] = await tx.all<{ id: string }>('SELECT id FROM identities LIMIT 1');
  const [anyAuthorisation] = await tx.all<{ id: string }>('SELECT id FROM authorisations LIMIT 1');
  return {
    bootstrap: !anyIdentity && !anyAuthorisation,
    versions,
    entities: await getAllRecords(tx, 'entity'),
    people: await getAllRecords(tx, 'person'),
    vendors: await getAllRecords(tx, 'vendor'),
    authorisations: await getAllRecords(tx, 'authorisation'),
    products: await getAllRecords(tx, 'product'),
    identities,
    customActions: await getCustomActions(tx),
  };
}

export function rejectManifest(issues: Issue[]): never {
  const listed = issues.slice(0, MAX_LISTED);
  // When every issue is of one kind with a code of its own (a status change that needs a
  // transition, say), the answer carries that code, so scripts can tell it apart.
  const codes = new Set(issues.map((i) => i.code));
  const code: ErrorCode = codes.size === 1 && issues[0]?.code ? issues[0].code : 'MANIFEST_REJECTED';
  throw new MandateError(
    code,
    `manifest rejected: ${issues.length} error${issues.length === 1 ? '' : 's'}; nothing was written. First: ${issues[0]?.field} ` +
      `${issues[0]?.reason}`,
    { issues: listed },
  );
}

export function importService({ db, clock, gate }: { db: Database; clock: () => Date; gate: PowerGate }) {
  const recorded = refusalRecorder(db, clock);
  return {
    /** Imports a manifest; a refused one is recorded (code, first issue, digest) and writes nothing else. */
    async importManifest(actor: string, doc: unknown, opts: { dryRun: boolean; digestOf: string }): Promise<ImportResult> {
      if (opts.dryRun) return importOnce(actor, doc, opts);
      const digest = createHash('sha256').update(opts.digestOf).digest('hex');
      return recorded(actor, { type: 'import', id: digest }, 'import', { digest }, () => importOnce(actor, doc, opts));
    },
  };

  async function importOnce(actor: string, doc: unknown, opts: { dryRun: boolean; digestOf: string }): Promise<ImportResult> {
    const shape = checkManifestShape(doc);
    if (!shape.valid) rejectManifest(shape.issues);
    const identityIds = (shape.valid.identities ?? []).map((i) => i.id).concat([...(shape.failedIds?.identities ?? [])]);
    const digest = createHash('sha256').update(opts.digestOf).digest('hex');
    const at = clock().toISOString();
    let plan: ImportPlan;
    let held: HeldRecord[];
    let bootstrap = false;
    try {
      // Reads and writes in one transaction: the plan is made against the state it is applied
      // to. A dry run writes too, to judge power against what the import would leave, and then
      // rolls back.
      ({ plan, held } = await db.transaction(async (tx) => {
        const current = await loadCurrent(tx, identityIds);
        bootstrap = current.bootstrap;
        const p = reviewManifest(shape, current);
        if (p.issues.length) rejectManifest(p.issues);
        const h = await write(tx, actor, at, p, current.customActions.length, digest, {
          gate,
          bootstrap,
          versions: current.versions,
          dryRun: opts.dryRun,
        });
        if (opts.dryRun) throw new DryRun(p, h);
        return { plan: p, held: h };
      }));
    } catch (err) {
      if (!(err instanceof DryRun)) throw err;
      plan = err.plan;
      held = err.held;
    }
    // After a bulk change PostgreSQL plans with stale statistics (none at all after a first
    // import) until autovacuum analyses the tables, a minute or more later; meanwhile filtered
    // list pages took 35-400 ms at 100k identities instead of 1-2 ms.
    if (!opts.dryRun && db.dialect === 'postgres' && plan.counts.created + plan.counts.updated >= ANALYZE_AFTER)
      await db.run('ANALYZE identities, identity_scopes').catch(() => undefined);
    const heldIds = new Set(held.map((h) => h.id));
    const changed = plan.changes.filter((c) => c.op !== 'unchanged' && !(c.kind === 'identity' && heldIds.has(c.id)));
    const heldCreates = held.filter((h) => h.op === 'create').length;
    return {
      dry_run: opts.dryRun,
      bootstrap,
      counts: {
        ...plan.counts,
        created: plan.counts.created - heldCreates,
        updated: plan.counts.updated - (held.length - heldCreates),
        held: held.length,
      },
      pending: held.slice(0, MAX_LISTED),
      pending_total: held.length,
      digest,
      ...(opts.dryRun
        ? {
            changes: changed
              .slice(0, MAX_LISTED)
              .map((c) => ({ kind: c.kind, id: c.id, op: c.op as 'create' | 'update', changes: c.changes })),
            changes_total: changed.length,
          }
        : {}),
    };
  }
}

/** Records are written, with their events, this many at a time: memory stays flat however large the manifest. */
const WRITE_CHUNK = 2_000;

interface WriteOptions {
  gate: PowerGate;
  bootstrap: boolean;
  /** The stored versions of the identities the manifest names (a held change applies on top of its version). */
  versions: ReadonlyMap<string, number>;
  /** Judge and list what would be held, but ask for no approval. */
  dryRun: boolean;
}

/** Writes the plan; answers the identity records held for approval instead of written. */
async function write(
  tx: Sql,
  actor: string,
  at: string,
  plan: ImportPlan,
  customBefore: number,
  digest: string,
  opts: WriteOptions,
): Promise<HeldRecord[]> {
  const newActions = plan.actions.slice(customBefore);
  await insertCustomActions(tx, newActions);
  await appendEvents(
    tx,
    at,
    newActions.map((a) => ({ actor, action: 'action.defined', subject: { type: 'action', id: a.id }, after: a })),
  );
  const reason = `manifest import ${digest.slice(0, 12)}${opts.bootstrap ? ' (bootstrap: first load of an empty inventory)' : ''}`;
  const others = plan.changes.filter((c) => c.op !== 'unchanged' && c.kind !== 'identity');
  await writeChanges(tx, actor, at, others, reason);
  // Identities are judged against the authorisations and actions as the import leaves them. The
  // bootstrap load applies whole: there is no power yet to grow from, and no one yet to approve.
  const identities = plan.changes.filter((c) => c.op !== 'unchanged' && c.kind === 'identity') as PlannedChange<'identity'>[];
  const held: HeldRecord[] = [];
  let applied = identities;
  if (!opts.bootstrap && identities.length) {
    const judge = await opts.gate.judge(tx);
    applied = [];
    for (const c of identities) {
      const gains = judge(c.before, c.after);
      if (gains.length === 0) applied.push(c);
      else held.push({ id: c.id, op: c.op as 'create' | 'update', gains });
    }
  }
  await writeChanges(tx, actor, at, applied, reason);
  // Tokens carry the identity's attributes: a changed record invalidates the ones outstanding,
  // as an edit through the API does.
  await bumpGenerations(
    tx,
    applied.filter((c) => c.op === 'update').map((c) => c.id),
    at,
  );
  if (!opts.dryRun) {
    const byId = new Map(identities.map((c) => [c.id, c]));
    for (const h of held) {
      const c = byId.get(h.id)!;
      const before = c.before
        ? { record: c.before as Identity, version: opts.versions.get(c.id)!, created_at: at, updated_at: at }
        : undefined;
      const cr = await opts.gate.hold(tx, actor, before, c.after, h.gains, at, `import ${digest.slice(0, 12)}`);
      h.change_request = cr.id;
      h.approval = cr.approval?.id;
      h.required = cr.approval?.required;
    }
    // Stored power follows the records: identities that are new or changed are recomputed.
    await appendEvents(
      tx,
      at,
      await opts.gate.refresh(
        tx,
        applied.map((c) => c.id),
        { actor, why: reason, key: `im_${digest.slice(0, 12)}_${Date.parse(at)}`, at },
      ),
    );
    await appendEvents(tx, at, [
      {
        actor,
        action: 'import.applied',
        subject: { type: 'import', id: digest },
        after: { ...plan.counts, held: held.length, ...(opts.bootstrap ? { bootstrap: true } : {}) },
        reason,
      },
    ]);
  }
  return held;
}

async function writeChanges(tx: Sql, actor: string, at: string, changed: readonly PlannedChange[], reason: string): Promise<void> {
  // Changes are ordered by kind (entities first), so referenced records are written first.
  for (let start = 0; start < changed.length; start += WRITE_CHUNK) {
    const chunk = changed.slice(start, start + WRITE_CHUNK);
    const groups = new Map<string, { kind: RecordKind; fresh: boolean; records: RecordTypes[RecordKind][] }>();
    for (const c of chunk) {
      const key = `${c.kind}:${c.op}`;
      const group = groups.get(key) ?? { kind: c.kind, fresh: c.op === 'create', records: [] };
      group.records.push(c.after);
      groups.set(key, group);
    }
    for (const g of groups.values()) await upsertRecords(tx, g.kind, g.records, at, { fresh: g.fresh });
    await appendEvents(
      tx,
      at,
      chunk.map(
        (c): NewEvent => ({
          actor,
          action: `${c.kind}.${c.op === 'create' ? 'created' : 'updated'}`,
          subject: { type: c.kind, id: c.id },
          ...(c.before ? { before: c.before } : {}),
          after: c.after,
          reason,
        }),
      ),
    );
  }
}
