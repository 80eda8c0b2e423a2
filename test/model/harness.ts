// The real system the model is compared with: a Mandate server on a test store (SQLite or a
// PostgreSQL database of its own), listening on a port and driven over HTTP, with a fake clock the
// test moves, an SDK Enforcer following it over SSE, a trusted workload issuer whose tokens are
// exchanged for identities' Mandate tokens, and the checks run after every command.
import assert from 'node:assert/strict';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { Enforcer } from '@mandate/sdk';
import type { MandateApp } from '../../src/app.js';
import { testApp } from '../support/app.js';
import { testStores, type TestStore } from '../support/stores.js';
import type { Database } from '../../src/store/db.js';
import { classOf, powerSnapshot, type Model, type Recorded } from './model.js';
import {
  ALL_SCOPES,
  bootstrapManifest,
  IDENTITIES,
  isProduct,
  key,
  PRODUCT_RESOURCES,
  SAMPLE_ACTIONS,
  SAMPLE_PRODUCT_ACTIONS,
  type AnyScope,
  USERS,
} from './world.js';

export const START = Date.parse('2026-11-02T09:00:00Z');
const ISSUER = 'https://k8s.model.example';
const PURPOSE = 'model';

export interface Res {
  status: number;
  body: any;
  headers: Headers;
}

/** A discrepancy between the model and the server: the id names it for tolerance lists and reports. */
export class Discrepancy extends Error {
  constructor(
    readonly id: string,
    detail: string,
  ) {
    super(`[${id}] ${detail}`);
    this.name = 'Discrepancy';
  }
}

export interface RealOptions {
  /** Run the findings check every n commands (0: never). */
  findingsEvery?: number;
}

export class Real {
  url = '';
  app!: MandateApp;
  db!: Database;
  store!: TestStore;
  clock = { now: START };
  tokens: Record<string, string> = {};
  enforcer!: Enforcer;
  private key!: { privateKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey']; kid: string };
  /** The last Mandate token issued to each identity (a suspended identity's must stop working). */
  identityTokens = new Map<string, string>();
  /** The ledger position the last check read up to. */
  lastSeq = 0;
  prevPower = new Map<string, { status: string; recorded: string }>();
  /** What each identity could do after the last command: its lawful pairs while active, nothing otherwise. */
  prevHeld = new Map<string, Set<string>>();
  /** Each product's status after the last command. */
  prevProducts = new Map<string, string>();
  steps = 0;
  log: string[] = [];

  constructor(
    readonly storeName: 'sqlite' | 'postgres',
    readonly opts: RealOptions = {},
  ) {}

  async start(model: Model): Promise<void> {
    this.store = testStores().find((s) => s.name === this.storeName)!;
    this.db = await this.store.open();
    const t = await testApp(this.db, () => new Date(this.clock.now));
    this.app = t.app;
    this.tokens.admin = t.admin;
    for (const [user, roles] of Object.entries(USERS)) {
      await this.app.services.users.createUser('test', { id: user, name: user, roles });
      this.tokens[user] = (await this.app.services.users.createToken('test', user, {})).token;
    }
    this.url = await this.app.listen({ host: '127.0.0.1', port: 0 });
    this.app.setIssuer(this.url);
    // The bootstrap: the first manifest into the empty store applies at once.
    const boot = await this.call('carla', 'POST', '/v1/import', bootstrapManifest());
    assert.equal(boot.status, 200, `bootstrap import: ${JSON.stringify(boot.body)}`);
    // A workload platform the server trusts, and each identity's workload bound to it.
    const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
    this.key = { privateKey, kid: 'model-1' };
    const jwk = { ...(await exportJWK(publicKey)), kid: 'model-1', alg: 'EdDSA', use: 'sig' };
    const iss = await this.call('admin', 'POST', '/v1/issuers', {
      id: 'model-k8s',
      issuer: ISSUER,
      audience: 'mandate',
      jwks: { keys: [jwk] },
      algorithms: ['EdDSA'],
    });
    assert.equal(iss.status, 201, JSON.stringify(iss.body));
    for (const i of IDENTITIES) {
      const c = await this.call('admin', 'POST', `/v1/identities/${i.id}/credentials`, {
        type: 'oidc',
        issuer: 'model-k8s',
        subject: `sa:${i.id}`,
      });
      assert.equal(c.status, 201, JSON.stringify(c.body));
    }
    // The decision point loads its state on first need; load it now so every change is followed.
    await this.app.services.enforcementReady();
    this.enforcer = await Enforcer.connect({
      url: this.url,
      apiToken: this.tokens.enf!,
      maxStalenessMs: 120_000,
      now: () => this.clock.now,
      reportEvidence: false,
      connectTimeoutMs: 20_000,
      onError: () => undefined,
    });
    this.prevPower = powerSnapshot(model);
    this.prevProducts = productSnapshot(model);
    this.lastSeq = await this.topSeq();
    await this.check(model, 'bootstrap');
  }

  async stop(): Promise<void> {
    await this.enforcer?.close().catch(() => undefined);
    await this.app?.close().catch(() => undefined);
    await this.store?.cleanup().catch(() => undefined);
  }

  async call(user: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Res> {
    const init: RequestInit = { method, headers: { authorization: `Bearer ${this.tokens[user]}`, ...headers } };
    if (body !== undefined) {
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
      (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
    }
    const res = await fetch(new URL(path, this.url), init);
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON
    }
    return { status: res.status, body: parsed, headers: res.headers };
  }

  /** Moves the fake clock (every command moves it a second, so records are ordered in time). */
  advance(ms: number): void {
    this.clock.now += ms;
  }

  async topSeq(): Promise<number> {
    const r = await this.call('admin', 'GET', '/v1/events?order=desc&limit=1');
    return r.body.items[0]?.seq ?? 0;
  }

  /** The workload's platform token, exchanged for a Mandate token (RFC 8693): attested. */
  async identityToken(id: string): Promise<{ status: number; token?: string; body: any }> {
    const now = Math.floor(this.clock.now / 1000);
    const wl = await new SignJWT({})
      .setProtectedHeader({ alg: 'EdDSA', kid: this.key.kid, typ: 'JWT' })
      .setIssuer(ISSUER)
      .setAudience('mandate')
      .setSubject(`sa:${id}`)
      .setIssuedAt(now)
      .setNotBefore(now)
      .setExpirationTime(now + 300)
      .setJti(crypto.randomUUID())
      .sign(this.key.privateKey);
    const res = await fetch(new URL('/v1/token', this.url), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
        subject_token: wl,
        subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
        purpose: PURPOSE,
      }).toString(),
    });
    const body = (await res.json()) as any;
    return { status: res.status, body, ...(res.ok ? { token: body.access_token as string } : {}) };
  }

  /** Waits until the SDK has caught up with everything the server committed, and is fresh. */
  async sdkCaughtUp(): Promise<void> {
    await this.app.services.hub.kick();
    const target = this.app.services.hub.position;
    const t0 = Date.now();
    while (this.enforcer.state.seq < target || this.enforcer.staleness > 60_000) {
      if (Date.now() - t0 > 15_000)
        throw new Discrepancy(
          'SDK_LAG',
          `the SDK is at ${this.enforcer.state.seq}, the server at ${target} (staleness ${this.enforcer.staleness} ms) after 15 s`,
        );
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** The (identity, action, scope) sample decided after each command. */
  sample(model: Model): { id: string; action: string; scope: AnyScope }[] {
    const out: { id: string; action: string; scope: AnyScope }[] = [];
    const k = this.steps;
    for (const i of model.identities.values()) {
      // MiCA resources: the identity's own scopes and one more; product resources (CRA): a channel of
      // each product scope it holds (each channel in turn for a whole-product scope), and one more.
      const scopes = new Map<string, AnyScope>();
      for (const s of i.scopes) {
        const r = isProduct(s)
          ? { product: s.product, channel: s.channel ?? model.products.get(s.product)!.channels[(k + i.id.length) % 2]! }
          : s;
        scopes.set(key(r), r);
      }
      const extraScope = ALL_SCOPES[(k + i.id.length) % ALL_SCOPES.length]!;
      scopes.set(key(extraScope), extraScope);
      const extraProduct = PRODUCT_RESOURCES[(k * 5 + i.id.length) % PRODUCT_RESOURCES.length]!;
      scopes.set(key(extraProduct), extraProduct);
      const actions = new Set([...i.actions, SAMPLE_ACTIONS[(k * 3 + i.id.length) % SAMPLE_ACTIONS.length]!]);
      const productActions = new Set([...i.actions, SAMPLE_PRODUCT_ACTIONS[(k * 7 + i.id.length) % SAMPLE_PRODUCT_ACTIONS.length]!]);
      // Whatever a grant lends is in the sample too.
      for (const g of model.grants.values())
        if (g.identity === i.id && g.status !== 'pending') {
          for (const a of g.actions) actions.add(a);
          scopes.set(g.scope, ALL_SCOPES.find((s) => key(s) === g.scope)!);
        }
      for (const s of scopes.values()) for (const a of isProduct(s) ? productActions : actions) out.push({ id: i.id, action: a, scope: s });
    }
    return out;
  }

  context(model: Model, id: string) {
    return {
      attested: true,
      device_posture: 'compliant' as const,
      session_purpose: PURPOSE,
      environment: model.identities.get(id)!.environment,
    };
  }

  /** Every check, after every command. */
  async check(model: Model, label: string): Promise<void> {
    this.steps++;
    this.log.push(label);
    await this.app.services.hub.kick();
    await this.checkStatusAndPower(model);
    await this.checkEvents(model);
    await this.checkProducts(model, label);
    const sample = this.sample(model);
    await this.checkServerDecisions(model, sample);
    await this.checkSdkDecisions(model, sample);
    if (this.opts.findingsEvery && this.steps % this.opts.findingsEvery === 0) await this.checkFindings(model);
    this.checkModelInvariant(model);
    this.checkGrowth(model, label);
    this.prevPower = powerSnapshot(model);
    this.prevProducts = productSnapshot(model);
    this.lastSeq = await this.topSeq();
  }

  /**
   * Products (CRA): each product's status and reference as the model says, and one
   * `product.status_changed` event, from the status before to the status after, for each product
   * whose status this command changed (none for any other).
   */
  async checkProducts(model: Model, label: string): Promise<void> {
    const list = await this.call('admin', 'GET', '/v1/products?limit=200');
    assert.equal(list.status, 200, JSON.stringify(list.body));
    const got = new Map<string, any>(list.body.items.map((p: any) => [p.id, p]));
    for (const [id, p] of model.products) {
      const g = got.get(id);
      if (g?.status !== p.status || (p.reference !== undefined && g?.reference !== p.reference))
        this.fail(
          'PRODUCT_STATUS',
          `${label}: ${id} is ${g?.status} (${g?.reference ?? 'no reference'}) on the server, ` +
            `${p.status} (${p.reference ?? 'no reference'}) in the model`,
        );
    }
    const r = await this.call('admin', 'GET', '/v1/events?subject_type=product&order=desc&limit=200');
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const events = (r.body.items as any[]).filter((e) => e.seq > this.lastSeq && e.action === 'product.status_changed');
    for (const [id, p] of model.products) {
      const before = this.prevProducts.get(id);
      const mine = events.filter((e) => e.subject.id === id);
      const want = before !== p.status ? 1 : 0;
      if (mine.length !== want)
        this.fail(
          'PRODUCT_EVENTS',
          `${label}: ${mine.length} product.status_changed events for ${id} (${before} → ${p.status}), model ${want}`,
        );
      for (const e of mine)
        if (e.before?.status !== before || e.after?.status !== p.status)
          this.fail(
            'PRODUCT_EVENTS',
            `${label}: ${id} product.status_changed says ${e.before?.status} → ${e.after?.status}, model ${before} → ${p.status}`,
          );
    }
  }

  fail(id: string, detail: string): void {
    throw new Discrepancy(id, detail);
  }

  /**
   * Power never grows without the approvals the rules require: an identity may do something it
   * could not only after a command that decided an approval (a transition, an access grant, an
   * identity change, new rules), the emergency path, a reactivation by hand, or the scheduler
   * applying an approved transition. The model grows power only there; the server, compared with
   * it after every command, therefore too.
   */
  checkGrowth(model: Model, label: string): void {
    const held = new Map<string, Set<string>>();
    for (const [id, i] of model.identities) held.set(id, i.status === 'active' ? model.lawfulPairs(i) : new Set());
    if (this.prevHeld.size && !model.growthBy) {
      for (const [id, now] of held) {
        const before = this.prevHeld.get(id);
        const gained = before ? [...now].filter((p) => !before.has(p)) : [];
        if (gained.length) this.fail('POWER_GREW_WITHOUT_APPROVAL', `${label}: ${id} gained ${gained.join(', ')} with no approval decided`);
      }
    }
    model.growthBy = undefined;
    this.prevHeld = held;
  }

  /** Identity status and the stored power (identity_power, read from the test's own database). */
  async checkStatusAndPower(model: Model): Promise<void> {
    const list = await this.call('admin', 'GET', '/v1/identities?limit=200');
    assert.equal(list.status, 200);
    const statuses = new Map<string, string>(list.body.items.map((i: any) => [i.id, i.status]));
    for (const [id, i] of model.identities) {
      if (statuses.get(id) !== i.status)
        this.fail('IDENTITY_STATUS', `${id} is ${statuses.get(id)} on the server, ${i.status} in the model`);
    }
    const rows = await this.db.all<{ identity_id: string; outcome: string; lawful: string }>(
      'SELECT identity_id, outcome, lawful FROM identity_power',
    );
    const stored = new Map(rows.map((r) => [r.identity_id, r]));
    for (const [id, i] of model.identities) {
      if (i.status === 'revoked' || i.status === 'decommissioned') continue;
      const want = model.recorded.get(id) ?? null;
      const row = stored.get(id);
      // A `keep` row only holds the lifecycle's claim on a suspension it made: the power is full.
      const got = row && row.outcome !== 'keep' ? { outcome: row.outcome, lawful: lawfulSet(JSON.parse(row.lawful)) } : null;
      if (!samePower(want, got)) {
        this.fail('STORED_POWER', `${id} (${i.status}): stored ${fmtPower(got)}, model ${fmtPower(want)}`);
      }
    }
  }

  /** The model's own invariant: what it records equals its recomputation from the current state. */
  checkModelInvariant(model: Model): void {
    for (const [id, i] of model.identities) {
      if (i.status === 'revoked' || i.status === 'decommissioned') continue;
      const want = model.recompute(id);
      if (!samePower(want, model.recorded.get(id) ?? null))
        this.fail(
          'RECORDED_STALE',
          `${id}: recorded ${fmtPower(model.recorded.get(id) ?? null)}, but the current state gives ${fmtPower(want)}`,
        );
    }
  }

  /** Every change of power or status has exactly one ledger event, with its before and after. */
  async checkEvents(model: Model): Promise<void> {
    const events: any[] = [];
    let cursor: string | undefined;
    for (;;) {
      const r = await this.call(
        'admin',
        'GET',
        `/v1/events?subject_type=identity&order=desc&limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      assert.equal(r.status, 200, JSON.stringify(r.body));
      let done = false;
      for (const e of r.body.items) {
        if (e.seq <= this.lastSeq) {
          done = true;
          break;
        }
        events.push(e);
      }
      if (done || !r.body.next_cursor) break;
      cursor = r.body.next_cursor;
    }
    const now = powerSnapshot(model);
    for (const [id, after] of now) {
      const before = this.prevPower.get(id) ?? { status: 'none', recorded: 'none yet' };
      const mine = events.filter((e) => e.subject.id === id);
      const record = mine.filter((e) => e.action === 'identity.updated' || e.action === 'identity.created');
      const power = mine.filter(
        (e) => e.action.startsWith('identity.') && !['identity.updated', 'identity.created', 'identity.tokens_revoked'].includes(e.action),
      );
      const changed = before.status !== after.status || before.recorded !== after.recorded;
      const edited = model.edited.has(id);
      const what =
        `${id}: ${before.status}/${before.recorded} → ${after.status}/${after.recorded}; events ` +
        `${mine.map((e) => e.action).join(', ') || 'none'}`;
      if (edited) {
        if (record.length !== 1) this.fail('EVENTS', `an edited identity has ${record.length} record events, not 1: ${what}`);
        if (power.length > 1) this.fail('EVENTS', `an edited identity has ${power.length} power events: ${what}`);
      } else {
        if (record.length) this.fail('EVENTS', `record events without an edit: ${what}`);
        if (power.length !== (changed ? 1 : 0))
          this.fail('EVENTS', `${power.length} power/status events for ${changed ? 'a change' : 'no change'}: ${what}`);
      }
      for (const e of power) {
        if (e.before?.status !== undefined && e.before.status !== before.status)
          this.fail('EVENTS', `${e.action} says before status ${e.before.status}: ${what}`);
        if (e.after?.status !== undefined && e.after.status !== after.status)
          this.fail('EVENTS', `${e.action} says after status ${e.after.status}: ${what}`);
        // Before: what was recorded (or, with no record, the whole entitlement of the unchanged record).
        if (e.before?.lawful !== undefined && e.before.lawful !== null && !edited && before.recorded !== 'none yet') {
          const i = model.identities.get(id)!;
          const want =
            before.recorded === 'full'
              ? [...model.entitledPairs(i)].sort().join(',')
              : before.recorded.slice(before.recorded.indexOf(':') + 1);
          const got = [...lawfulSet(e.before.lawful)].sort().join(',');
          if (got !== want) this.fail('EVENTS', `${e.action} says lawful before ${got}, model ${want}: ${what}`);
        }
        if (e.after?.lawful !== undefined) {
          const want = model.recorded.get(id) ?? null;
          const full = want ? want.lawful : model.lawfulPairs(model.identities.get(id)!);
          const got = lawfulSet(e.after.lawful);
          if ([...full].sort().join() !== [...got].sort().join())
            this.fail('EVENTS', `${e.action} says lawful ${[...got].sort().join(',')}, model ${[...full].sort().join(',')}: ${what}`);
        }
      }
    }
    model.edited.clear();
  }

  async checkServerDecisions(model: Model, sample: { id: string; action: string; scope: AnyScope }[]): Promise<void> {
    const items = sample.map((s) => ({
      principal: { identity: s.id },
      action: s.action,
      resource: s.scope,
      context: this.context(model, s.id),
    }));
    const r = await this.call('enf', 'POST', '/v1/decisions/batch', { items });
    assert.equal(r.status, 200, JSON.stringify(r.body).slice(0, 500));
    sample.forEach((s, n) => {
      const got = r.body.items[n];
      const want = model.decide(s.id, s.action, s.scope);
      if (got.decision !== want.decision)
        this.fail(
          'DECISION',
          `server: ${s.id} ${s.action} in ${key(s.scope)} is ${got.decision} (${got.policies.join(',')}: ${got.reasons[0]}), model ` +
            `${want.decision} (${want.why})`,
        );
    });
  }

  async checkSdkDecisions(model: Model, sample: { id: string; action: string; scope: AnyScope }[]): Promise<void> {
    const ids = [...new Set(sample.map((s) => s.id))];
    const tokens = new Map<string, string>();
    for (const id of ids) {
      const i = model.identities.get(id)!;
      const mayHave = i.status === 'active' && (!i.break_glass || model.activationOpen(id) !== undefined);
      const t = await this.identityToken(id);
      if (mayHave !== (t.status === 200)) {
        this.fail(
          'TOKEN',
          `a token for ${id} (${i.status}${i.break_glass ? ', break-glass' : ''}) was ` +
            `${t.status === 200 ? 'issued' : `refused: ${JSON.stringify(t.body)}`}`,
        );
      }
      if (t.token) {
        tokens.set(id, t.token);
        this.identityTokens.set(id, t.token);
      }
    }
    await this.sdkCaughtUp();
    for (const s of sample) {
      const token = tokens.get(s.id) ?? this.identityTokens.get(s.id);
      if (!token) continue;
      const d = await this.enforcer.authorize(
        token,
        s.action,
        s.scope as never,
        {
          device_posture: 'compliant',
          attested: true,
          session_purpose: PURPOSE,
          environment: model.identities.get(s.id)!.environment,
        } as never,
      );
      const want = model.decide(s.id, s.action, s.scope);
      if (d.decision !== want.decision) {
        this.fail(
          tokens.has(s.id) ? 'SDK_DECISION' : 'OLD_TOKEN',
          `SDK: ${s.id} ${s.action} in ${key(s.scope)} is ${d.decision} (${d.policies.join(',')}: ${d.reasons[0]}), model ` +
            `${want.decision} (${want.why}); token ${tokens.has(s.id) ? 'fresh' : 'old'}`,
        );
      }
    }
  }

  /** Open findings agree with the model: nothing advises a transition already applied; unreviewed break-glass use. */
  async checkFindings(model: Model): Promise<void> {
    const run = await this.call('carla', 'POST', '/v1/checks/run');
    assert.equal(run.status, 200, JSON.stringify(run.body));
    const r = await this.call('carla', 'GET', '/v1/findings?limit=5000');
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const open = (r.body.items as any[]).filter((f) => f.status === 'open' || f.status === 'acknowledged');
    const unauthorised = new Set(open.filter((f) => f.check === 'active-in-unauthorised-scope').map((f) => f.subject.id));
    const want = new Set<string>();
    for (const [id, i] of model.identities) {
      if (i.status !== 'active' || i.capability !== 'execute') continue;
      // What an identity holds: its lawful power under the rules in force and the authorisations as they stand.
      const pairs = model.lawfulPairs(i);
      for (const s of i.scopes) {
        // Authorisations only: a product scope has no authorisation (the CRA checks read products).
        if (isProduct(s)) continue;
        const a = model.authOf(s);
        if (a && (a.status === 'authorised' || a.status === 'restricted')) continue;
        if (i.actions.some((x) => classOf(x) === 'new_business' && pairs.has(`${key(s)}|${x}`))) want.add(id);
      }
    }
    if ([...want].sort().join() !== [...unauthorised].sort().join())
      this.fail(
        'FINDINGS',
        `active-in-unauthorised-scope open for ${[...unauthorised].sort().join(',') || 'none'}, model ` +
          `${[...want].sort().join(',') || 'none'}`,
      );
    const unreviewed = new Set(open.filter((f) => f.check === 'break-glass-unreviewed').map((f) => f.subject.id));
    const wantBg = new Set(
      [...model.activations.values()]
        .filter((a) => a.review === 'open' && (a.emergency || a.status === 'ended' || (a.endsAt !== undefined && a.endsAt <= model.now)))
        .map((a) => a.id),
    );
    if ([...wantBg].sort().join() !== [...unreviewed].sort().join())
      this.fail(
        'FINDINGS',
        `break-glass-unreviewed open for ${[...unreviewed].sort().join(',') || 'none'}, model ${[...wantBg].sort().join(',') || 'none'}`,
      );
  }
}

export function lawfulSet(list: { scope: AnyScope | string; actions: string[] }[]): Set<string> {
  const out = new Set<string>();
  for (const l of list) for (const a of l.actions) out.add(`${typeof l.scope === 'string' ? l.scope : key(l.scope)}|${a}`);
  return out;
}

/** Each product's status in the model. */
export function productSnapshot(m: Model): Map<string, string> {
  return new Map([...m.products].map(([id, p]) => [id, p.status]));
}

export function samePower(
  a: Recorded | { outcome: string; lawful: Set<string> } | null,
  b: Recorded | { outcome: string; lawful: Set<string> } | null,
): boolean {
  if (a === null || b === null) return a === b;
  return a.outcome === b.outcome && [...a.lawful].sort().join() === [...b.lawful].sort().join();
}

export function fmtPower(p: { outcome: string; lawful: Set<string> } | null): string {
  return p ? `${p.outcome} [${[...p.lawful].sort().join(', ')}]` : 'full (no row)';
}
