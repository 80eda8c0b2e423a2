// Discovery as a capability: configured sources (their secrets sealed under the server's
// key-encryption key), runs that read a source and reconcile it with the inventory, and the stored
// results (accounts) that people adopt into the inventory or dismiss. Reading and reconciling are
// the sources' and core/discovery.ts' job; this service stores, records and answers.
//
// Secrets never leave this file in clear: the stored configuration holds `***` where a secret was
// (a URL keeps its user and host, its password redacted); the secrets are sealed apart and opened
// in memory only while a run reads the source. Errors of a read are redacted by the registry.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { isAbsolute, resolve } from 'node:path';
import {
  DISCOVERY_CHECKS,
  reconcile,
  SOURCE_ID,
  type DiscoveryIdentity,
  type Evidence,
  type ObservedAccount,
  type ObservedCredentialType,
  type ReconcileResult,
  type ReconcileState,
  type SuggestedFinding,
} from '../core/discovery.js';
import { MandateError } from '../core/errors.js';
import type { Identity, IdentityInput, Scope } from '../core/model.js';
import { parseSpanSeconds } from '../core/time.js';
import { ENVIRONMENTS, type CredentialType, type Environment, type IdentityFunction } from '../core/vocabulary.js';
import { openKey, sealKey } from '../ledger/keys.js';
import { appendEvents } from '../ledger/log.js';
import { refusalRecorder } from '../ledger/refusals.js';
import { getRecord } from '../state/records.js';
import { placeholders, type Database, type Sql } from '../store/db.js';
import type { WriteOutcome } from '../inventory/service.js';
import { BUILTIN_SOURCE_KINDS, checkSourceConfig, openSource, readSource } from './registry.js';
import { coversOf, MalformedSourceError, redact, secretsOf, SourceError, type SourceConfig } from './source.js';

/** How a new identity is created: the inventory's normal create path (wired in src/server/container.ts). */
export type CreateIdentity = (actor: string, input: IdentityInput) => Promise<WriteOutcome<Identity>>;

export const DISMISS_REASONS = ['not_an_nhi', 'personal_account', 'out_of_scope', 'other'] as const;
export type DismissReason = (typeof DISMISS_REASONS)[number];
export const ACCOUNT_STATES = ['matched', 'unmanaged', 'missing', 'drift'] as const;

export interface NewSource {
  id: string;
  kind: string;
  options?: Record<string, unknown>;
  path?: string;
  covers?: string[];
  environment?: Environment;
  /** How often the server runs it on its own: whole seconds or a span ("15m", "1h"); absent: on demand only. */
  every?: string;
}

/** The shortest schedule: a source is a live system, and a run reads all of it. */
export const MIN_EVERY_SECONDS = 60;

/** A source as the API shows it: secrets replaced by `***`, URLs with their password redacted. */
export interface SourceView {
  id: string;
  kind: string;
  options: Record<string, unknown>;
  covers: string[];
  environment: Environment | null;
  /** How often the server runs it on its own, in seconds; null: on demand (and after connector deliveries it covers). */
  every_s: number | null;
  /** The option paths whose values are sealed. */
  sealed: string[];
  created_by: string;
  created_at: string;
  updated_at: string;
  last_run: RunView | null;
}

export interface RunCounts {
  observed: number;
  matched: number;
  unmanaged: number;
  missing: number;
  drift: number;
}
export interface RunView {
  id: string;
  source: string;
  status: 'running' | 'succeeded' | 'failed';
  complete: boolean;
  started_at: string;
  finished_at: string | null;
  counts: RunCounts | null;
  digest: string | null;
  error: string | null;
}

export interface AccountView {
  key: string;
  source: string;
  native_id: string;
  state: ReconcileState;
  drift: string[];
  identity: string | null;
  account: ObservedAccount | null;
  evidence: Evidence[];
  findings: SuggestedFinding[];
  first_seen: string;
  last_seen: string;
  disposition: {
    kind: 'adopted' | 'dismissed';
    reason?: DismissReason;
    note?: string;
    identity?: string;
    change?: string;
    by: string;
    at: string;
  } | null;
}

export interface AdoptInput {
  id?: string;
  owner: string;
  purpose: string;
  function: IdentityFunction;
  /** At least one: an active identity acts for a scope, and discovery cannot tell which. */
  scopes: Scope[];
  environment?: Environment;
  labels?: Record<string, string>;
}

interface SourceRow {
  id: string;
  kind: string;
  doc: string;
  sealed_secrets: string | null;
  created_by: string;
  created_at: string;
  updated_at: string;
}
interface RunRow {
  id: string;
  source_id: string;
  status: RunView['status'];
  started_at: string;
  finished_at: string | null;
  counts: string | null;
  digest: string | null;
  error: string | null;
}
interface AccountRow {
  key: string;
  source_id: string;
  native_id: string;
  state: ReconcileState;
  drift: string;
  identity_id: string | null;
  account: string | null;
  evidence: string;
  findings: string;
  first_seen: string;
  last_seen: string;
  disposition: string | null;
  disposition_doc: string | null;
}
interface SourceDoc {
  options: Record<string, unknown>;
  path?: string;
  covers?: string[];
  environment?: Environment;
  every_s?: number;
  sealed: string[];
}

const URL_KINDS: Record<string, RegExp> = {
  postgres: /^postgres(ql)?:$/,
  mariadb: /^(mysql|mariadb):$/,
  redis: /^rediss?:$/,
  rabbitmq: /^(https?|amqps?):$/,
  nats: /^(nats|tls|wss?):$/,
};
const bad = (field: string, message: string) => new MandateError('VALIDATION_FAILED', message, { field });
const aad = (id: string) => `discovery_source:${id}`;
function toRun(r: RunRow): RunView {
  // The counts doc also keeps whether the read was complete (a NATS read never is, even when it succeeds).
  const { complete, ...counts } = r.counts ? (JSON.parse(r.counts) as RunCounts & { complete?: boolean }) : { complete: undefined };
  return {
    id: r.id,
    source: r.source_id,
    status: r.status,
    complete: complete ?? (r.status === 'succeeded' && !r.error),
    started_at: r.started_at,
    finished_at: r.finished_at,
    counts: r.counts ? (counts as RunCounts) : null,
    digest: r.digest,
    error: r.error,
  };
}
function toAccount(r: AccountRow): AccountView {
  return {
    key: r.key,
    source: r.source_id,
    native_id: r.native_id,
    state: r.state,
    drift: JSON.parse(r.drift) as string[],
    identity: r.identity_id,
    account: r.account ? (JSON.parse(r.account) as ObservedAccount) : null,
    evidence: JSON.parse(r.evidence) as Evidence[],
    findings: JSON.parse(r.findings) as SuggestedFinding[],
    first_seen: r.first_seen,
    last_seen: r.last_seen,
    disposition: r.disposition
      ? ({
          kind: r.disposition as 'adopted' | 'dismissed',
          ...(JSON.parse(r.disposition_doc ?? '{}') as object),
        } as AccountView['disposition'])
      : null,
  };
}

/** The account key: the source and the native id (for a missing identity, the name it was expected under). */
export const accountKey = (source: string, nativeId: string): string => `${source}|${nativeId}`;

/**
 * Splits options into what may be stored and shown (secrets replaced by `***`, URLs redacted) and
 * the secrets by JSON pointer. A value is a secret by the same rule the sources redact by (secretsOf).
 */
export function splitSecrets(
  options: Record<string, unknown>,
  base = '/options',
): { shown: Record<string, unknown>; secrets: Record<string, string> } {
  const shown: Record<string, unknown> = {};
  const secrets: Record<string, string> = {};
  for (const [k, v] of Object.entries(options)) {
    const path = `${base}/${k.replaceAll('~', '~0').replaceAll('/', '~1')}`;
    if (typeof v === 'string' && secretsOf({ [k]: v }).size > 0) {
      secrets[path] = v;
      shown[k] = /^[a-z][a-z0-9+.-]*:\/\//i.test(v) ? redact(v) : '***';
    } else if (v && typeof v === 'object' && !Array.isArray(v)) {
      const inner = splitSecrets(v as Record<string, unknown>, path);
      shown[k] = inner.shown;
      Object.assign(secrets, inner.secrets);
    } else shown[k] = v;
  }
  return { shown, secrets };
}

/** Puts sealed secrets back at their paths (in memory, for one run). */
function joinSecrets(options: Record<string, unknown>, secrets: Record<string, string>): Record<string, unknown> {
  const out = structuredClone(options);
  for (const [path, value] of Object.entries(secrets)) {
    const parts = path
      .split('/')
      .slice(2)
      .map((p) => p.replaceAll('~1', '/').replaceAll('~0', '~'));
    let at: Record<string, unknown> = out;
    for (const p of parts.slice(0, -1)) at = (at[p] ??= {}) as Record<string, unknown>;
    at[parts[parts.length - 1]!] = value;
  }
  return out;
}

function validateUrls(kind: string, options: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(options)) {
    if (!/url$/i.test(k) || v === undefined) continue;
    const field = `/options/${k}`;
    if (typeof v !== 'string') throw bad(field, `options.${k} must be a URL`);
    let u: URL;
    try {
      u = new URL(v);
    } catch {
      throw bad(field, `options.${k} is not a valid URL`);
    }
    const want = URL_KINDS[kind];
    if (!u.hostname || (want && !want.test(u.protocol)))
      throw bad(field, `options.${k} is not a ${kind} URL (scheme ${u.protocol.replace(/:$/, '')}${u.hostname ? '' : ', no host'})`);
  }
}

/** The identity fields reconciliation reads. */
function discoveryIdentity(i: Identity): DiscoveryIdentity {
  return {
    id: i.id,
    capability: i.capability,
    environment: i.environment,
    status: i.status,
    ...(i.owner ? { owner: i.owner } : {}),
    scopes: i.scopes,
    credential: i.credential,
    ...(i.revocation ? { revocation: i.revocation } : {}),
  };
}

const CREDENTIAL_OF: Record<ObservedCredentialType, CredentialType> = {
  password: 'static_secret',
  token: 'static_secret',
  key: 'key_pair',
  certificate: 'certificate',
  none: 'static_secret',
};

/** How long one read may take before it is stopped and the run fails (incomplete: nothing becomes missing). */
export const DEFAULT_RUN_TIMEOUT_MS = 5 * 60_000;

export interface DiscoveryDeps {
  db: Database;
  clock: () => Date;
  /** Seals source secrets and keys the fingerprints of observed credentials. */
  kek: Buffer;
  /** Adoption creates the identity through the inventory's create path (its checks and approvals). */
  createIdentity: CreateIdentity;
  /** How long one read may take (default DEFAULT_RUN_TIMEOUT_MS). */
  runTimeoutMs?: number;
}

export function discoveryService({ db, clock, kek, createIdentity, runTimeoutMs = DEFAULT_RUN_TIMEOUT_MS }: DiscoveryDeps) {
  const recorded = refusalRecorder(db, clock);
  const fingerprintKey = createHmac('sha256', kek).update('mandate discovery fingerprint key').digest();

  async function loadSource(sql: Sql, id: string): Promise<SourceRow> {
    const [row] = await sql.all<SourceRow>('SELECT * FROM discovery_sources WHERE id = ?', [id]);
    if (!row) throw new MandateError('NOT_FOUND', `no discovery source with id ${id}`);
    return row;
  }

  async function view(row: SourceRow): Promise<SourceView> {
    const doc = JSON.parse(row.doc) as SourceDoc;
    const [last] = await db.all<RunRow>('SELECT * FROM discovery_runs WHERE source_id = ? ORDER BY started_at DESC, id DESC LIMIT 1', [
      row.id,
    ]);
    return {
      id: row.id,
      kind: row.kind,
      options: doc.options,
      covers: coversOf({ id: row.id, kind: row.kind, ...(doc.covers ? { covers: doc.covers } : {}) }),
      environment: doc.environment ?? null,
      every_s: doc.every_s ?? null,
      sealed: doc.sealed,
      created_by: row.created_by,
      created_at: row.created_at,
      updated_at: row.updated_at,
      last_run: last ? toRun(last) : null,
    };
  }

  /** A source's input checked and split: what is shown, and the secrets to seal apart. */
  interface Prepared {
    id: string;
    kind: string;
    doc: SourceDoc;
    secrets: Record<string, string>;
  }
  async function prepare(input: NewSource, baseDir: string): Promise<Prepared> {
    if (typeof input?.id !== 'string' || !SOURCE_ID.test(input.id)) throw bad('/id', `a source id must match ${SOURCE_ID.source}`);
    if (input.kind !== 'module' && !BUILTIN_SOURCE_KINDS.includes(input.kind))
      throw bad(
        '/kind',
        `unknown source kind ${JSON.stringify(input.kind)} (built in: ${BUILTIN_SOURCE_KINDS.join(', ')}, or module in the sources file)`,
      );
    const options = input.options ?? {};
    validateUrls(input.kind, options);
    let every: number | undefined;
    if (input.every !== undefined) {
      every = typeof input.every === 'string' ? parseSpanSeconds(input.every) : undefined;
      if (every === undefined || every < MIN_EVERY_SECONDS)
        throw bad('/every', `every is whole seconds or a span like 15m or 1h, at least ${MIN_EVERY_SECONDS} s`);
    }
    // A module's path is kept absolute: runs do not depend on the directory the server started in.
    const path =
      input.kind === 'module' && typeof input.path === 'string' && input.path
        ? isAbsolute(input.path)
          ? input.path
          : resolve(baseDir, input.path)
        : undefined;
    const config: SourceConfig = {
      id: input.id,
      kind: input.kind,
      options,
      ...(path ? { path } : {}),
      ...(input.covers ? { covers: input.covers } : {}),
      ...(input.environment ? { environment: input.environment } : {}),
    };
    try {
      checkSourceConfig(config);
      // Opening a source checks its options without connecting (a module is loaded: its factory runs).
      const source = await openSource(config, { baseDir, now: clock });
      await source.close?.();
    } catch (err) {
      if (err instanceof MalformedSourceError) throw bad(err.path, redact(err.message, secretsOf(options)));
      if (err instanceof SourceError) throw bad(input.kind === 'module' ? '/path' : '/options', err.message);
      throw err;
    }
    const { shown, secrets } = splitSecrets(options);
    const doc: SourceDoc = {
      options: shown,
      ...(path ? { path } : {}),
      ...(input.covers ? { covers: input.covers } : {}),
      ...(input.environment ? { environment: input.environment } : {}),
      ...(every ? { every_s: every } : {}),
      sealed: Object.keys(secrets),
    };
    return { id: input.id, kind: input.kind, doc, secrets };
  }

  /** Writes a prepared source (new, or over `prior`) and its event, in the caller's transaction. */
  async function store(tx: Sql, actor: string, p: Prepared, prior: SourceRow | undefined): Promise<SourceRow> {
    const at = clock().toISOString();
    const sealed = p.doc.sealed.length ? sealKey(kek, aad(p.id), Buffer.from(JSON.stringify(p.secrets))) : null;
    const r: SourceRow = {
      id: p.id,
      kind: p.kind,
      doc: JSON.stringify(p.doc),
      sealed_secrets: sealed,
      created_by: prior?.created_by ?? actor,
      created_at: prior?.created_at ?? at,
      updated_at: at,
    };
    if (prior)
      await tx.run('UPDATE discovery_sources SET kind = ?, doc = ?, sealed_secrets = ?, updated_at = ? WHERE id = ?', [
        r.kind,
        r.doc,
        r.sealed_secrets,
        r.updated_at,
        r.id,
      ]);
    else {
      await tx.run(
        'INSERT INTO discovery_sources (id, kind, doc, sealed_secrets, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
        [r.id, r.kind, r.doc, r.sealed_secrets, r.created_by, r.created_at, r.updated_at],
      );
    }
    // The event shows what changed, never a secret: which option paths are sealed, not their values.
    await appendEvents(tx, at, [
      {
        actor,
        action: prior ? 'discovery.source_updated' : 'discovery.source_added',
        subject: { type: 'discovery_source', id: p.id },
        ...(prior ? { before: { kind: prior.kind, ...(JSON.parse(prior.doc) as SourceDoc) } } : {}),
        after: { kind: p.kind, ...p.doc },
      },
    ]);
    return r;
  }

  async function loadAccount(sql: Sql, key: string): Promise<AccountRow> {
    const [row] = await sql.all<AccountRow>('SELECT * FROM discovery_accounts WHERE key = ?', [key]);
    if (!row) throw new MandateError('NOT_FOUND', `no discovered account with key ${key}`);
    return row;
  }

  return {
    /** Adds a source: validated, its secrets sealed apart, recorded (without the secrets). */
    async addSource(actor: string, input: NewSource): Promise<SourceView> {
      const row = await recorded(
        actor,
        { type: 'discovery_source', id: String(input.id) },
        'discovery.source_add',
        { id: input.id, kind: input.kind },
        async () => {
          if (input.kind === 'module')
            throw bad(
              '/kind',
              "module sources load code into the server: configure them in the server's sources file (MANDATE_DISCOVERY_SOURCES_FILE), " +
                'not through the API',
            );
          const prepared = await prepare(input, process.cwd());
          return db.transaction(async (tx) => {
            const [exists] = await tx.all<{ id: string }>('SELECT id FROM discovery_sources WHERE id = ?', [input.id]);
            if (exists) throw new MandateError('ALREADY_EXISTS', `discovery source ${input.id} already exists`, { field: '/id' });
            return store(tx, actor, prepared, undefined);
          });
        },
      );
      return view(row);
    },

    /**
     * The sources of the server's sources file (MANDATE_DISCOVERY_SOURCES_FILE), module sources
     * included: each is added, or updated where the file changed it (`discovery.source_updated`),
     * or left alone. Sources added over the API, and those the file no longer lists, are kept.
     * One bad source refuses the whole file (its index in the field), before anything is written.
     */
    async configureSources(
      actor: string,
      inputs: NewSource[],
      baseDir: string,
    ): Promise<{ added: string[]; updated: string[]; unchanged: string[] }> {
      const prepared: Prepared[] = [];
      for (const [i, input] of inputs.entries()) {
        try {
          prepared.push(await prepare(input, baseDir));
        } catch (err) {
          if (err instanceof MandateError)
            throw new MandateError(err.code, `sources[${i}] (${String(input?.id)}): ${err.message}`, {
              field: `/sources/${i}${err.field ?? ''}`,
            });
          throw err;
        }
      }
      const ids = prepared.map((p) => p.id);
      const twice = ids.find((id, i) => ids.indexOf(id) !== i);
      if (twice)
        throw new MandateError('VALIDATION_FAILED', `source ${twice} is listed twice`, { field: `/sources/${ids.lastIndexOf(twice)}/id` });
      const out = { added: [] as string[], updated: [] as string[], unchanged: [] as string[] };
      await db.transaction(async (tx) => {
        for (const p of prepared) {
          const [prior] = await tx.all<SourceRow>('SELECT * FROM discovery_sources WHERE id = ?', [p.id]);
          const priorSecrets = prior?.sealed_secrets ? openKey(kek, aad(prior.id), prior.sealed_secrets).toString('utf8') : '{}';
          if (prior && prior.kind === p.kind && prior.doc === JSON.stringify(p.doc) && priorSecrets === JSON.stringify(p.secrets))
            out.unchanged.push(p.id);
          else {
            await store(tx, actor, p, prior);
            (prior ? out.updated : out.added).push(p.id);
          }
        }
      });
      return out;
    },

    async listSources(): Promise<SourceView[]> {
      const rows = await db.all<SourceRow>('SELECT * FROM discovery_sources ORDER BY id');
      const out: SourceView[] = [];
      for (const r of rows) out.push(await view(r));
      return out;
    },

    async getRun(id: string): Promise<RunView | undefined> {
      const [r] = await db.all<RunRow>('SELECT * FROM discovery_runs WHERE id = ?', [id]);
      return r ? toRun(r) : undefined;
    },

    /**
     * Reads a source and reconciles it with the inventory; the run, the accounts and the event are
     * written in one transaction. A read that fails is a failed run: its accounts seen so far are
     * kept, but nothing becomes missing and nothing stored is removed.
     */
    async run(actor: string, sourceId: string, reason?: string): Promise<RunView> {
      const row = await loadSource(db, sourceId);
      const doc = JSON.parse(row.doc) as SourceDoc;
      const id = `dr_${randomBytes(8).toString('hex')}`;
      const started = clock().toISOString();
      const secrets = row.sealed_secrets
        ? (JSON.parse(openKey(kek, aad(row.id), row.sealed_secrets).toString('utf8')) as Record<string, string>)
        : {};
      const config: SourceConfig = {
        id: row.id,
        kind: row.kind,
        options: joinSecrets(doc.options, secrets),
        ...(doc.path ? { path: doc.path } : {}),
        ...(doc.covers ? { covers: doc.covers } : {}),
        ...(doc.environment ? { environment: doc.environment } : {}),
      };
      const secretValues = [...secretsOf(config.options), ...Object.values(secrets)];
      let read: Awaited<ReturnType<typeof readSource>>;
      try {
        const source = await openSource(config, { baseDir: process.cwd(), now: clock, fingerprintKey });
        try {
          read = await readSource(source, { secrets: secretValues, now: clock, signal: AbortSignal.timeout(runTimeoutMs) });
        } finally {
          await source.close?.().catch(() => undefined);
        }
      } catch (err) {
        const message = redact((err as Error)?.message ?? String(err), secretValues);
        read = {
          id: row.id,
          kind: row.kind,
          covers: coversOf(config),
          complete: false,
          accounts: [],
          error: message,
          started_at: started,
          finished_at: clock().toISOString(),
        };
      }
      const failed = read.error !== undefined;
      const at = clock().toISOString();
      const identities = (await db.all<{ doc: string }>('SELECT doc FROM identities')).map((r) => JSON.parse(r.doc) as Identity);
      // Workload subjects registered with Mandate (an OIDC binding) are credentials too: a Kubernetes
      // service account's bound tokens carry the subject its identity's binding names.
      const credentials = (
        await db.all<{ identity_id: string; subject: string }>(
          "SELECT identity_id, subject FROM identity_credentials WHERE type = 'oidc' AND revoked_at IS NULL AND subject IS NOT NULL",
        )
      ).map((c) => ({ identity: c.identity_id, fingerprint: `workload-id:${c.subject}` }));
      const { results, summary } = reconcile({
        now: clock(),
        identities: identities.map(discoveryIdentity),
        sources: [read],
        observed: read.accounts,
        credentials,
      });
      const byIdentity = new Map(identities.map((i) => [i.id, i]));
      const accounts = new Map(read.accounts.map((a) => [a.native_id, a]));
      // One row per account (an account two identities declare keeps the worst state, every drift).
      const rows = new Map<
        string,
        { native: string; result: ReconcileResult; drift: Set<string>; findings: SuggestedFinding[]; evidence: Evidence[] }
      >();
      for (const r of results) {
        const native = r.account?.native_id ?? byIdentity.get(r.identity ?? '')?.revocation?.target ?? r.identity ?? '-';
        const key = accountKey(row.id, native);
        const findings = [...(r.finding ? [r.finding] : []), ...r.drift.map((d) => d.finding)];
        const evidence = [...r.evidence, ...r.drift.flatMap((d) => d.evidence)];
        const prior = rows.get(key);
        if (!prior) rows.set(key, { native, result: r, drift: new Set(r.drift.map((d) => d.kind)), findings, evidence });
        else {
          for (const d of r.drift) prior.drift.add(d.kind);
          prior.findings.push(...findings);
          prior.evidence.push(...evidence);
          if (r.state === 'drift') prior.result = r;
        }
      }
      const counts: RunCounts = {
        observed: summary.observed,
        matched: summary.matched,
        unmanaged: summary.unmanaged,
        missing: summary.missing,
        drift: summary.drift,
      };
      const digest = `sha256:${createHash('sha256')
        .update(
          read.accounts
            .map((a) => JSON.stringify(a))
            .sort()
            .join('\n'),
        )
        .digest('hex')}`;
      const error = read.error ?? null;
      return db.transaction(async (tx) => {
        await tx.run(
          'INSERT INTO discovery_runs (id, source_id, status, started_at, finished_at, counts, digest, error) VALUES (?, ?, ?, ?, ?, ' +
            '?, ?, ?)',
          [
            id,
            row.id,
            failed ? 'failed' : 'succeeded',
            read.started_at,
            read.finished_at,
            JSON.stringify({ ...counts, complete: read.complete }),
            digest,
            error,
          ],
        );
        const existing = new Map(
          (await tx.all<AccountRow>('SELECT * FROM discovery_accounts WHERE source_id = ?', [row.id])).map((r) => [r.key, r]),
        );
        for (const [key, e] of rows) {
          const prior = existing.get(key);
          const state = e.drift.size ? 'drift' : e.result.state;
          const account = accounts.get(e.native);
          const params = [
            row.id,
            e.native,
            state,
            JSON.stringify([...e.drift]),
            e.result.identity,
            account ? JSON.stringify(account) : null,
            JSON.stringify(e.evidence.slice(0, 50)),
            JSON.stringify(e.findings),
            at,
          ];
          if (prior) {
            await tx.run(
              'UPDATE discovery_accounts SET source_id = ?, native_id = ?, state = ?, drift = ?, identity_id = ?, account = ?, ' +
                'evidence = ?, findings = ?, last_seen = ? WHERE key = ?',
              [...params, key],
            );
          } else {
            await tx.run(
              'INSERT INTO discovery_accounts (source_id, native_id, state, drift, identity_id, account, evidence, findings, ' +
                'last_seen, key, first_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
              [...params, key, at],
            );
          }
        }
        // A complete read proves what is gone: its rows from earlier runs that this read did not see go.
        const gone = read.complete ? [...existing.keys()].filter((k) => !rows.has(k)) : [];
        for (let i = 0; i < gone.length; i += 500) {
          const chunk = gone.slice(i, i + 500);
          await tx.run(`DELETE FROM discovery_accounts WHERE key IN (${placeholders(chunk.length)})`, chunk);
        }
        await appendEvents(tx, at, [
          {
            actor,
            action: 'discovery.run',
            subject: { type: 'discovery_source', id: row.id },
            ...(reason ? { reason } : {}),
            after: {
              run: id,
              status: failed ? 'failed' : 'succeeded',
              complete: read.complete,
              counts,
              by_drift: summary.by_drift,
              unverified: summary.unverified.length,
              digest,
              removed: gone.length,
              ...(error ? { error } : {}),
            },
          },
        ]);
        return toRun({
          id,
          source_id: row.id,
          status: failed ? 'failed' : 'succeeded',
          started_at: read.started_at,
          finished_at: read.finished_at,
          counts: JSON.stringify({ ...counts, complete: read.complete }),
          digest,
          error,
        });
      });
    },

    /**
     * Runs every source whose schedule has come due (its last run started `every_s` ago or more, or
     * it never ran), one after another; answers the runs. A failed read is a failed run, recorded.
     */
    async runDue(): Promise<RunView[]> {
      const now = clock().getTime();
      const done: RunView[] = [];
      for (const r of await db.all<SourceRow>('SELECT * FROM discovery_sources ORDER BY id')) {
        const every = (JSON.parse(r.doc) as SourceDoc).every_s;
        if (!every) continue;
        const [last] = await db.all<{ started_at: string }>(
          'SELECT started_at FROM discovery_runs WHERE source_id = ? ORDER BY started_at DESC LIMIT 1',
          [r.id],
        );
        if (last && Date.parse(last.started_at) + every * 1000 > now) continue;
        done.push(await this.run('mandate:scheduler', r.id, `scheduled every ${every} s`));
      }
      return done;
    },

    /** A page of stored results in key order. */
    async accounts(q: {
      source?: string;
      state?: ReconcileState;
      identity?: string;
      after?: string;
      limit: number;
    }): Promise<AccountView[]> {
      const where: string[] = [];
      const params: (string | number)[] = [];
      if (q.source) {
        where.push('source_id = ?');
        params.push(q.source);
      }
      if (q.identity) {
        where.push('identity_id = ?');
        params.push(q.identity);
      }
      if (q.state) {
        where.push('state = ?');
        params.push(q.state);
      }
      if (q.after !== undefined) {
        where.push('key > ?');
        params.push(q.after);
      }
      const rows = await db.all<AccountRow>(
        `SELECT * FROM discovery_accounts${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY key LIMIT ?`,
        [...params, q.limit],
      );
      return rows.map(toAccount);
    },

    async account(key: string): Promise<AccountView> {
      return toAccount(await loadAccount(db, key));
    },

    async dismiss(actor: string, key: string, input: { reason: DismissReason; note?: string }): Promise<AccountView> {
      const at = clock().toISOString();
      return recorded(actor, { type: 'discovered_account', id: key }, 'discovery.account_dismiss', input, () =>
        db.transaction(async (tx) => {
          const row = await loadAccount(tx, key);
          if (row.disposition) throw new MandateError('ALREADY_DECIDED', `account ${key} is already ${row.disposition}`);
          const disposition = { reason: input.reason, ...(input.note ? { note: input.note } : {}), by: actor, at };
          await tx.run("UPDATE discovery_accounts SET disposition = 'dismissed', disposition_doc = ? WHERE key = ?", [
            JSON.stringify(disposition),
            key,
          ]);
          await appendEvents(tx, at, [
            {
              actor,
              action: 'discovery.account_dismissed',
              subject: { type: 'discovered_account', id: key },
              after: { source: row.source_id, native_id: row.native_id, state: row.state, ...disposition },
              reason: input.reason,
            },
          ]);
          return toAccount({ ...row, disposition: 'dismissed', disposition_doc: JSON.stringify(disposition) });
        }),
      );
    },

    /**
     * Adopts an unmanaged account: an identity prefilled from what was observed, created through
     * the inventory's normal path (held for approval when it has power: the change request is answered).
     */
    async adopt(actor: string, key: string, input: AdoptInput): Promise<{ outcome: WriteOutcome<Identity>; account: AccountView }> {
      const at = clock().toISOString();
      return recorded(actor, { type: 'discovered_account', id: key }, 'discovery.account_adopt', { key, id: input.id }, async () => {
        const row = await loadAccount(db, key);
        if (row.disposition === 'dismissed') throw new MandateError('ALREADY_DECIDED', `account ${key} is already dismissed`);
        if (row.disposition === 'adopted') {
          // Adopted again only if the first adoption came to nothing (its change request was rejected or expired).
          const adoptedAs = (JSON.parse(row.disposition_doc ?? '{}') as { identity?: string }).identity;
          if (adoptedAs && (await getRecord(db, 'identity', adoptedAs)))
            throw new MandateError('ALREADY_DECIDED', `account ${key} is already adopted as ${adoptedAs}`);
        }
        if (row.state !== 'unmanaged' || !row.account)
          throw new MandateError('INVALID_TRANSITION', `account ${key} is ${row.state}: only unmanaged accounts are adopted`);
        const a = JSON.parse(row.account) as ObservedAccount;
        const src = await loadSource(db, row.source_id);
        const doc = JSON.parse(src.doc) as SourceDoc;
        const environment = input.environment ?? a.environment ?? doc.environment;
        if (!environment || !(ENVIRONMENTS as readonly string[]).includes(environment))
          throw bad('/environment', `the source does not say which environment ${a.native_id} is in: give environment`);
        const fact = a.credentials.find((c) => c.type !== 'none' && c.active !== false);
        const credential: Identity['credential'] = {
          type: fact?.lifetime === 'short_lived' ? 'short_lived' : CREDENTIAL_OF[fact?.type ?? 'none'],
          created: fact?.created ?? fact?.last_rotated ?? row.first_seen,
          ...(fact?.last_rotated ? { last_rotated: fact.last_rotated } : {}),
          ...(fact?.expires ? { expires: fact.expires } : {}),
        };
        const connector = coversOf({ id: src.id, kind: src.kind, ...(doc.covers ? { covers: doc.covers } : {}) })[0]!;
        const id =
          input.id ??
          `${src.id}.${a.name}`
            .replace(/[^A-Za-z0-9._:@-]/g, '-')
            .replace(/^[^A-Za-z0-9]+/, '')
            .slice(0, 128);
        const identity: IdentityInput = {
          id,
          kind: 'service_account',
          function: input.function,
          capability: a.privilege === 'execute' ? 'execute' : 'observe',
          owner: input.owner,
          purpose: input.purpose,
          scopes: input.scopes,
          environment,
          credential,
          revocation: { connector, target: a.native_id },
          labels: { 'discovery.source': src.id, 'discovery.type': a.type.slice(0, 200), ...(input.labels ?? {}) },
          ...(a.last_used ? { last_used: a.last_used } : {}),
        };
        const outcome = await createIdentity(actor, identity);
        const disposition = 'held' in outcome ? { identity: id, change: outcome.held.id, by: actor, at } : { identity: id, by: actor, at };
        await db.transaction(async (tx) => {
          await tx.run("UPDATE discovery_accounts SET disposition = 'adopted', disposition_doc = ? WHERE key = ?", [
            JSON.stringify(disposition),
            key,
          ]);
          await appendEvents(tx, at, [
            {
              actor,
              action: 'discovery.account_adopted',
              subject: { type: 'discovered_account', id: key },
              after: { source: row.source_id, native_id: row.native_id, ...disposition, held: 'held' in outcome },
            },
          ]);
        });
        return { outcome, account: toAccount({ ...row, disposition: 'adopted', disposition_doc: JSON.stringify(disposition) }) };
      });
    },

    /**
     * The findings the stored results suggest, for the compliance checks: drift, unmanaged and
     * missing results nobody dismissed. An adopted account stays unmanaged (and a finding) until its
     * identity exists and a run has matched it: an adoption held for approval is not yet a declaration.
     */
    async findings(sql: Sql): Promise<SuggestedFinding[]> {
      const rows = await sql.all<{ findings: string }>(
        "SELECT findings FROM discovery_accounts WHERE (disposition IS NULL OR disposition <> 'dismissed') AND state IN ('drift', " +
          "'unmanaged', 'missing')",
      );
      return rows.flatMap((r) => JSON.parse(r.findings) as SuggestedFinding[]);
    },
  };
}

export type DiscoveryService = ReturnType<typeof discoveryService>;
export { DISCOVERY_CHECKS };
