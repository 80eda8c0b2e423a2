// Leader election among the servers that share one PostgreSQL: the background jobs (scheduler,
// outbox deliverer, checks, discovery, checkpoints) run on one server at a time (server/jobs.ts).
//
// The leader holds a session-level advisory lock on a connection of its own (not the pool): the
// lock lives exactly as long as that session. A killed leader's session ends with its socket, so a
// follower, trying every `retryMs`, takes over within about that. A paused leader (SIGSTOP) keeps
// its socket, so the session is also given idle_session_timeout = `leaseMs`: the leader pings it
// every `retryMs`, and a leader that stops pinging loses the lock after `leaseMs`. Each new leader
// increments the lease's epoch, the fencing token its writes are checked against
// (store/leadership.ts), so a leader that wakes up after it was replaced changes nothing. The
// leader steps down as soon as its lock connection fails or a fenced write finds a newer epoch.
// On SQLite (one server process) a server is always the leader, at epoch 1.
import { hostname } from 'node:os';
import type pg from 'pg';
import { JOBS_LEASE, takeLease, type Fence } from '../store/leadership.js';
import type { Sql } from '../store/db.js';

export interface LeaderLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface Leadership {
  /** This server's id (MANDATE_SERVER_ID, or host-pid): the lease's holder, /readyz's `server`. */
  readonly serverId: string;
  readonly isLeader: boolean;
  /** The epoch this server leads at, or null when it is not the leader. */
  readonly epoch: number | null;
  /** What leader-only writes check while this server leads on PostgreSQL (undefined otherwise). */
  fence(): Fence | undefined;
  /** Told when this server becomes the leader (true) or stops being it (false). */
  onChange(listener: (leader: boolean) => void): () => void;
  /** Starts electing; resolves once the first attempt is over (leader or not). */
  start(log?: LeaderLog): Promise<void>;
  /** Steps down (if leading) and releases the lock. */
  stop(): Promise<void>;
}

/** MANDATE_SERVER_ID's default: the host name and the process id. */
export function defaultServerId(): string {
  return `${hostname()}-${process.pid}`;
}

/** SQLite, or a server alone: always the leader, at epoch 1, with nothing to fence. */
export function soleLeader(serverId = defaultServerId()): Leadership {
  return {
    serverId,
    isLeader: true,
    epoch: 1,
    fence: () => undefined,
    onChange: () => () => undefined,
    start: async () => undefined,
    stop: async () => undefined,
  };
}

export interface ElectionOptions {
  /** The PostgreSQL URL (the lock needs a connection of its own). */
  url: string;
  serverId?: string;
  /** How often a follower tries the lock and the leader checks its connection (default 1 s). */
  retryMs?: number;
  /** How long a leader that stopped answering (paused) keeps the lock (default 5 s). */
  leaseMs?: number;
  /**
   * How long a fenced transaction may sit idle before PostgreSQL ends it (default twice the lease,
   * at least 10 s): a paused leader's open transaction holds the next leader back this long at
   * most, and a busy leader's long transaction (a large cascade between two statements) is not cut.
   */
  txIdleMs?: number;
  /** Which lease (default 'jobs'). */
  name?: string;
  clock?: () => Date;
}

export function leaderElection(opts: ElectionOptions): Leadership {
  const serverId = opts.serverId ?? defaultServerId();
  const retryMs = opts.retryMs ?? 1000;
  const leaseMs = opts.leaseMs ?? 5000;
  const txIdleMs = opts.txIdleMs ?? Math.max(2 * leaseMs, 10_000);
  const name = opts.name ?? JOBS_LEASE;
  const clock = opts.clock ?? (() => new Date());
  const listeners = new Set<(leader: boolean) => void>();
  let log: LeaderLog | undefined;
  let client: pg.Client | undefined;
  let epoch: number | null = null;
  let current: Fence | undefined;
  let timer: NodeJS.Timeout | undefined;
  let busy: Promise<void> | undefined;
  let stopped = false;

  const emit = (leader: boolean) => {
    for (const l of [...listeners]) l(leader);
  };

  /** Stops leading at once (the jobs stop), and drops the lock connection. */
  function lose(why: string, err?: unknown): void {
    const c = client;
    client = undefined;
    c?.removeAllListeners('error');
    c?.on('error', () => undefined);
    void c?.end().catch(() => undefined);
    if (epoch === null) return;
    log?.warn({ err, epoch, server: serverId }, `leadership lost: ${why}`);
    epoch = null;
    current = undefined;
    emit(false);
  }

  async function connect(): Promise<pg.Client> {
    const { default: pgm } = await import('pg');
    const c = new pgm.Client({ connectionString: opts.url, application_name: `mandate leader ${serverId}`.slice(0, 63) });
    c.on('error', (err) => {
      if (client === c) lose('the lock connection failed', err);
    });
    c.on('end', () => {
      if (client === c) lose('the lock connection ended');
    });
    await c.connect();
    // A session nobody uses for leaseMs is ended by PostgreSQL, its lock with it (a paused leader).
    await c.query(`SET idle_session_timeout = ${Math.floor(leaseMs)}`).catch((err) => {
      log?.warn({ err }, 'idle_session_timeout is not available (PostgreSQL < 14): a paused leader keeps the lock until its socket ends');
    });
    return c;
  }

  const sql = (c: pg.Client): Sql => ({
    dialect: 'postgres',
    all: async <T>(text: string, params: readonly unknown[] = []) => {
      let n = 0;
      return (
        await c.query(
          text.replace(/\?/g, () => `$${++n}`),
          [...params],
        )
      ).rows as T[];
    },
    run: async (text: string, params: readonly unknown[] = []) => {
      let n = 0;
      return (
        (
          await c.query(
            text.replace(/\?/g, () => `$${++n}`),
            [...params],
          )
        ).rowCount ?? 0
      );
    },
  });

  /** One attempt: a follower tries the lock; the leader checks it still has its session. */
  async function attempt(): Promise<void> {
    if (stopped) return;
    if (epoch !== null && client) {
      // The ping must answer well within the lease: a leader that cannot reach its session steps down.
      const c = client;
      let t: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        t = setTimeout(() => reject(new Error(`no answer in ${leaseMs / 2} ms`)), leaseMs / 2);
      });
      try {
        await Promise.race([c.query('SELECT 1'), timeout]);
      } catch (err) {
        if (client === c) lose('the lock connection does not answer', err);
      } finally {
        clearTimeout(t);
      }
      return;
    }
    client ??= await connect();
    const c = client;
    const { rows } = await c.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS ok', [`mandate.leader.${name}`]);
    if (!rows[0]?.ok || stopped || client !== c) return;
    // The new fencing token. This waits for the old leader's fenced transactions still open (they
    // share-lock the row): what they write lands before the new epoch, or not at all.
    const e = await takeLease(sql(c), name, serverId, clock().toISOString());
    if (stopped || client !== c) return;
    epoch = e;
    current = {
      name,
      epoch: e,
      idleMs: txIdleMs,
      onFenced: (now) => {
        if (epoch === e) lose(`a write found the lease at epoch ${now ?? 'none'}`);
      },
      held: () => epoch === e,
    };
    log?.info({ epoch: e, server: serverId }, 'leadership taken');
    emit(true);
  }

  function tick(): Promise<void> {
    busy ??= attempt()
      .catch((err) => {
        if (!stopped) lose('the election failed', err);
        log?.warn({ err }, 'leader election attempt failed');
      })
      .finally(() => (busy = undefined));
    return busy;
  }

  return {
    serverId,
    get isLeader() {
      return epoch !== null;
    },
    get epoch() {
      return epoch;
    },
    fence: () => current,
    onChange(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    async start(l?: LeaderLog) {
      log = l;
      stopped = false;
      timer = setInterval(() => void tick(), retryMs);
      timer.unref();
      await tick();
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      await busy;
      // Ending the session releases the lock: a follower takes over at its next attempt.
      const wasLeader = epoch !== null;
      epoch = null;
      current = undefined;
      const c = client;
      client = undefined;
      if (c) {
        c.removeAllListeners('end');
        c.removeAllListeners('error');
        c.on('error', () => undefined);
        await c.end().catch(() => undefined);
      }
      if (wasLeader) emit(false);
    },
  };
}
