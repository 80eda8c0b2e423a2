// What other servers on the same PostgreSQL committed, as it happens: the store adapter NOTIFYs
// `mandate_changes` after each commit that changed state or queued deliveries (store/postgres.ts),
// and each server LISTENs on a connection of its own. A notification is a hint, never the data:
// the hub still reads the ledger past its position, so a lost or repeated one is harmless, and a
// slow safety poll (the hub's) covers notifications lost while the connection was down.
import type pg from 'pg';
import { CHANGES_CHANNEL, parseChangeNotice, type ChangeNotice } from '../store/postgres.js';

export type { ChangeNotice } from '../store/postgres.js';

export interface ChangeFeed {
  stop(): Promise<void>;
}

export interface ChangeFeedOptions {
  url: string;
  /** A notification; after a reconnect, one with `actions: null` (anything may have changed meanwhile). */
  onNotice(notice: ChangeNotice): void;
  log?: { warn(obj: object, msg: string): void };
  /** The first reconnect delay, doubled up to maxBackoffMs (default 100 ms, 5 s). */
  backoffMs?: number;
  maxBackoffMs?: number;
  serverId?: string;
}

/** Listens until stopped, reconnecting with backoff; resolves once the first LISTEN is in place (or failed). */
export async function listenForChanges(opts: ChangeFeedOptions): Promise<ChangeFeed> {
  const { default: pgm } = await import('pg');
  const base = opts.backoffMs ?? 100;
  const max = opts.maxBackoffMs ?? 5000;
  let client: pg.Client | undefined;
  let stopped = false;
  let delay = base;
  let retry: NodeJS.Timeout | undefined;
  let connected = false;

  const drop = (c: pg.Client) => {
    c.removeAllListeners();
    c.on('error', () => undefined);
    void c.end().catch(() => undefined);
  };

  const again = (err: unknown) => {
    if (stopped || retry) return;
    opts.log?.warn({ err, retryInMs: delay }, 'the change notifications connection failed; reconnecting');
    retry = setTimeout(() => {
      retry = undefined;
      void connect();
    }, delay);
    retry.unref();
    delay = Math.min(max, delay * 2);
  };

  async function connect(): Promise<void> {
    const c = new pgm.Client({
      connectionString: opts.url,
      application_name: `mandate listen ${opts.serverId ?? ''}`.trim().slice(0, 63),
      keepAlive: true,
    });
    const failed = (err: unknown) => {
      if (client !== c) return;
      client = undefined;
      drop(c);
      again(err);
    };
    client = c;
    c.on('error', failed);
    c.on('end', () => failed(new Error('connection ended')));
    c.on('notification', (n) => {
      if (n.channel === CHANGES_CHANNEL) opts.onNotice(parseChangeNotice(n.payload));
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${CHANGES_CHANNEL}`);
    } catch (err) {
      failed(err);
      return;
    }
    if (stopped) return drop(c);
    delay = base;
    // What was committed while no connection listened is unknown: catch up on everything.
    if (connected) opts.onNotice({ seq: null, actions: null, outbox: 0 });
    connected = true;
  }

  await connect();
  return {
    async stop() {
      stopped = true;
      clearTimeout(retry);
      const c = client;
      client = undefined;
      if (c) {
        c.removeAllListeners();
        c.on('error', () => undefined);
        await c.end().catch(() => undefined);
      }
    },
  };
}
