// The jobs: every timer of a running server in one place. Each loop runs one pass at a time (a
// pass can outlast its interval, and overlapping passes would queue up holding store
// connections), logs its failures and goes on; stop() waits for the passes in flight.
import type { FastifyBaseLogger } from 'fastify';
import type { Container } from './container.js';
import { changesState } from './container.js';

export interface JobIntervals {
  /** Due transitions, expiries, ended grants, review campaigns, outbox retries. */
  schedulerIntervalMs: number;
  /** The control checks on a schedule. */
  checksIntervalMs: number;
  /** The control checks again this long after a change (debounced: one run for a burst). */
  checksAfterChangeMs: number;
  /** Signed ledger checkpoints. */
  checkpointIntervalMs: number;
  /** Re-reading the published token-signing keys (another server may rotate them). */
  keyReloadMs?: number;
  /** Sign-in sessions: refreshes due at the provider, timeouts, stale sign-ins (default 30 s). */
  signinHousekeepingMs?: number;
  /** Enforcement heartbeats on NATS, when deltas go there too. */
  heartbeat?: { publish(data: { seq: number; at: number }): void; everyMs?: number };
}

export interface Jobs {
  stop(): Promise<void>;
}

/**
 * Crash recovery first: apply approved transitions whose time has come (a cascade cut short by a
 * crash rolled back whole), expire what ran out and deliver what the outbox still holds; then a
 * signed checkpoint. Run before the server listens.
 */
export async function recover({ services }: Container): Promise<void> {
  await services.regulatory.applyDue();
  await services.approvals.expireDue();
  await services.grants.endDue();
  await services.reviews.tick();
  await services.outbox.drain();
  await services.ledger.checkpoint();
}

export async function startJobs(container: Container, every: JobIntervals, log: FastifyBaseLogger): Promise<Jobs> {
  const { services, db } = container;
  const timers: NodeJS.Timeout[] = [];
  const passes = new Map<string, Promise<unknown>>();
  /** A loop that runs `pass` every `ms`, one pass at a time. */
  const loop = (name: string, ms: number, pass: () => Promise<unknown>, failure: string) => {
    const t = setInterval(() => {
      if (passes.has(name)) return;
      passes.set(
        name,
        pass()
          .catch((err) => log.error({ err }, failure))
          .finally(() => passes.delete(name)),
      );
    }, ms);
    t.unref();
    timers.push(t);
  };
  const checks = (why: string) => void services.compliance.run(why).catch((err) => log.error({ err }, 'control checks failed'));

  loop(
    'scheduler',
    every.schedulerIntervalMs,
    async () => {
      await services.regulatory.applyDue().catch((err) => log.error({ err }, 'applying due transitions failed'));
      // Requests nobody decided in time expire; grants, exceptions and break-glass windows whose time
      // ran out are recorded as ended (decisions stopped using them at their expiry already).
      await services.approvals.expireDue();
      await services.grants.endDue();
      // Recurring access-review campaigns: close the one come due, open the next.
      await services.reviews.tick();
    },
    'expiring approvals and grants failed',
  );
  services.outbox.start(every.schedulerIntervalMs);

  // Control checks: once soon after start (serving does not wait for them), on a schedule, and
  // shortly after every change that could move a finding (one run for a burst).
  const first = setTimeout(() => checks('start'), 1000);
  first.unref();
  timers.push(first);
  loop('checks', every.checksIntervalMs, () => services.compliance.run('schedule'), 'control checks failed');
  let afterChange: NodeJS.Timeout | undefined;
  const checksFollow = (a: string) => changesState(a) && !/^(checks|finding|ledger|evidence|signing_key)\./.test(a);
  const unsubscribe = db.onCommit(({ actions }) => {
    if (!actions.some(checksFollow)) return;
    clearTimeout(afterChange);
    afterChange = setTimeout(() => checks('after a change'), every.checksAfterChangeMs);
    afterChange.unref();
  });

  // Discovery: sources with a schedule run when due, and deliveries missed by the after-delivery
  // pass (a restart in between) are verified. A read can take seconds.
  loop(
    'discovery',
    Math.max(every.schedulerIntervalMs, 10_000),
    async () => {
      await services.discovery.runDue();
      await services.verifier.verify();
    },
    'scheduled discovery failed',
  );
  // Signed checkpoints at an interval (and on demand over the API), so any later rewrite of the
  // log is caught by whoever holds an earlier one.
  loop('checkpoints', every.checkpointIntervalMs, () => services.ledger.checkpoint(), 'signing a checkpoint failed');
  loop(
    'keys',
    every.keyReloadMs ?? 60_000,
    () => Promise.all([services.keys.reload(), services.setKeys.reload()]),
    'reloading signing keys failed',
  );
  // Sign-in sessions: refresh those due at the provider (roles follow the groups; a person the
  // provider no longer signs in loses access), end those past their timeouts, drop stale sign-ins.
  const { signin } = services;
  if (signin) loop('signin', every.signinHousekeepingMs ?? 30_000, () => signin.housekeeping(), 'sign-in housekeeping failed');
  if (every.heartbeat) {
    // Heartbeats carry the position, so NATS subscribers notice a missed delta and know their state is fresh.
    const { publish } = every.heartbeat;
    await services.enforcementReady();
    const hb = setInterval(() => publish({ seq: services.hub.position, at: Date.now() }), every.heartbeat.everyMs ?? 1000);
    hb.unref();
    timers.push(hb);
  }

  return {
    async stop() {
      unsubscribe();
      clearTimeout(afterChange);
      for (const t of timers) clearInterval(t);
      await Promise.all(passes.values());
      await services.outbox.stop();
    },
  };
}
