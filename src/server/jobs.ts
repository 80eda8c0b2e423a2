// The jobs: every timer of a running server in one place. Each loop runs one pass at a time (a
// pass can outlast its interval, and overlapping passes would queue up holding store
// connections), logs its failures and goes on; stop() waits for the passes in flight.
//
// Several servers may share one PostgreSQL: the background work that changes state (scheduler,
// outbox deliveries, control checks, discovery, checkpoints, sign-in housekeeping) runs on the
// leader only (server/leader.ts), starts when this server becomes the leader (after a recovery
// pass) and stops when it stops being it. Its passes run as fenced leader work
// (store/leadership.ts): once another server has taken over, they write nothing. Every server
// keeps reloading keys, serving, its own enforcement hub (kicked by the other servers' commit
// notifications: server/changes.ts) and its NATS heartbeats.
import type { FastifyBaseLogger } from 'fastify';
import { asLeader, type Fence } from '../store/leadership.js';
import type { ChangeNotice } from '../store/postgres.js';
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
  /** The PostgreSQL URL to LISTEN on for other servers' commits (when the store is PostgreSQL). */
  changesUrl?: string;
}

export interface Jobs {
  stop(): Promise<void>;
}

/**
 * Crash recovery first: apply approved transitions whose time has come (a cascade cut short by a
 * crash rolled back whole), expire what ran out and deliver what the outbox still holds; then a
 * signed checkpoint. Run by the leader before its jobs start (before the server listens, when it
 * leads from the start).
 */
export async function recover({ services }: Container): Promise<void> {
  await services.regulatory.applyDue();
  await services.approvals.expireDue();
  await services.grants.endDue();
  await services.reviews.tick();
  await services.outbox.drain();
  await services.ledger.checkpoint();
}

/** A loop that runs `pass` every `ms`, one pass at a time; the passes in flight are awaited by `settle`. */
function loops(log: FastifyBaseLogger, fence?: Fence) {
  const timers: NodeJS.Timeout[] = [];
  const passes = new Map<string, Promise<unknown>>();
  return {
    timers,
    loop(name: string, ms: number, pass: () => Promise<unknown>, failure: string) {
      const t = setInterval(() => {
        if (passes.has(name)) return;
        passes.set(
          name,
          asLeader(fence, pass)
            .catch((err) => log.error({ err }, failure))
            .finally(() => passes.delete(name)),
        );
      }, ms);
      t.unref();
      timers.push(t);
    },
    async settle() {
      for (const t of timers) clearInterval(t);
      await Promise.all(passes.values());
    },
  };
}

/** The leader's jobs, started when this server becomes the leader; stop() when it stops being it. */
function startLeaderJobs(container: Container, every: JobIntervals, log: FastifyBaseLogger, fence: Fence | undefined) {
  const { services, db } = container;
  const { timers, loop, settle } = loops(log, fence);
  const checks = (why: string) =>
    void asLeader(fence, () => services.compliance.run(why)).catch((err) => log.error({ err }, 'control checks failed'));

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
  // shortly after every change that could move a finding (one run for a burst), on any server.
  const first = setTimeout(() => checks('start'), 1000);
  first.unref();
  timers.push(first);
  loop('checks', every.checksIntervalMs, () => services.compliance.run('schedule'), 'control checks failed');
  let afterChange: NodeJS.Timeout | undefined;
  const checksFollow = (a: string) => changesState(a) && !/^(checks|finding|ledger|evidence|signing_key)\./.test(a);
  const changed = (actions: readonly string[] | null) => {
    if (actions && !actions.some(checksFollow)) return;
    clearTimeout(afterChange);
    afterChange = setTimeout(() => checks('after a change'), every.checksAfterChangeMs);
    afterChange.unref();
  };
  const unsubscribe = db.onCommit(({ actions }) => changed(actions));

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
  // Sign-in sessions: refresh those due at the provider (roles follow the groups; a person the
  // provider no longer signs in loses access), end those past their timeouts, drop stale sign-ins.
  const { signin } = services;
  if (signin) loop('signin', every.signinHousekeepingMs ?? 30_000, () => signin.housekeeping(), 'sign-in housekeeping failed');

  return {
    /** Another server committed: deliveries it queued, and checks that follow its change. */
    notice(n: ChangeNotice) {
      if (n.outbox > 0 || !n.actions || n.actions.includes('connector.retry_requested'))
        void services.outbox.drain().catch((err) => log.error({ err }, 'outbox delivery failed'));
      changed(n.actions);
    },
    async stop() {
      unsubscribe();
      clearTimeout(afterChange);
      await settle();
      await services.outbox.stop();
    },
  };
}

export async function startJobs(container: Container, every: JobIntervals, log: FastifyBaseLogger): Promise<Jobs> {
  const { services, leadership } = container;
  const { timers, loop, settle } = loops(log);
  let leading: ReturnType<typeof startLeaderJobs> | undefined;
  let stopped = false;

  // Leadership comes and goes: one change at a time, in order.
  let changing: Promise<void> = Promise.resolve();
  const follow = (leader: boolean) => {
    changing = changing
      .then(async () => {
        if (leader && !leading && !stopped && leadership.isLeader) {
          const fence = leadership.fence();
          // What the former leader left (a cascade it did not finish, deliveries in flight) first.
          await asLeader(fence, () => recover(container)).catch((err) => log.error({ err }, 'recovery on taking leadership failed'));
          if (leadership.isLeader && leadership.fence() === fence && !stopped && !leading)
            leading = startLeaderJobs(container, every, log, fence);
        } else if (!leader && leading) {
          const was = leading;
          leading = undefined;
          await was.stop();
        }
      })
      .catch((err) => log.error({ err }, 'changing leadership failed'));
  };
  await leadership.start(log);
  const unfollow = leadership.onChange(follow);
  if (leadership.isLeader) {
    // Leading from the start: recover before the server listens; a failure stops the start.
    const fence = leadership.fence();
    const initial = changing.then(async () => {
      await asLeader(fence, () => recover(container));
      if (leadership.isLeader && leadership.fence() === fence && !leading) leading = startLeaderJobs(container, every, log, fence);
    });
    changing = initial.catch(() => undefined);
    try {
      await initial;
    } catch (err) {
      unfollow();
      await leadership.stop();
      throw err;
    }
  }

  let feed: Awaited<ReturnType<typeof import('./changes.js').listenForChanges>> | undefined;
  const stop = async () => {
    stopped = true;
    unfollow();
    await feed?.stop();
    await settle();
    await changing;
    const was = leading;
    leading = undefined;
    await was?.stop();
    // Releases the lock: another server takes over at its next attempt.
    await leadership.stop();
  };
  try {
    // Other servers' commits: this server's hub catches up at once; the leader delivers what they
    // queued and runs the checks that follow.
    if (every.changesUrl) {
      const { listenForChanges } = await import('./changes.js');
      feed = await listenForChanges({
        url: every.changesUrl,
        serverId: leadership.serverId,
        log,
        onNotice(n) {
          if (!n.actions || n.actions.some(changesState)) services.hub.notified();
          // A key made or rotated on another server: published here at once, not at the next reload.
          if (!n.actions || n.actions.includes('signing_key.rotated'))
            void Promise.all([services.keys.reload(), services.setKeys.reload()]).catch((err) =>
              log.error({ err }, 'reloading keys failed'),
            );
          leading?.notice(n);
        },
      });
    }
    loop(
      'keys',
      every.keyReloadMs ?? 60_000,
      () => Promise.all([services.keys.reload(), services.setKeys.reload()]),
      'reloading signing keys failed',
    );
    if (every.heartbeat) {
      // Heartbeats carry the position, so NATS subscribers notice a missed delta and know their state is fresh.
      const { publish } = every.heartbeat;
      await services.enforcementReady();
      const hb = setInterval(() => publish({ seq: services.hub.position, at: Date.now() }), every.heartbeat.everyMs ?? 1000);
      hb.unref();
      timers.push(hb);
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { stop };
}
