// The enforcement point: verifies Mandate tokens locally against the server's published keys and
// decides in-process from a snapshot it keeps current through the server's push stream
// (Server-Sent Events, or NATS when configured). Revocations apply the moment they arrive. When
// the state is older than the configured bound (the stream is down), execute actions fail closed;
// observe actions go on. Execute decisions are reported to the server for the ledger, and if the
// reports cannot be delivered for long enough, execute actions fail closed too.
import { createRemoteJWKSet, customFetch, jwtVerify, errors as joseErrors, type JWTVerifyGetKey } from 'jose';
import { EventSource } from 'eventsource';
import {
  conflictDecision,
  contextFromToken,
  factsFromClaims,
  isMandateAccessToken,
  MANDATE_TOKEN_TYP,
  type MandateAccessToken,
  type TokenDecisionContext,
} from './claims.js';
import { cedarEvaluator } from './cedar-evaluator.js';
import { parseCedarJson } from './cedar/json.js';
import type { Decision, DecisionContext, DecisionResource, IdentityFacts } from './decision/types.js';
import type { EnforcementDelta, EnforcementSnapshot } from './snapshot.js';
import { EnforcementState } from './state.js';
import { type EnforcerTlsOptions, tlsFetch } from './tls-fetch.js';

export type { EnforcerTlsOptions } from './tls-fetch.js';

export interface EnforcerOptions {
  /** The Mandate server, e.g. http://127.0.0.1:8080 */
  url: string;
  /** An API token of a user with the `enforcer` role. */
  apiToken: string;
  /** The audience Mandate tokens must carry for this service (default: the issuer). */
  audience?: string;
  /** Execute actions fail closed when the state is older than this (default 5 s). */
  maxStalenessMs?: number;
  /** sse (default) or nats; with nats, deltas and heartbeats come from NATS and the snapshot over HTTP. */
  transport?: 'sse' | 'nats';
  nats?: { servers: string | string[]; subject?: string };
  /** A name for this enforcement point in the evidence it reports. */
  name?: string;
  /** Report execute decisions to the server (default true). */
  reportEvidence?: boolean;
  evidenceFlushMs?: number;
  /** Execute actions fail closed when this many reports are waiting (default 100,000). */
  maxEvidenceBacklog?: number;
  /** How long connect() waits for the first snapshot (default 10 s). */
  connectTimeoutMs?: number;
  /** How many verified tokens to keep (default 50,000): verification is the costly step. */
  verifiedCacheSize?: number;
  now?: () => number;
  onError?: (err: Error) => void;
  /** Called after each delta is applied (monitoring: lag = receivedAt − delta.at). */
  onDelta?: (delta: EnforcementDelta, receivedAt: number) => void;
  /**
   * TLS to an https:// server: `ca` (PEM) to trust beside the system's CAs, and `cert` and `key`
   * (PEM), the client certificate a server with mutual TLS asks of enforcement points. Used for
   * every request: the stream, snapshots, evidence and the signing keys.
   */
  tls?: EnforcerTlsOptions;
}

export class EnforcementError extends Error {
  constructor(
    readonly code: 'token_missing' | 'token_invalid' | 'token_expired' | 'not_ready',
    message: string,
  ) {
    super(message);
    this.name = 'EnforcementError';
  }
}

export interface Verified {
  token: string;
  claims: MandateAccessToken;
  facts: IdentityFacts;
}

interface ReportedDecision {
  at: number;
  principal: { type: string; id: string; jti?: string };
  action: string;
  resource: DecisionResource;
  context: DecisionContext;
  decision: 'allow' | 'deny';
  policies: string[];
  reasons: string[];
}

const deny = (policy: string, reason: string): Decision => ({ decision: 'deny', reasons: [reason], policies: [policy], obligations: [] });
const VERIFIED_CACHE = 50_000;

/**
 * A message of the enforcement stream. One that carries policies is read with parseCedarJson, so a
 * Cedar long beyond ±(2^53−1) in a policy stays exact; the rest (most deltas) with JSON.parse.
 */
const readMessage = (text: string): unknown => (text.includes('"policies"') ? parseCedarJson(text) : JSON.parse(text));

export class Enforcer {
  readonly state: EnforcementState;
  private lastHeard = 0;
  private jwks: JWTVerifyGetKey;
  private verified = new Map<string, Verified>();
  private evidence: ReportedDecision[] = [];
  private closers: (() => void | Promise<void>)[] = [];
  private readonly now: () => number;
  private readonly maxStaleness: number;
  private readonly maxBacklog: number;
  private resyncing: Promise<void> | undefined;
  private firstSnapshot!: () => void;
  private readonly fetch: typeof fetch;

  private constructor(private readonly opts: EnforcerOptions) {
    this.now = opts.now ?? Date.now;
    this.state = new EnforcementState(cedarEvaluator, this.now);
    this.maxStaleness = opts.maxStalenessMs ?? 5000;
    this.maxBacklog = opts.maxEvidenceBacklog ?? 100_000;
    this.fetch = opts.tls ? tlsFetch(opts.tls) : (input, init) => fetch(input, init);
    this.jwks = createRemoteJWKSet(new URL('/.well-known/jwks.json', opts.url), {
      cooldownDuration: 1000,
      cacheMaxAge: 10 * 60_000,
      ...(opts.tls ? { [customFetch]: this.fetch } : {}),
    });
  }

  /** Connects, waits for the first snapshot, and keeps following the stream. */
  static async connect(opts: EnforcerOptions): Promise<Enforcer> {
    const e = new Enforcer(opts);
    await e.start();
    return e;
  }

  private async api(path: string, init: RequestInit = {}): Promise<Response> {
    return this.fetch(new URL(path, this.opts.url), {
      ...init,
      headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${this.opts.apiToken}` },
      signal: AbortSignal.timeout(15_000),
    });
  }

  private onSnapshot(s: EnforcementSnapshot): void {
    this.state.load(s);
    this.verified.clear();
    this.lastHeard = this.now();
    this.firstSnapshot();
  }

  private onDelta(d: EnforcementDelta): void {
    if (!this.state.apply(d)) {
      void this.resync();
      return;
    }
    this.lastHeard = this.now();
    this.opts.onDelta?.(d, this.lastHeard);
  }

  /** Takes a fresh snapshot over HTTP (at start with NATS, and after a gap). */
  async resync(): Promise<void> {
    this.resyncing ??= (async () => {
      const res = await this.api('/v1/enforcement/snapshot');
      if (!res.ok) throw new Error(`snapshot refused: HTTP ${res.status} ${(await res.text()).slice(0, 200)}`);
      this.onSnapshot(readMessage(await res.text()) as EnforcementSnapshot);
    })()
      .catch((err) => this.opts.onError?.(err as Error))
      .finally(() => (this.resyncing = undefined));
    return this.resyncing;
  }

  private async start(): Promise<void> {
    const timeout = this.opts.connectTimeoutMs ?? 10_000;
    const first = new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no enforcement snapshot from ${this.opts.url} within ${timeout} ms`)), timeout);
      this.firstSnapshot = () => {
        clearTimeout(t);
        resolve();
      };
    });
    if (this.opts.transport === 'nats') await this.startNats();
    else this.startSse();
    if (this.opts.reportEvidence ?? true) {
      const timer = setInterval(() => void this.flushEvidence(), this.opts.evidenceFlushMs ?? 1000);
      timer.unref();
      this.closers.push(() => clearInterval(timer));
    }
    await first;
  }

  private startSse(): void {
    const apiToken = this.opts.apiToken;
    const es = new EventSource(new URL('/v1/enforcement/stream', this.opts.url).toString(), {
      fetch: async (input, init) => {
        const headers = { ...(init?.headers as Record<string, string>), authorization: `Bearer ${apiToken}` };
        const res = await this.fetch(input, { ...init, headers });
        // EventSource gives up for good on an answer other than 200. A 5xx or 429 (a load balancer
        // with no server behind it, a server draining) is a dropped connection: it tries again.
        if (res.status >= 500 || res.status === 429) {
          await res.body?.cancel().catch(() => undefined);
          throw new Error(`enforcement stream: HTTP ${res.status}`);
        }
        return res;
      },
    });
    es.addEventListener('snapshot', (ev) => this.onSnapshot(readMessage(ev.data) as EnforcementSnapshot));
    es.addEventListener('delta', (ev) => this.onDelta(readMessage(ev.data) as EnforcementDelta));
    es.addEventListener('heartbeat', (ev) => {
      const hb = JSON.parse(ev.data) as { seq: number };
      // A heartbeat names the server's position: behind it means a delta went missing.
      if (hb.seq > this.state.seq && this.state.engine) void this.resync();
      else this.lastHeard = this.now();
    });
    es.addEventListener('error', (ev) =>
      this.opts.onError?.(new Error(`enforcement stream: ${(ev as { message?: string }).message ?? 'error'}`)),
    );
    this.closers.push(() => es.close());
  }

  private async startNats(): Promise<void> {
    const { connect, StringCodec } = await import('nats');
    const nc = await connect({ servers: this.opts.nats?.servers ?? '127.0.0.1:4222', name: this.opts.name ?? 'mandate-enforcer' });
    const subject = this.opts.nats?.subject ?? 'mandate.enforcement';
    const sc = StringCodec();
    const sub = nc.subscribe(`${subject}.>`);
    void (async () => {
      for await (const m of sub) {
        const data = readMessage(sc.decode(m.data));
        if (m.subject.endsWith('.delta')) this.onDelta(data as EnforcementDelta);
        else if (m.subject.endsWith('.heartbeat')) {
          const hb = data as { seq: number };
          if (hb.seq > this.state.seq && this.state.engine) void this.resync();
          else this.lastHeard = this.now();
        }
      }
    })();
    this.closers.push(async () => {
      await nc.drain().catch(() => undefined);
    });
    await this.resync();
  }

  /** How old the local state is, in ms (Infinity before the first snapshot). */
  get staleness(): number {
    return this.state.engine ? this.now() - this.lastHeard : Infinity;
  }

  /** Verifies a Mandate access token's signature, issuer, audience, type and expiry. */
  async verify(token: string): Promise<Verified> {
    const cached = this.verified.get(token);
    if (cached) return cached;
    if (!this.state.engine) throw new EnforcementError('not_ready', 'the enforcement point has no state yet');
    let payload: unknown;
    try {
      ({ payload } = await jwtVerify(token, this.jwks, {
        issuer: this.state.issuer,
        audience: this.opts.audience ?? this.state.issuer,
        algorithms: ['EdDSA'],
        typ: MANDATE_TOKEN_TYP,
        currentDate: new Date(this.now()),
        clockTolerance: 5,
      }));
    } catch (err) {
      if (err instanceof joseErrors.JWTExpired) throw new EnforcementError('token_expired', 'the token has expired');
      throw new EnforcementError('token_invalid', `the token is not valid: ${(err as Error).message}`);
    }
    if (!isMandateAccessToken(payload)) throw new EnforcementError('token_invalid', 'the token does not carry Mandate claims');
    const v: Verified = { token, claims: payload, facts: factsFromClaims(payload) };
    if (this.verified.size >= (this.opts.verifiedCacheSize ?? VERIFIED_CACHE)) this.verified.delete(this.verified.keys().next().value!);
    this.verified.set(token, v);
    return v;
  }

  /**
   * Decides locally for a verified token: freshness, expiry and revocation first (fail closed),
   * then the context against the token (the token's attestation, environment and session purpose
   * win; a supplied value that differs is a deny, `builtin:context-conflicts-with-token`, always
   * reported; a value left out is the token's), then the engine. Synchronous and allocation-light:
   * this is the hot path.
   */
  decide(v: Verified, action: string, resource: DecisionResource, supplied: TokenDecisionContext): Decision {
    const engine = this.state.engine;
    if (!engine) return deny('builtin:not-ready', 'the enforcement point has no state yet');
    const cls = engine.classOf(action);
    const execute = cls !== 'observe';
    const now = this.now();
    const { context, conflicts } = contextFromToken(v.claims, supplied);
    if (execute && now - this.lastHeard > this.maxStaleness)
      return this.record(
        v,
        action,
        resource,
        context,
        deny(
          'builtin:stale-state',
          `the enforcement state is ${now - this.lastHeard} ms old (bound ${this.maxStaleness} ms): execute actions fail closed`,
        ),
      );
    if (v.claims.exp * 1000 <= now)
      return this.record(v, action, resource, context, deny('builtin:token-expired', 'the token has expired'));
    if (this.state.isRevoked(v.claims.sub, v.claims.mdt.gen, v.claims.jti))
      return this.record(v, action, resource, context, deny('builtin:token-revoked', `the token of ${v.claims.sub} was revoked`));
    if (execute && this.evidence.length >= this.maxBacklog)
      return deny(
        'builtin:evidence-backlog',
        'decisions cannot be recorded (the server does not take the reports): execute actions fail closed',
      );
    // Caller-supplied context that contradicts the verified token: a deny, and evidence whatever the action.
    if (conflicts.length) return this.record(v, action, resource, context, conflictDecision(conflicts, cls));
    const d = engine.decide(v.facts, action, resource, context);
    // Execute decisions are evidence, and so is every decision that relied on a grant.
    return execute || d.relied_on ? this.record(v, action, resource, context, d) : d;
  }

  /** Verifies and decides in one call. A token that does not verify is denied, with the reason. */
  async authorize(
    token: string,
    action: string,
    resource: DecisionResource,
    context: TokenDecisionContext,
  ): Promise<Decision & { verified?: Verified }> {
    let v: Verified;
    try {
      v = await this.verify(token);
    } catch (err) {
      const e = err as EnforcementError;
      return deny(`builtin:${e.code ?? 'token-invalid'}`, e.message);
    }
    return { ...this.decide(v, action, resource, context), verified: v };
  }

  private record(v: Verified, action: string, resource: DecisionResource, context: DecisionContext, d: Decision): Decision {
    if (this.opts.reportEvidence ?? true) {
      this.evidence.push({
        at: this.now(),
        principal: { type: 'identity', id: v.claims.sub, jti: v.claims.jti },
        action,
        resource,
        context,
        decision: d.decision,
        policies: d.policies,
        reasons: d.reasons,
      });
    }
    return d;
  }

  /** Sends the decisions taken since the last report; kept for the next try if the server does not take them. */
  async flushEvidence(): Promise<void> {
    while (this.evidence.length) {
      const batch = this.evidence.slice(0, 5000);
      try {
        const res = await this.api('/v1/decisions/evidence', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ enforcement_point: this.opts.name ?? 'sdk', decisions: batch }),
        });
        if (!res.ok) throw new Error(`evidence refused: HTTP ${res.status} ${(await res.text()).slice(0, 200)}`);
        this.evidence.splice(0, batch.length);
      } catch (err) {
        this.opts.onError?.(err as Error);
        return;
      }
    }
  }

  get pendingEvidence(): number {
    return this.evidence.length;
  }

  async close(): Promise<void> {
    await this.flushEvidence();
    for (const c of this.closers.splice(0)) await c();
  }
}
