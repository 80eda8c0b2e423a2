// Proof that a switch-off holds where the credential lives. A connector's "done" says a command
// ran; it does not say the account can no longer log in (another admin re-enabled it, the
// connector disabled one of two accounts, a session survived). So after every delivery a
// discovery source can see, that source reads the system again, and Mandate records, per
// delivery, what the system itself now says: `connector.verified` with the verdict. A switch-off
// that did not hold is also drift (`revocation_not_effective`, critical) in the run's results,
// and so an open finding at the next control checks.
import { appendEvents } from '../ledger/log.js';
import { placeholders, type Database } from '../store/db.js';
import type { OutboxRow } from '../delivery/deliverer.js';
import type { AccountView, DiscoveryService, RunView } from './service.js';

/** What the system said after a delivery: the account's login as discovery observed it. */
export type Verdict = 'effective' | 'not_effective' | 'unverified';

export interface Verification {
  outbox: string;
  identity: string;
  connector: string;
  target: string;
  action: 'disable' | 'enable';
  verdict: Verdict;
  /** Whether any observed account of the identity can log in; null when no complete read saw it. */
  can_login: boolean | null;
  observed: { source: string; run: string; native_id: string; enabled: boolean; can_login: boolean }[];
  runs: { source: string; run: string; status: RunView['status']; complete: boolean; error: string | null }[];
}

type Pending = Pick<OutboxRow, 'id' | 'identity_id' | 'channel' | 'target' | 'action' | 'delivered_at'>;

/** The verdict for one delivery, from the accounts observed for its identity and the runs that read them (pure). */
export function verdictOf(row: Pending, accounts: AccountView[], runs: Verification['runs']): Omit<Verification, 'runs'> {
  const observed = accounts.flatMap((a) =>
    a.account
      ? [
          {
            source: a.source,
            run: runs.find((r) => r.source === a.source)?.run ?? '',
            native_id: a.native_id,
            enabled: a.account.enabled,
            can_login: a.account.can_login,
          },
        ]
      : [],
  );
  const allRead = runs.length > 0 && runs.every((r) => r.status === 'succeeded' && r.complete);
  // No account seen: on complete reads it does not exist (nobody logs in with it); otherwise we do not know.
  const canLogin = observed.length ? observed.some((o) => o.can_login) : allRead ? false : null;
  const wanted = row.action !== 'disable';
  const verdict: Verdict = canLogin === null ? 'unverified' : canLogin === wanted ? 'effective' : 'not_effective';
  return {
    outbox: row.id,
    identity: row.identity_id,
    connector: row.channel,
    target: row.target,
    action: row.action as 'disable' | 'enable',
    verdict,
    can_login: canLogin,
    observed,
  };
}

/**
 * Verifies delivered switch-offs and switch-ons: `verify()` reads, once, every source that covers a
 * connector with unverified deliveries made since the source was added, then records a verdict
 * per delivery. `kick()` asks for a pass soon (a burst of deliveries is one pass); `stop()` waits
 * for the pass under way.
 */
export interface VerifierDeps {
  db: Database;
  clock: () => Date;
  discovery: Pick<DiscoveryService, 'accounts' | 'listSources' | 'run'>;
  /** How long a burst of deliveries is gathered into one pass (default 100 ms). */
  debounceMs?: number;
  onError?: (err: unknown) => void;
}

export function deliveryVerifier({ db, clock, discovery, ...opts }: VerifierDeps) {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<Verification[]> | undefined;
  let again = false;
  let stopped = false;

  async function pass(): Promise<Verification[]> {
    const sources = await discovery.listSources();
    if (!sources.length) return [];
    // Per connector, from when the first source that reads its system was added: a delivery made
    // before any source could see it is not discovery's to prove (and must not clog the queue).
    const since = new Map<string, string>();
    for (const s of sources) for (const c of s.covers) if (!since.has(c) || s.created_at < since.get(c)!) since.set(c, s.created_at);
    const byChannel = [...since].map(() => '(channel = ? AND delivered_at >= ?)').join(' OR ');
    const due = await db.all<Pending>(
      `SELECT id, identity_id, channel, target, action, delivered_at FROM outbox
       WHERE status = 'delivered' AND verified_at IS NULL AND action IN ('disable', 'enable') AND (${byChannel})
       ORDER BY delivered_at, id LIMIT 1000`,
      [...since].flat(),
    );
    const covering = (r: Pending) => sources.filter((s) => s.covers.includes(r.channel) && s.created_at <= r.delivered_at!);
    if (!due.length) return [];
    const runs = new Map<string, RunView>();
    for (const id of new Set(due.flatMap((r) => covering(r).map((s) => s.id)))) {
      const outboxIds = due.filter((r) => covering(r).some((s) => s.id === id)).map((r) => r.id);
      runs.set(
        id,
        await discovery.run(
          'mandate:verifier',
          id,
          `verifying ${outboxIds.length} connector deliver${outboxIds.length === 1 ? 'y' : 'ies'} (${outboxIds.slice(0, 5).join(', ')}` +
            `${outboxIds.length > 5 ? ', …' : ''})`,
        ),
      );
    }
    const out: Verification[] = [];
    for (const r of due) {
      const mine = covering(r).map((s) => runs.get(s.id)!);
      const sourceIds = new Set(mine.map((m) => m.source));
      const accounts = (await discovery.accounts({ identity: r.identity_id, limit: 100 })).filter((a) => sourceIds.has(a.source));
      const runInfo = mine.map((m) => ({ source: m.source, run: m.id, status: m.status, complete: m.complete, error: m.error }));
      out.push({ ...verdictOf(r, accounts, runInfo), runs: runInfo });
    }
    const at = clock().toISOString();
    await db.transaction(async (tx) => {
      await tx.run(`UPDATE outbox SET verified_at = ? WHERE id IN (${placeholders(out.length)})`, [at, ...out.map((v) => v.outbox)]);
      await appendEvents(
        tx,
        at,
        out.map((v) => ({
          actor: 'mandate:verifier',
          action: 'connector.verified',
          subject: { type: 'identity', id: v.identity },
          after: v,
          reason:
            `${v.action} of ${v.connector}:${v.target} ` +
            `${v.verdict === 'effective' ? 'holds' : v.verdict === 'not_effective' ? 'does NOT hold' : 'could not be verified'} ` +
            `(outbox ${v.outbox})`,
        })),
      );
    });
    return out;
  }

  async function loop(): Promise<Verification[]> {
    const all: Verification[] = [];
    do {
      again = false;
      all.push(...(await pass()));
    } while (again && !stopped);
    return all;
  }

  return {
    /** One pass now (or joins the one under way); answers the verdicts recorded. */
    verify(): Promise<Verification[]> {
      if (running) {
        again = true;
        return running;
      }
      running = loop().finally(() => (running = undefined));
      return running;
    },
    /** A pass soon: deliveries come in bursts (a cascade), and one read of a source proves them all. */
    kick(): void {
      if (stopped) return;
      clearTimeout(timer);
      timer = setTimeout(() => void this.verify().catch((err) => opts.onError?.(err)), opts.debounceMs ?? 100);
      timer.unref();
    },
    async stop(): Promise<void> {
      stopped = true;
      clearTimeout(timer);
      await running?.catch(() => undefined);
    },
  };
}
export type DeliveryVerifier = ReturnType<typeof deliveryVerifier>;
