// Changes to the firm's Cedar policies and lifecycle rules wait for approval like everything
// else that changes what identities may do. A change is checked when it is asked for (a policy
// set that does not validate is refused at once), held as a change request, and published in
// the transaction of its deciding approval, checked again, on top of the version it was based on.
import { randomBytes } from 'node:crypto';
import { MandateError } from '../core/errors.js';
import type { LifecycleRules, ProductLifecycleRules } from '../core/lifecycle.js';
import { appendEvents } from '../ledger/log.js';
import type { PolicyService } from '../policy/store.js';
import { refreshPower } from '../state/power.js';
import type { LifecycleRulesStore } from '../state/lifecycle-rules.js';
import { checkProductRulesDoc, currentProductRules, pushProductRules } from '../state/product-rules.js';
import type { Database, Sql } from '../store/db.js';
import type { Approval, ApprovalEngine } from '../state/approvals.js';

export type ChangeKind = 'policy_change' | 'lifecycle_rules_change';

export interface ChangeRequest {
  id: string;
  kind: ChangeKind;
  requester: string;
  status: 'pending' | 'applied' | 'rejected' | 'expired' | 'cancelled';
  /** The version the change was based on; it is published only on top of it. */
  base_version: number;
  /** What it publishes: the policy text, or the rules document. */
  change: { text: string } | { rules: LifecycleRules } | { rules: ProductLifecycleRules; regime: 'cra' };
  result: { version: number } | null;
  approval: Approval | undefined;
  created_at: string;
}

interface Row {
  id: string;
  kind: string;
  doc: string;
  requester: string;
  status: string;
  result: string | null;
  created_at: string;
}

export interface ChangeRequestDeps {
  db: Database;
  clock: () => Date;
  approvals: Pick<ApprovalEngine, 'get' | 'open' | 'register'>;
  policies: Pick<PolicyService, 'current' | 'publishIn' | 'validate'>;
  lifecycleRules: Pick<LifecycleRulesStore, 'check' | 'current' | 'pushIn'>;
  /** CAEP receivers a change of stored power is signalled to (new lifecycle rules recompute everyone). */
  caepReceivers?: readonly string[];
}

export function changeRequestService({ db, clock, approvals, policies, lifecycleRules, caepReceivers: receivers = [] }: ChangeRequestDeps) {
  async function load(sql: Sql, id: string): Promise<ChangeRequest | undefined> {
    const [r] = await sql.all<Row>('SELECT * FROM change_requests WHERE id = ?', [id]);
    if (!r) return undefined;
    const doc = JSON.parse(r.doc) as { base_version: number; change: ChangeRequest['change'] };
    const [a] = await sql.all<{ id: string }>('SELECT id FROM approvals WHERE subject_id = ? AND kind = ?', [id, r.kind]);
    return {
      id: r.id,
      kind: r.kind as ChangeKind,
      requester: r.requester,
      status: r.status as ChangeRequest['status'],
      base_version: doc.base_version,
      change: doc.change,
      result: r.result ? (JSON.parse(r.result) as { version: number }) : null,
      approval: a ? await approvals.get(a.id, sql) : undefined,
      created_at: r.created_at,
    };
  }

  async function open(
    actor: string,
    kind: ChangeKind,
    base: number,
    change: ChangeRequest['change'],
    summary: string,
  ): Promise<ChangeRequest> {
    const id = `cr_${randomBytes(8).toString('hex')}`;
    const at = clock().toISOString();
    await db.transaction(async (tx) => {
      await tx.run('INSERT INTO change_requests (id, kind, doc, requester, status, created_at) VALUES (?, ?, ?, ?, ?, ?)', [
        id,
        kind,
        JSON.stringify({ base_version: base, change }),
        actor,
        'pending',
        at,
      ]);
      await approvals.open(
        tx,
        {
          kind,
          subject: { type: 'change_request', id },
          requester: actor,
          summary,
          detail: { base_version: base },
          risk: { capability: 'execute' },
        },
        at,
      );
      await appendEvents(tx, at, [
        { actor, action: 'change.requested', subject: { type: 'change_request', id }, after: { kind, base_version: base, ...change } },
      ]);
    });
    return (await load(db, id))!;
  }

  const settle = (status: ChangeRequest['status']) => async (tx: Sql, a: Approval) => {
    await tx.run('UPDATE change_requests SET status = ? WHERE id = ?', [status, a.subject.id]);
    return [];
  };

  approvals.register('policy_change', {
    async approved(tx, a, at) {
      const cr = (await load(tx, a.subject.id))!;
      const text = (cr.change as { text: string }).text;
      // Checked again: the action vocabulary (and so the schema) may have moved since the request.
      const checked = await policies.validate(text);
      const version = await policies
        .publishIn(
          tx,
          cr.requester,
          text,
          checked,
          at,
          cr.base_version,
          `change ${cr.id} approved by ${a.votes.map((v) => v.voter).join(', ')}`,
        )
        .catch((err: unknown) => {
          if (err instanceof MandateError && err.code === 'PRECONDITION_FAILED')
            throw new MandateError(
              'PRECONDITION_FAILED',
              `the policies changed since change ${cr.id} was asked for (it was based on ` +
                `version ${cr.base_version}): ask again on top of the current version`,
            );
          throw err;
        });
      await tx.run("UPDATE change_requests SET status = 'applied', result = ? WHERE id = ?", [JSON.stringify({ version }), cr.id]);
      return [];
    },
    rejected: settle('rejected'),
    expired: settle('expired'),
  });

  approvals.register('lifecycle_rules_change', {
    async approved(tx, a, at) {
      const cr = (await load(tx, a.subject.id))!;
      // Product rules (CRA) are versioned apart from the MiCA rules, and published the same way.
      const cra = (cr.change as { regime?: string }).regime === 'cra';
      const current = cra ? await currentProductRules(tx) : await lifecycleRules.current(tx);
      if (current.version !== cr.base_version)
        throw new MandateError(
          'PRECONDITION_FAILED',
          `the ${cra ? 'product ' : ''}lifecycle rules changed since change ${cr.id} was asked for (based on ` +
            `version ${cr.base_version}, now ${current.version}): ask again`,
        );
      const why = `change ${cr.id} approved by ${a.votes.map((v) => v.voter).join(', ')}`;
      const pushed = cra
        ? await pushProductRules(tx, cr.requester, (cr.change as { rules: ProductLifecycleRules }).rules, at, why)
        : await lifecycleRules.pushIn(tx, cr.requester, (cr.change as { rules: LifecycleRules }).rules, at, why);
      await tx.run("UPDATE change_requests SET status = 'applied', result = ? WHERE id = ?", [
        JSON.stringify({ version: pushed.version }),
        cr.id,
      ]);
      // New rules change what is lawful for everyone: every identity's stored power is recomputed
      // under them in this same transaction, and what changed is recorded (the events returned)
      // and pushed (connector and CAEP rows; enforcement points follow the events).
      const refreshed = await refreshPower(tx, {
        identityIds: 'all',
        actor: cr.requester,
        why: `${cra ? 'product ' : ''}lifecycle rules version ${pushed.version} published (change ${cr.id})`,
        key: cr.id,
        at,
        receivers,
      });
      return refreshed.events;
    },
    rejected: settle('rejected'),
    expired: settle('expired'),
  });

  return {
    get: (id: string) => load(db, id),

    /** Asks to publish a new policy set: validated now, published once approved. */
    async requestPolicies(actor: string, text: string, expectVersion?: number): Promise<ChangeRequest> {
      const checked = await policies.validate(text);
      const current = await policies.current();
      if (expectVersion !== undefined && current.version !== expectVersion)
        throw new MandateError('PRECONDITION_FAILED', `policies are at version ${current.version}, not ${expectVersion}`, {
          field: 'If-Match',
        });
      return open(
        actor,
        'policy_change',
        current.version,
        { text },
        `${actor} asks to publish policies ${checked.map((p) => p.id).join(', ')} on top of version ${current.version}`,
      );
    },

    /** Asks to publish new lifecycle rules: checked now, published once approved. */
    async requestRules(actor: string, doc: unknown): Promise<ChangeRequest> {
      if ((doc as { regime?: unknown } | null)?.regime === 'cra') {
        const rules = checkProductRulesDoc(doc);
        const base = await currentProductRules(db);
        return open(
          actor,
          'lifecycle_rules_change',
          base.version,
          { rules, regime: 'cra' },
          `${actor} asks to publish product lifecycle rules ${rules.id} on top of version ${base.version}`,
        );
      }
      const checked = lifecycleRules.check(doc);
      const current = await lifecycleRules.current();
      return open(
        actor,
        'lifecycle_rules_change',
        current.version,
        { rules: checked },
        `${actor} asks to publish lifecycle rules ${checked.id} on top of version ${current.version}`,
      );
    },
  };
}
export type ChangeRequestService = ReturnType<typeof changeRequestService>;
