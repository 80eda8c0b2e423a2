// Identity writes that add power wait for approval. The inventory asks this gate whether a write
// (an edit, a create, a manifest record) adds power (core/power.ts says what that means); if so
// the write is held as a change request of kind `identity_change`, and applied in the transaction
// of its deciding approval, on top of the version it was based on, with its events. Writes that
// keep or remove power apply at once; either way stored power is recomputed with the write.
import { randomBytes } from 'node:crypto';
import { MandateError } from '../core/errors.js';
import { authorityLookup } from '../core/cascade.js';
import type { Identity } from '../core/model.js';
import { powerGains, servicesOf, type PowerGain } from '../core/power.js';
import { ActionVocabulary } from '../core/vocabulary.js';
import { appendEvents, type NewEvent } from '../ledger/log.js';
import { getAllRecords, getCustomActions, getRecord, updateRecordAtVersion, upsertRecords } from '../state/records.js';
import { checkRecord, rejectRecord, type IdentityChangeRequest, type PowerGate } from './service.js';
import { refreshPower } from '../state/power.js';
import type { LifecycleRulesStore } from '../state/lifecycle-rules.js';
import type { Sql } from '../store/db.js';
import { bumpGenerations } from '../state/generations.js';
import type { Approval, ApprovalEngine } from '../state/approvals.js';

interface Doc {
  base_version: number;
  change: { identity: Identity; gains: PowerGain[]; source: string };
}

/**
 * The power gate the inventory and the importer ask. `receivers`: the CAEP receivers a change of
 * stored power is signalled to (through the outbox, like a cascade's).
 */
export interface GateDeps {
  approvals: Pick<ApprovalEngine, 'get' | 'open' | 'register'>;
  lifecycleRules: Pick<LifecycleRulesStore, 'current'>;
  /** CAEP receivers told of a change of stored power. */
  caepReceivers?: readonly string[];
}

export function identityChangeGate({ approvals, lifecycleRules, caepReceivers: receivers = [] }: GateDeps): PowerGate {
  // An identity write never lifts a suspension the lifecycle made: only a change of authorisations does.
  const refresh: PowerGate['refresh'] = async (tx, ids, cause) =>
    (
      await refreshPower(tx, {
        identityIds: ids,
        actor: cause.actor,
        why: cause.why,
        key: cause.key,
        at: cause.at,
        receivers,
        mayLift: false,
      })
    ).events;

  async function load(sql: Sql, id: string): Promise<(IdentityChangeRequest & { doc: Doc }) | undefined> {
    const [r] = await sql.all<{ id: string; doc: string; requester: string; status: string; result: string | null; created_at: string }>(
      "SELECT * FROM change_requests WHERE id = ? AND kind = 'identity_change'",
      [id],
    );
    if (!r) return undefined;
    const doc = JSON.parse(r.doc) as Doc;
    const [a] = await sql.all<{ id: string }>("SELECT id FROM approvals WHERE subject_id = ? AND kind = 'identity_change'", [id]);
    return {
      id: r.id,
      kind: 'identity_change',
      requester: r.requester,
      status: r.status as IdentityChangeRequest['status'],
      base_version: doc.base_version,
      change: doc.change,
      result: r.result ? (JSON.parse(r.result) as { version: number }) : null,
      approval: a ? await approvals.get(a.id, sql) : undefined,
      created_at: r.created_at,
      doc,
    };
  }

  const settle =
    (status: IdentityChangeRequest['status']) =>
    async (tx: Sql, a: Approval): Promise<NewEvent[]> => {
      await tx.run('UPDATE change_requests SET status = ? WHERE id = ?', [status, a.subject.id]);
      return [];
    };

  approvals.register('identity_change', {
    async approved(tx, a, at) {
      const cr = (await load(tx, a.subject.id))!;
      const after = cr.change.identity;
      const current = await getRecord(tx, 'identity', after.id);
      const by = a.votes.map((v) => v.voter).join(', ');
      // Applied only on top of what was approved: an identity that changed meanwhile is asked for again.
      if ((current?.version ?? 0) !== cr.base_version) {
        throw new MandateError(
          'PRECONDITION_FAILED',
          current
            ? `identity ${after.id} changed since change ${cr.id} was asked for (it was based on version ${cr.base_version}, now ` +
                `${current.version}): ask again`
            : `identity ${after.id} no longer exists: change ${cr.id} cannot apply`,
        );
      }
      // The world may have moved too (an owner departed, a vendor removed): the record is checked again.
      const issues = await checkRecord(tx, 'identity', after);
      if (issues.length) rejectRecord('identity', after.id, issues);
      const actor = cr.requester;
      const why = `change ${cr.id} approved by ${by}; adds ${cr.change.gains.map((g) => g.detail).join('; ')}`;
      let version: number;
      if (current) {
        const toWrite: Identity = { ...after, status: current.record.status };
        if (!(await updateRecordAtVersion(tx, 'identity', toWrite, current.version, at)))
          throw new MandateError('PRECONDITION_FAILED', `identity ${after.id} changed meanwhile: ask again`);
        version = current.version + 1;
        await appendEvents(tx, at, [
          {
            actor,
            action: 'identity.updated',
            subject: { type: 'identity', id: after.id },
            before: current.record,
            after: toWrite,
            reason: why,
          },
        ]);
      } else {
        await upsertRecords(tx, 'identity', [after], at);
        version = 1;
        await appendEvents(tx, at, [
          { actor, action: 'identity.created', subject: { type: 'identity', id: after.id }, after, reason: why },
        ]);
      }
      await bumpGenerations(tx, [after.id], at);
      await tx.run("UPDATE change_requests SET status = 'applied', result = ? WHERE id = ?", [JSON.stringify({ version }), cr.id]);
      return refresh(tx, [after.id], { actor, why, key: cr.id, at });
    },
    rejected: settle('rejected'),
    expired: settle('expired'),
    cancelled: settle('cancelled'),
  });

  return {
    async judge(tx) {
      // One after the other: a transaction is one connection, which takes one query at a time.
      const authorisations = await getAllRecords(tx, 'authorisation');
      const custom = await getCustomActions(tx);
      const current = await lifecycleRules.current(tx);
      const lookup = authorityLookup(authorisations.values());
      const vocabulary = new ActionVocabulary(custom);
      return (before, after) => powerGains(before, after, lookup, current.rules, vocabulary);
    },

    async hold(tx, actor, before, after, gains, at, source) {
      const id = `cr_${randomBytes(8).toString('hex')}`;
      const base = before?.version ?? 0;
      const doc: Doc = { base_version: base, change: { identity: after, gains, source } };
      await tx.run('INSERT INTO change_requests (id, kind, doc, requester, status, created_at) VALUES (?, ?, ?, ?, ?, ?)', [
        id,
        'identity_change',
        JSON.stringify(doc),
        actor,
        'pending',
        at,
      ]);
      await appendEvents(tx, at, [
        {
          actor,
          action: 'change.requested',
          subject: { type: 'change_request', id },
          after: { kind: 'identity_change', identity: after.id, base_version: base, gains, source },
          reason: `adds power to identity ${after.id}`,
        },
      ]);
      await approvals.open(
        tx,
        {
          kind: 'identity_change',
          subject: { type: 'change_request', id },
          requester: actor,
          // The identity's owner (or, for a new one, its owner to be) decides nothing about it.
          owner: before?.record.owner ?? after.owner ?? null,
          summary: `${actor} asks to ${before ? 'change' : 'create'} identity ${after.id}, which adds ${gains
            .map((g) => g.detail)
            .slice(0, 5)
            .join('; ')}${gains.length > 5 ? ` and ${gains.length - 5} more` : ''}`,
          detail: { identity: after.id, base_version: base, gains, source },
          risk: { capability: after.capability, services: servicesOf(after), function: after.function, kind: after.kind },
        },
        at,
      );
      return (await load(tx, id))!;
    },

    refresh,
  };
}
