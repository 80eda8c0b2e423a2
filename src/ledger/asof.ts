// Time travel: the state at a past moment, rebuilt from the ledger alone (not from today's
// tables), and the question "who could do ACTION for (entity, service, member state) then",
// answered with the lifecycle engine as it stood, plus the checkpoint and inclusion proofs of
// every event the answer rests on.
import { MandateError } from '../core/errors.js';
import { decidePower, scopeKey, type AuthorityLookup, type LifecycleRules, type ScopeAuthority } from '../core/lifecycle.js';
import type { Authorisation, Identity, Scope } from '../core/model.js';
import { parseTimestamp } from '../core/time.js';
import { ActionVocabulary, type ActionDefinition } from '../core/vocabulary.js';
import { placeholders, type Sql } from '../store/db.js';
import type { LedgerService } from './service.js';

const RECORD_ACTIONS = {
  identity: ['identity.created', 'identity.updated'],
  authorisation: ['authorisation.created', 'authorisation.updated', 'authorisation.status_changed'],
};
const IDENTITY_STATUS_ACTIONS = [
  'identity.created',
  'identity.updated',
  'identity.status_changed',
  'identity.suspended',
  'identity.narrowed',
  'identity.restored',
];

/** For each subject of a type, the last of these actions at or before seq. */
async function latestPerSubject(sql: Sql, type: string, actions: readonly string[], maxSeq: number): Promise<Map<string, number>> {
  const rows = await sql.all<{ subject_id: string; seq: number }>(
    `SELECT subject_id, MAX(seq) AS seq FROM events WHERE subject_type = ? AND seq <= ? AND action IN (${placeholders(actions.length)}` +
      ') GROUP BY subject_id',
    [type, maxSeq, ...actions],
  );
  return new Map(rows.map((r) => [r.subject_id, Number(r.seq)]));
}

async function afterDocs(sql: Sql, seqs: readonly number[]): Promise<Map<number, unknown>> {
  const out = new Map<number, unknown>();
  for (let i = 0; i < seqs.length; i += 500) {
    const chunk = seqs.slice(i, i + 500);
    for (const r of await sql.all<{ seq: number; after_doc: string }>(
      `SELECT seq, after_doc FROM events WHERE seq IN (${placeholders(chunk.length)})`,
      chunk,
    ))
      out.set(Number(r.seq), JSON.parse(r.after_doc));
  }
  return out;
}

export interface AsOfQuery {
  at: string;
  action: string;
  entity?: string;
  service?: string;
  jurisdiction?: string;
  /** Inclusion proofs for at most this many cited events (the rest are fetched by seq on demand). */
  maxProofs?: number;
}

/**
 * The recorded state at a past time, from the ledger alone: each identity and authorisation as its
 * last full event left it (with the events' sequence numbers, to cite), and the rules and actions
 * then in force. Refuses a time before the log began.
 */
export async function stateAt(sql: Sql, at: string, field = 'query:at') {
  const t = parseTimestamp(at);
  if (!Number.isFinite(t)) throw new MandateError('VALIDATION_FAILED', `not a time: ${at}`, { field });
  const iso = new Date(t).toISOString();
  const [{ first, upto } = { first: null, upto: null }] = await sql.all<{ first: string | null; upto: number | null }>(
    'SELECT (SELECT MIN(at) FROM events) AS first, (SELECT MAX(seq) FROM events WHERE at <= ?) AS upto',
    [iso],
  );
  if (first === null || upto === null)
    throw new MandateError('VALIDATION_FAILED', `${at} is before the log began${first ? ` (${first})` : ''}`, { field });
  const maxSeq = Number(upto);
  const identityRecords = await latestPerSubject(sql, 'identity', RECORD_ACTIONS.identity, maxSeq);
  const identityStatus = await latestPerSubject(sql, 'identity', IDENTITY_STATUS_ACTIONS, maxSeq);
  const authorisationRecords = await latestPerSubject(sql, 'authorisation', RECORD_ACTIONS.authorisation, maxSeq);
  const rulesEvents = await latestPerSubject(sql, 'lifecycle_rules', ['lifecycle_rules.published'], maxSeq);
  const actionEvents = await latestPerSubject(sql, 'action', ['action.defined'], maxSeq);
  const rulesSeq = Math.max(0, ...rulesEvents.values());
  const docs = await afterDocs(sql, [
    ...new Set([
      ...identityRecords.values(),
      ...identityStatus.values(),
      ...authorisationRecords.values(),
      ...actionEvents.values(),
      ...(rulesSeq ? [rulesSeq] : []),
    ]),
  ]);
  const identities = new Map<string, { identity: Identity; record_seq: number; status_seq: number }>();
  for (const [id, recordSeq] of identityRecords) {
    const statusSeq = identityStatus.get(id) ?? recordSeq;
    const record = docs.get(recordSeq) as Identity;
    identities.set(id, {
      identity: { ...record, status: (docs.get(statusSeq) as { status?: Identity['status'] }).status ?? record.status },
      record_seq: recordSeq,
      status_seq: statusSeq,
    });
  }
  const authorisations = new Map<string, { authorisation: Authorisation; seq: number }>();
  for (const [id, seq] of authorisationRecords) authorisations.set(id, { authorisation: docs.get(seq) as Authorisation, seq });
  return {
    at: iso,
    maxSeq,
    identities,
    authorisations,
    rulesSeq,
    rules: rulesSeq ? (docs.get(rulesSeq) as LifecycleRules) : undefined,
    actions: [...actionEvents.values()].map((x) => docs.get(x) as ActionDefinition),
  };
}

export async function whoCould(sql: Sql, ledger: LedgerService, defaultRules: LifecycleRules, q: AsOfQuery) {
  // The state then: each record as its last full event left it, each identity's last status.
  const state = await stateAt(sql, q.at);
  const { maxSeq, rulesSeq, at: iso } = state;
  const rules = state.rules ?? defaultRules;
  const vocabulary = new ActionVocabulary(state.actions);
  const authorities = new Map<string, ScopeAuthority & { seq: number }>();
  for (const { authorisation: a, seq } of state.authorisations.values()) {
    authorities.set(scopeKey(a), { id: a.id, status: a.status, ...(a.conditions ? { conditions: a.conditions } : {}), seq });
  }
  const matches = (s: Scope) =>
    'entity' in s &&
    (!q.entity || s.entity === q.entity) &&
    (!q.service || s.service === q.service) &&
    (!q.jurisdiction || s.jurisdiction === q.jurisdiction);

  const answer: {
    identity: string;
    status: string;
    scopes: string[];
    record_seq: number;
    status_seq: number;
    authorisation_seqs: number[];
  }[] = [];
  for (const [id, { identity, record_seq: recordSeq, status_seq: statusSeq }] of state.identities) {
    if (identity.status !== 'active' || !identity.actions.includes(q.action) || !identity.scopes.some(matches)) continue;
    const decision = decidePower(identity, ((s: Scope) => authorities.get(scopeKey(s))) as AuthorityLookup, rules, vocabulary);
    const lawfulIn = decision.scopes.filter((s) => matches(s.scope) && s.verdicts.some((v) => v.action === q.action && v.lawful));
    if (!lawfulIn.length) continue;
    answer.push({
      identity: id,
      status: identity.status,
      scopes: lawfulIn.map((s) => scopeKey(s.scope)),
      record_seq: recordSeq,
      status_seq: statusSeq,
      authorisation_seqs: [
        ...new Set(lawfulIn.map((s) => authorities.get(scopeKey(s.scope))?.seq).filter((x): x is number => x !== undefined)),
      ],
    });
  }
  answer.sort((a, b) => (a.identity < b.identity ? -1 : 1));

  // The proof: a checkpoint that covers every cited event, and each cited event's inclusion in it.
  const cited = [
    ...new Set(answer.flatMap((a) => [a.record_seq, a.status_seq, ...a.authorisation_seqs]).concat(rulesSeq ? [rulesSeq] : [])),
  ].sort((a, b) => a - b);
  const checkpoint = await ledger.checkpoint();
  const maxProofs = q.maxProofs ?? 1000;
  const proofs = await ledger.inclusions(cited.slice(0, maxProofs), checkpoint.size);
  return {
    at: iso,
    as_of_seq: maxSeq,
    question: { action: q.action, entity: q.entity ?? null, service: q.service ?? null, jurisdiction: q.jurisdiction ?? null },
    rules: { version_seq: rulesSeq || null, id: rules.id },
    identities: answer,
    evidence: {
      checkpoint: { size: checkpoint.size, note: checkpoint.note },
      cited_events: cited.length,
      proofs,
      proofs_omitted: Math.max(0, cited.length - maxProofs),
    },
  };
}
