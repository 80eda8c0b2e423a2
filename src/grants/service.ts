// The grants capability: just-in-time access requests (access.ts), the exceptions register
// (exceptions.ts) and break-glass activations (break-glass.ts), each a request to the approval
// engine that once approved becomes a grant (src/state/grants.ts); and, over all three, the grants
// in force and the scheduler's tick that ends them at their expiry. This facade keeps one service
// for the routes and the wiring.
import type { ApprovalEngine } from '../state/approvals.js';
import { appendEvents } from '../ledger/log.js';
import { bumpGenerations } from '../state/generations.js';
import { activeGrants, endGrants } from '../state/grants.js';
import { notify } from '../state/notify.js';
import type { Database } from '../store/db.js';
import { accessRequestService } from './access.js';
import { breakGlassService } from './break-glass.js';
import { exceptionService } from './exceptions.js';
import type { GrantRules } from './shared.js';

export type { AccessRequest } from './access.js';
export type { BreakGlassActivation } from './break-glass.js';
export type { PolicyException } from './exceptions.js';
export type { Requester } from './shared.js';

export interface GrantsDeps {
  db: Database;
  clock: () => Date;
  approvals: Pick<ApprovalEngine, 'register' | 'open' | 'openDecided' | 'get' | 'cancel'>;
  lifecycleRules: GrantRules;
  /** Webhooks told when grants start and end (through the `notify` connector). */
  notificationReceivers?: readonly string[];
}

export function grantsService({ db, clock, approvals, lifecycleRules, notificationReceivers = [] }: GrantsDeps) {
  return {
    ...accessRequestService({ db, clock, approvals, lifecycleRules, notificationReceivers }),
    ...exceptionService({ db, clock, approvals, lifecycleRules }),
    ...breakGlassService({ db, clock, approvals, notificationReceivers }),

    /** Active grants: all (for the enforcement snapshot) or one identity's (for its tokens). */
    active: (identity?: string) => activeGrants(db, clock().toISOString(), identity),

    /**
     * Ends the grants whose time has come (the scheduler's tick): decisions stopped using them at
     * their expiry already; this records it, notifies, and reseals break-glass identities.
     */
    async endDue(): Promise<number> {
      const at = clock().toISOString();
      const due = await db.all<{ id: string; kind: string; identity_id: string }>(
        "SELECT id, kind, identity_id FROM grants WHERE status = 'active' AND expires_at <= ? ORDER BY expires_at, id",
        [at],
      );
      for (const g of due) {
        await db.transaction(async (tx) => {
          const events = await endGrants(tx, [g.id], 'expired', at, 'mandate:scheduler', 'its time ran out');
          if (events.length === 0) return;
          if (g.kind === 'break_glass') {
            // Tokens issued in the window end with it already; moving the generation also stops any a clock skew let through.
            await bumpGenerations(tx, [g.identity_id], at);
            events.push({
              actor: 'mandate:scheduler',
              action: 'break_glass.resealed',
              subject: { type: 'identity', id: g.identity_id },
              after: { activation: g.id },
            });
          }
          if (g.kind === 'exception')
            events.push({
              actor: 'mandate:scheduler',
              action: 'exception.expired',
              subject: { type: 'exception', id: g.id },
              after: { identity: g.identity_id, status: 'expired' },
              reason: 'its expiry passed: close it, or register a new one',
            });
          await appendEvents(tx, at, events);
          await notify(
            tx,
            notificationReceivers,
            {
              type: `${g.kind}.expired`,
              subject: { type: g.kind, id: g.id },
              identity: g.identity_id,
              summary: `${g.kind.replace('_', '-')} ${g.id} of ${g.identity_id} expired`,
            },
            at,
          );
        });
      }
      return due.length;
    },
  };
}
export type GrantsService = ReturnType<typeof grantsService>;
