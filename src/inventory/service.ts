// Inventory operations: create, update (optimistic concurrency) and identity status changes. Each
// writes the record and its event in one transaction. Two rules hold on every path: an
// authorisation's status changes only by a transition (never by an edit), and an identity write
// that adds power is held for approval by the power gate (src/inventory/identity-changes.ts).
import { cutGrants } from '../state/grants.js';
import { bumpGenerations } from '../state/generations.js';
import { canonicalJson } from '../core/canonical.js';
import { MandateError, type Issue } from '../core/errors.js';
import {
  isProductScope,
  type Authorisation,
  type Identity,
  type IdentityInput,
  type LegalEntity,
  type Person,
  type Product,
  type RecordKind,
  type RecordTypes,
  type Stored,
  type Vendor,
} from '../core/model.js';
import {
  checkAuthorisation,
  checkEntity,
  checkIdentity,
  checkProduct,
  identityTransitionAllowed,
  normaliseIdentity,
  type World,
} from '../core/rules.js';
import { authorisationChangeIssues, productChangeIssues, type PowerGain } from '../core/power.js';
import { ActionVocabulary, type IdentityStatus } from '../core/vocabulary.js';
import type { Approval } from '../state/approvals.js';
import { appendEvents, type NewEvent } from '../ledger/log.js';
import { refusalRecorder } from '../ledger/refusals.js';
import { identityPower } from './power-view.js';
import { effectRows, enqueue } from '../state/outbox.js';
import { streamTargets } from '../state/ssf-streams.js';
import type { Database, Sql } from '../store/db.js';
import {
  countMatching,
  getCustomActions,
  getRecord,
  getRecords,
  inventoryCounts,
  listRecords,
  updateRecordAtVersion,
  upsertRecords,
  type ListFilter,
  type ListOrder,
} from '../state/records.js';

/** What a request hands in: identities may leave their defaulted fields out. */
export type RecordInput<K extends RecordKind> = K extends 'identity' ? IdentityInput : RecordTypes[K];

const byId = <T extends { id: string }>(records: Iterable<Stored<T>>) => new Map([...records].map((s) => [s.record.id, s.record]));

/** Loads just the records a record refers to, so the rules can check its references. */
async function worldFor(sql: Sql, kind: RecordKind, record: RecordTypes[RecordKind]): Promise<World> {
  const entityIds = new Set<string>();
  const peopleIds: string[] = [];
  const vendorIds: string[] = [];
  if (kind === 'authorisation') entityIds.add((record as Authorisation).entity);
  if (kind === 'product') entityIds.add((record as Product).manufacturer);
  const productIds = kind === 'identity' ? (record as Identity).scopes.filter(isProductScope).map((s) => s.product) : [];
  if (kind === 'identity') {
    const i = record as Identity;
    for (const s of i.scopes) if ('entity' in s) entityIds.add(s.entity);
    if (i.owner) peopleIds.push(i.owner);
    if (i.vendor) vendorIds.push(i.vendor);
  }
  return {
    entities: byId<LegalEntity>((await getRecords(sql, 'entity', [...entityIds])).values()),
    people: byId<Person>((await getRecords(sql, 'person', peopleIds)).values()),
    vendors: byId<Vendor>((await getRecords(sql, 'vendor', vendorIds)).values()),
    products: byId<Product>((await getRecords(sql, 'product', productIds)).values()),
    vocabulary: new ActionVocabulary(await getCustomActions(sql)),
  };
}

export async function checkRecord(sql: Sql, kind: RecordKind, record: RecordTypes[RecordKind]): Promise<Issue[]> {
  switch (kind) {
    case 'entity':
      return checkEntity(record as LegalEntity);
    case 'authorisation': {
      const a = record as Authorisation;
      const issues = checkAuthorisation(a, await worldFor(sql, kind, a));
      const [holder] = await sql.all<{ id: string }>(
        'SELECT id FROM authorisations WHERE entity = ? AND service = ? AND jurisdiction = ? AND id <> ?',
        [a.entity, a.service, a.jurisdiction, a.id],
      );
      if (holder)
        issues.push({
          field: '/service',
          reason: `authorisation ${holder.id} already covers ${a.entity} / ${a.service} / ${a.jurisdiction}`,
        });
      return issues;
    }
    case 'identity':
      return checkIdentity(record as Identity, await worldFor(sql, kind, record));
    case 'product':
      return checkProduct(record as Product, await worldFor(sql, kind, record));
    default:
      return [];
  }
}

export function rejectRecord(kind: RecordKind, id: string, issues: Issue[]): never {
  throw new MandateError('INVALID_RECORD', `${kind} ${id} is not valid: ${issues.map((i) => `${i.field} ${i.reason}`).join('; ')}`, {
    issues: issues.map((i) => ({ ...i, kind, record: id })),
  });
}

/** A held identity write: a change request of kind identity_change, applied once approved. */
export interface IdentityChangeRequest {
  id: string;
  kind: 'identity_change';
  requester: string;
  status: 'pending' | 'applied' | 'rejected' | 'expired' | 'cancelled';
  /** The identity's version the change is based on (0: it creates the identity). */
  base_version: number;
  change: { identity: Identity; gains: PowerGain[]; source: string };
  result: { version: number } | null;
  approval: Approval | undefined;
  created_at: string;
}

/**
 * How identity writes that add power wait for approval, and how stored power follows a write.
 * Implemented in identity-changes.ts over the approval engine and handed in by
 * src/server/container.ts (the importer asks the same gate), so every path that writes an identity
 * asks one judge.
 */
export interface PowerGate {
  /**
   * Reads what judging needs once, in `tx` (authorisations, lifecycle rules, vocabulary), and
   * answers a pure judge: what a write adds to an identity's power (empty: it may apply at once).
   */
  judge(tx: Sql): Promise<(before: Identity | undefined, after: Identity) => PowerGain[]>;
  /** Holds the write as a change request awaiting approval, in the caller's transaction. */
  hold(
    tx: Sql,
    actor: string,
    before: Stored<Identity> | undefined,
    after: Identity,
    gains: PowerGain[],
    at: string,
    source: string,
  ): Promise<IdentityChangeRequest>;
  /**
   * Recomputes the stored power of identities whose records changed (src/state/power.ts);
   * answers the events to record. `key` names the cause, unique and stable on retry.
   */
  refresh(tx: Sql, ids: readonly string[], cause: { actor: string; why: string; key: string; at: string }): Promise<NewEvent[]>;
}

/** A write either applied at once, or held for approval because it adds power. */
export type WriteOutcome<T> = { applied: Stored<T> } | { held: IdentityChangeRequest };

/** Refuses an authorisation write that is really a licence change (status, dates, conditions) or changes what licence it is. */
function refuseLicenceChange(before: Authorisation | undefined, after: Authorisation): void {
  const issues = authorisationChangeIssues(before, after);
  if (issues.length === 0) return;
  const first = issues[0]!;
  throw new MandateError(first.code, issues.map((i) => i.reason).join('; '), {
    field: first.field,
    issues: issues.map((i) => ({ field: i.field, reason: i.reason, code: i.code, kind: 'authorisation', record: after.id })),
  });
}

/** Refuses a product write that changes its status or manufacturer: a status changes only by a transition (CRA). */
function refuseProductStatusChange(before: Product | undefined, after: Product): void {
  const issues = productChangeIssues(before, after);
  if (issues.length === 0) return;
  const first = issues[0]!;
  throw new MandateError(first.code, issues.map((i) => i.reason).join('; '), {
    field: first.field,
    issues: issues.map((i) => ({ field: i.field, reason: i.reason, code: i.code, kind: 'product', record: after.id })),
  });
}

export interface InventoryDeps {
  db: Database;
  clock: () => Date;
  /** Holds identity writes that add power for approval (inventory/identity-changes.ts). */
  gate: PowerGate;
  /** CAEP receivers told of a change of stored power. */
  caepReceivers?: readonly string[];
}

export function inventoryService({ db, clock, gate, caepReceivers: receivers = [] }: InventoryDeps) {
  // A refused write is evidence: who tried to change what, and why it was refused.
  const recorded = refusalRecorder(db, clock);
  async function normalise<K extends RecordKind>(sql: Sql, kind: K, input: RecordInput<K>): Promise<RecordTypes[K]> {
    if (kind !== 'identity') return input as RecordTypes[K];
    return normaliseIdentity(input as IdentityInput, new ActionVocabulary(await getCustomActions(sql))) as RecordTypes[K];
  }

  return {
    get<K extends RecordKind>(kind: K, id: string): Promise<Stored<RecordTypes[K]> | undefined> {
      return getRecord(db, kind, id);
    },

    list<K extends RecordKind>(kind: K, filter: ListFilter, afterId: string | undefined, limit: number, order: ListOrder = {}) {
      return listRecords(db, kind, filter, afterId, limit, order);
    },

    count(kind: RecordKind, filter: ListFilter): Promise<number> {
      return countMatching(db, kind, filter);
    },

    counts() {
      return inventoryCounts(db);
    },

    /** An identity's lawful power, per scope and action, with the rule that decided (core/power-view.ts). */
    power(id: string) {
      return identityPower(db, clock, id);
    },

    /** Creates a record; a new identity with any power is held for approval instead. */
    async create<K extends RecordKind>(actor: string, kind: K, input: RecordInput<K>): Promise<WriteOutcome<RecordTypes[K]>> {
      const at = clock().toISOString();
      const out = await recorded(actor, { type: kind, id: input.id }, `${kind}.create`, { id: input.id }, () =>
        db.transaction(async (tx): Promise<WriteOutcome<RecordTypes[K]>> => {
          const record = await normalise(tx, kind, input);
          if (await getRecord(tx, kind, record.id))
            throw new MandateError('ALREADY_EXISTS', `${kind} ${record.id} already exists`, { field: '/id' });
          const issues = await checkRecord(tx, kind, record);
          if (issues.length) rejectRecord(kind, record.id, issues);
          if (kind === 'authorisation') refuseLicenceChange(undefined, record as Authorisation);
          if (kind === 'product') refuseProductStatusChange(undefined, record as Product);
          if (kind === 'identity') {
            const gains = (await gate.judge(tx))(undefined, record as Identity);
            if (gains.length) return { held: await gate.hold(tx, actor, undefined, record as Identity, gains, at, 'create') };
          }
          await upsertRecords(tx, kind, [record], at);
          await appendEvents(tx, at, [{ actor, action: `${kind}.created`, subject: { type: kind, id: record.id }, after: record }]);
          if (kind === 'identity')
            await appendEvents(
              tx,
              at,
              await gate.refresh(tx, [record.id], { actor, why: `identity ${record.id} created`, key: `${record.id}_v1`, at }),
            );
          return { applied: { record, version: 1, created_at: at, updated_at: at } };
        }),
      );
      return out;
    },

    /**
     * Replaces a record if the caller saw its current version (If-Match). Identity status changes
     * go through changeStatus, authorisation status changes through transitions; an identity edit
     * that adds power is held for approval instead of applied.
     */
    async update<K extends RecordKind>(
      actor: string,
      kind: K,
      id: string,
      input: RecordInput<K>,
      ifMatch: number,
    ): Promise<WriteOutcome<RecordTypes[K]>> {
      if (input.id !== id)
        throw new MandateError('VALIDATION_FAILED', `body id ${input.id} does not match the path id ${id}`, { field: '/id' });
      const at = clock().toISOString();
      const out = await recorded(actor, { type: kind, id }, `${kind}.update`, { id, if_match: ifMatch }, () =>
        db.transaction(async (tx): Promise<WriteOutcome<RecordTypes[K]>> => {
          const current = await getRecord(tx, kind, id);
          if (!current) throw new MandateError('NOT_FOUND', `no ${kind} with id ${id}`);
          if (current.version !== ifMatch)
            throw new MandateError('PRECONDITION_FAILED', `${kind} ${id} is at version ${current.version}, not ${ifMatch}: read it again`, {
              field: 'If-Match',
            });
          const record = await normalise(tx, kind, input);
          if (kind === 'identity' && (record as Identity).status !== (current.record as Identity).status)
            throw new MandateError(
              'INVALID_TRANSITION',
              `change an identity's status with POST /v1/identities/${id}/status, not by update`,
              { field: '/status' },
            );
          if (canonicalJson(record) === canonicalJson(current.record)) return { applied: current };
          const issues = await checkRecord(tx, kind, record);
          if (issues.length) rejectRecord(kind, id, issues);
          if (kind === 'authorisation') refuseLicenceChange(current.record as Authorisation, record as Authorisation);
          if (kind === 'product') refuseProductStatusChange(current.record as Product, record as Product);
          if (kind === 'identity') {
            const gains = (await gate.judge(tx))(current.record as Identity, record as Identity);
            if (gains.length)
              return { held: await gate.hold(tx, actor, current as Stored<Identity>, record as Identity, gains, at, 'edit') };
          }
          if (!(await updateRecordAtVersion(tx, kind, record, ifMatch, at)))
            throw new MandateError('PRECONDITION_FAILED', `${kind} ${id} changed meanwhile: read it again`, { field: 'If-Match' });
          await appendEvents(tx, at, [
            { actor, action: `${kind}.updated`, subject: { type: kind, id }, before: current.record, after: record },
          ]);
          if (kind === 'identity') {
            // Tokens carry the identity's attributes: a changed record invalidates the ones outstanding.
            await bumpGenerations(tx, [id], at);
            await appendEvents(
              tx,
              at,
              await gate.refresh(tx, [id], { actor, why: `identity ${id} edited`, key: `${id}_v${current.version + 1}`, at }),
            );
          }
          return { applied: { record, version: current.version + 1, created_at: current.created_at, updated_at: at } };
        }),
      );
      return out;
    },

    async changeStatus(actor: string, id: string, to: IdentityStatus, reason: string, ifMatch?: number): Promise<Stored<Identity>> {
      const at = clock().toISOString();
      const done = await db.transaction(async (tx) => {
        const current = await getRecord(tx, 'identity', id);
        if (!current) throw new MandateError('NOT_FOUND', `no identity with id ${id}`);
        if (ifMatch !== undefined && current.version !== ifMatch)
          throw new MandateError('PRECONDITION_FAILED', `identity ${id} is at version ${current.version}, not ${ifMatch}`, {
            field: 'If-Match',
          });
        const from = current.record.status;
        if (from === to) return current;
        if (!identityTransitionAllowed(from, to))
          throw new MandateError('INVALID_TRANSITION', `identity ${id} cannot go from ${from} to ${to}`, { field: '/status' });
        const record: Identity = { ...current.record, status: to };
        // Reactivation must meet everything an active identity needs (owner, purpose, scope, revocation
        // path), and cannot give back what the lifecycle took: only a transition restores that.
        if (to === 'active') {
          const [power] = await tx.all<{ transition_id: string }>(
            "SELECT transition_id FROM identity_power WHERE identity_id = ? AND outcome = 'suspend'",
            [id],
          );
          if (power)
            throw new MandateError(
              'INVALID_TRANSITION',
              `identity ${id} was suspended by transition ${power.transition_id}: nothing ` +
                'lawful remains for it until its authorisation changes',
              { field: '/status' },
            );
          const issues = await checkRecord(tx, 'identity', record);
          if (issues.length) rejectRecord('identity', id, issues);
        }
        if (!(await updateRecordAtVersion(tx, 'identity', record, current.version, at)))
          throw new MandateError('PRECONDITION_FAILED', `identity ${id} changed meanwhile: read it again`, { field: 'If-Match' });
        await bumpGenerations(tx, [id], at);
        // An identity that stops being active loses its just-in-time grants and break-glass window at once.
        const cut = to === 'active' ? [] : await cutGrants(tx, { identities: [id] }, at, actor, `identity ${id} is ${to}: ${reason}`);
        await appendEvents(tx, at, [
          {
            actor,
            action: 'identity.status_changed',
            subject: { type: 'identity', id },
            before: { status: from },
            after: { status: to },
            reason,
          },
          ...cut,
        ]);
        // Switching off (or back on) where the credential lives, and telling relying parties,
        // goes through the outbox written in this same transaction.
        const off = from === 'active';
        await enqueue(
          tx,
          effectRows(
            {
              identity: record,
              connector: to === 'active' ? 'enable' : off ? 'disable' : null,
              key: `st${current.version + 1}`,
              transition: null,
              reason: `${actor}: ${reason}`,
              event: to === 'active' ? 'token-claims-change' : to === 'revoked' ? 'credential-change' : off ? 'session-revoked' : null,
              claims: { status: to },
            },
            receivers,
            await streamTargets(tx),
          ),
          at,
        );
        return { record, version: current.version + 1, created_at: current.created_at, updated_at: at };
      });
      return done;
    },
  };
}
export type InventoryService = ReturnType<typeof inventoryService>;
