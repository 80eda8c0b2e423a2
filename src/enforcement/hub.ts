// The enforcement hub: keeps the snapshot enforcement points need and pushes what changes. It
// follows the ledger rather than in-memory notifications: after each commit, when another server
// on the same PostgreSQL announces one (LISTEN/NOTIFY: server/changes.ts calls `notified`), and on
// a safety poll, it reads the events past the last position it published and turns them into one
// delta. What it publishes is therefore
// exactly what was committed, in commit order, and a subscriber that misses a delta sees the gap
// (`from` ≠ its position) and takes a fresh snapshot.
import type { EnforcementDelta, EnforcementSnapshot } from '@mandate/sdk/snapshot';
import type { LifecycleRuleSet, ProductEntry, ProductRuleSet } from '@mandate/sdk/decision';
import { expandTransition, productAuthority } from '../core/cascade.js';
import type { Authorisation } from '../core/model.js';
import type { AuthorisationStatus } from '../core/vocabulary.js';
import { DEFAULT_ACTIONS } from '../core/vocabulary.js';
import { getAllRecords, getCustomActions } from '../state/records.js';
import type { PolicyService } from '../policy/store.js';
import type { LifecycleRulesStore } from '../state/lifecycle-rules.js';
import { placeholders, type Database } from '../store/db.js';
import { allGenerations } from '../state/generations.js';
import { activeGrants, type GrantEntry } from '../state/grants.js';
import { currentProductRules } from '../state/product-rules.js';
import { productAuthorities } from '../state/products.js';

/** Events that change what enforcement points must know, and what each changes. */
const WATCHED: Record<
  string,
  | 'authorisation'
  | 'product'
  | 'product_report'
  | 'product_lifecycle'
  | 'generation'
  | 'generations'
  | 'revoked'
  | 'policies'
  | 'lifecycle'
  | 'actions'
  | 'grant'
  | 'grant_end'
> = {
  'authorisation.created': 'authorisation',
  'authorisation.updated': 'authorisation',
  'authorisation.status_changed': 'authorisation',
  // Products (CRA): their status, and whether an actively exploited vulnerability is open.
  'product.created': 'product',
  'product.updated': 'product',
  'product.status_changed': 'product',
  'cra_report.opened': 'product_report',
  'cra_report.closed': 'product_report',
  'product_lifecycle_rules.published': 'product_lifecycle',
  'identity.status_changed': 'generation',
  'identity.updated': 'generation',
  'identity.suspended': 'generation',
  'identity.narrowed': 'generation',
  'identity.restored': 'generation',
  'identity.tokens_revoked': 'generation',
  'credential.revoked': 'generation',
  'issuer.untrusted': 'generations',
  'import.applied': 'generations',
  'token.revoked': 'revoked',
  'policies.published': 'policies',
  'lifecycle_rules.published': 'lifecycle',
  'action.defined': 'actions',
  'grant.activated': 'grant',
  'grant.ended': 'grant_end',
  'break_glass.resealed': 'generation',
};
const WATCHED_ACTIONS = Object.keys(WATCHED);

export type Subscriber = (delta: EnforcementDelta) => void;

/** States that take power away: published provisionally as soon as their transition is approved and due. */
const RESTRICTING: readonly AuthorisationStatus[] = ['restricted', 'suspended', 'withdrawn', 'wind_down', 'closed'];

function authorisationEntry(a: Authorisation): EnforcementSnapshot['authorisations'][number] {
  return {
    id: a.id,
    entity: a.entity,
    service: a.service,
    jurisdiction: a.jurisdiction,
    status: a.status,
    ...(a.conditions?.denied_actions ? { denied_actions: a.conditions.denied_actions } : {}),
  };
}

/** Every product as enforcement points need it (by id), with the exploited flag. */
async function productEntries(db: Database, only?: ReadonlySet<string>): Promise<ProductEntry[]> {
  const { products, exploited } = await productAuthorities(db);
  return [...products.values()].filter((p) => !only || only.has(p.id)).map((p) => productAuthority(p, exploited.has(p.id)));
}

export interface HubDeps {
  db: Database;
  clock: () => Date;
  policies: Pick<PolicyService, 'current'>;
  lifecycleRules: Pick<LifecycleRulesStore, 'current'>;
  /** Mandate's token issuer, which enforcement points trust. */
  issuer: () => string;
  /**
   * The safety poll (default 250 ms): for notifications lost, and for restrictions that become due
   * with no commit. With LISTEN/NOTIFY between servers it can be slow (MANDATE_CHANGES_POLL_MS).
   */
  pollMs?: number;
}

export function enforcementHub({ db, clock, policies, lifecycleRules, issuer, pollMs: defaultPollMs = 250 }: HubDeps) {
  let seq = 0;
  let started = false;
  const subscribers = new Set<Subscriber>();
  let running: Promise<void> | undefined;
  let again = false;
  let poller: NodeJS.Timeout | undefined;
  let provisionalJson = '[]';

  /** Approved, due restrictions not yet applied, with the passports that follow their home. */
  async function provisional(all?: Map<string, Authorisation>): Promise<EnforcementSnapshot['provisional']> {
    const due = await db.all<{ authorisations: string; to_status: string; conditions: string | null }>(
      "SELECT authorisations, to_status, conditions FROM transitions WHERE status = 'approved' AND effective_at <= ? ORDER BY " +
        'effective_at, id',
      [clock().toISOString()],
    );
    if (due.length === 0) return [];
    const auths = all ?? (await getAllRecords(db, 'authorisation'));
    const out = new Map<string, EnforcementSnapshot['provisional'][number]>();
    for (const t of due) {
      const to = t.to_status as AuthorisationStatus;
      if (!RESTRICTING.includes(to)) continue;
      const named = (JSON.parse(t.authorisations) as string[])
        .map((id) => auths.get(id))
        .filter((a): a is Authorisation => a !== undefined);
      const denied = t.conditions ? (JSON.parse(t.conditions) as { denied_actions?: string[] }).denied_actions : undefined;
      for (const m of expandTransition(named, [...auths.values()], to)) {
        out.set(m.authorisation.id, {
          ...authorisationEntry(m.authorisation),
          status: to,
          ...(to === 'restricted' && denied ? { denied_actions: denied } : {}),
        });
      }
    }
    return [...out.values()];
  }

  async function productLifecycle(): Promise<EnforcementSnapshot['productLifecycle']> {
    const r = await currentProductRules(db);
    return { version: r.version, rules: r.rules as unknown as ProductRuleSet };
  }

  async function lastSeq(): Promise<number> {
    const [row] = await db.all<{ last: number | null }>('SELECT MAX(seq) AS last FROM events');
    return Number(row?.last ?? 0);
  }

  async function snapshot(): Promise<EnforcementSnapshot> {
    // The position first: anything committed after it reaches the subscriber as a delta, so the
    // snapshot may be newer than its seq but never older.
    const at = await lastSeq();
    const [p, r, custom, auths, generations, revoked, grants] = await Promise.all([
      policies.current(),
      lifecycleRules.current(),
      getCustomActions(db),
      getAllRecords(db, 'authorisation'),
      allGenerations(db),
      db.all<{ jti: string; expires_at: number }>('SELECT jti, expires_at FROM revoked_tokens'),
      activeGrants(db, clock().toISOString()),
    ]);
    return {
      seq: at,
      issuer: issuer(),
      policies: { version: p.version, items: p.policies },
      lifecycle: { version: r.version, rules: r.rules as unknown as LifecycleRuleSet },
      actions: [...DEFAULT_ACTIONS, ...custom].map((a) => ({ id: a.id, class: a.class })),
      authorisations: [...auths.values()].map(authorisationEntry),
      products: await productEntries(db),
      productLifecycle: await productLifecycle(),
      provisional: await provisional(auths),
      generations,
      revoked: revoked.map((t) => ({ jti: t.jti, exp: Number(t.expires_at) })),
      grants,
    };
  }

  async function catchUp(): Promise<void> {
    const end = await lastSeq();
    if (end <= seq) {
      // No new events, but time passes: a scheduled restriction may have become due.
      const prov = await provisional();
      const provJson = JSON.stringify(prov);
      if (provJson === provisionalJson) return;
      provisionalJson = provJson;
      const delta: EnforcementDelta = { from: seq, seq, at: Date.now(), provisional: prov };
      for (const s of subscribers) s(delta);
      return;
    }
    const events = await db.all<{ seq: number; action: string; subject_id: string; after_doc: string | null }>(
      'SELECT seq, action, subject_id, after_doc FROM events WHERE seq > ? AND seq <= ? AND action IN (' +
        `${placeholders(WATCHED_ACTIONS.length)}) ORDER BY seq`,
      [seq, end, ...WATCHED_ACTIONS],
    );
    const delta: EnforcementDelta = { from: seq, seq: end, at: 0 };
    const auths = new Set<string>();
    const products = new Set<string>();
    const gens = new Set<string>();
    let allGens = false;
    for (const e of events) {
      const what = WATCHED[e.action];
      if (what === 'authorisation') auths.add(e.subject_id);
      else if (what === 'product') products.add(e.subject_id);
      else if (what === 'product_report') {
        const after = JSON.parse(e.after_doc ?? '{}') as { product?: string };
        if (after.product) products.add(after.product);
      } else if (what === 'product_lifecycle') delta.productLifecycle = await productLifecycle();
      else if (what === 'generation') gens.add(e.subject_id);
      else if (what === 'generations') allGens = true;
      else if (what === 'grant' || what === 'grant_end') {
        const after = JSON.parse(e.after_doc ?? '{}') as GrantEntry & { end?: string };
        delta.grants ??= { upsert: [], removed: [] };
        if (what === 'grant') delta.grants.upsert.push(after);
        else {
          delta.grants.removed.push(after.id);
          // A cut grant moves its identity's token generation (tokens carrying it stop too).
          if (after.end !== 'expired') gens.add(after.identity);
        }
      } else if (what === 'revoked') {
        const after = JSON.parse(e.after_doc ?? '{}') as { jti?: string; expires_at?: number };
        if (after.jti) (delta.revoked ??= []).push({ jti: after.jti, exp: Number(after.expires_at ?? 0) });
      } else if (what === 'policies') {
        const p = await policies.current();
        delta.policies = { version: p.version, items: p.policies };
      } else if (what === 'lifecycle') {
        const r = await lifecycleRules.current();
        delta.lifecycle = { version: r.version, rules: r.rules as unknown as LifecycleRuleSet };
      } else if (what === 'actions') {
        delta.actions = [...DEFAULT_ACTIONS, ...(await getCustomActions(db))].map((a) => ({ id: a.id, class: a.class }));
      }
    }
    if (auths.size) {
      const all = await getAllRecords(db, 'authorisation');
      delta.authorisations = [...auths]
        .map((id) => all.get(id))
        .filter((a): a is Authorisation => a !== undefined)
        .map(authorisationEntry);
    }
    if (products.size) delta.products = await productEntries(db, products);
    if (allGens) delta.generations = await allGenerations(db);
    else if (gens.size) {
      const ids = [...gens];
      delta.generations = {};
      for (let i = 0; i < ids.length; i += 5000) {
        const chunk = ids.slice(i, i + 5000);
        for (const r of await db.all<{ identity_id: string; generation: number }>(
          `SELECT identity_id, generation FROM token_generations WHERE identity_id IN (${placeholders(chunk.length)})`,
          chunk,
        ))
          delta.generations[r.identity_id] = Number(r.generation);
      }
    }
    const prov = await provisional();
    const provJson = JSON.stringify(prov);
    if (provJson !== provisionalJson) {
      delta.provisional = prov;
      provisionalJson = provJson;
    }
    seq = end;
    delta.at = Date.now();
    for (const s of subscribers) s(delta);
  }

  /** Runs catch-up now, or once more after the one running (never two at once). */
  function kick(): Promise<void> {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        await catchUp();
      } while (again);
    })().finally(() => (running = undefined));
    return running;
  }

  return {
    snapshot,
    kick,
    /** Another server committed a change: catch up now (when following; before start there is nothing to push). */
    notified(): void {
      if (poller) void kick().catch(() => undefined);
    },
    async start(pollMs = defaultPollMs): Promise<void> {
      if (started) return;
      started = true;
      seq = await lastSeq();
      poller = setInterval(() => void kick().catch(() => undefined), pollMs);
      poller.unref();
    },
    stop(): void {
      if (poller) clearInterval(poller);
      subscribers.clear();
    },
    subscribe(fn: Subscriber): () => void {
      subscribers.add(fn);
      return () => subscribers.delete(fn);
    },
    get position(): number {
      return seq;
    },
    /** How many follow this hub now (streams, NATS publisher, the server's own decision point). */
    get subscriberCount(): number {
      return subscribers.size;
    },
  };
}
export type EnforcementHub = ReturnType<typeof enforcementHub>;
