// The source registry: which built-in kinds exist, how a configuration becomes an open source (a
// built-in kind, or a firm's own module), and one read of a source with its secrets redacted. Apart
// from source.ts (the interface and the helpers every source uses) because it loads the sources,
// which import source.ts: keeping the two apart keeps the imports one way.
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { observedAccountProblem, SOURCE_ID, type ObservedAccount } from '../core/discovery.js';
import {
  MalformedSourceError,
  redact,
  secretsOf,
  SourceError,
  type DiscoverySource,
  type SourceConfig,
  type SourceContext,
  type SourceFactory,
  type SourceModule,
} from './source.js';

type Builtin = () => Promise<SourceFactory>;
// Loaded on use, so a firm that reads only PostgreSQL never loads the MariaDB driver.
const BUILTIN: Record<string, Builtin> = {
  postgres: async () => (await import('./postgres.js')).createSource,
  mariadb: async () => (await import('./mariadb.js')).createSource,
  redis: async () => (await import('./redis.js')).createSource,
  rabbitmq: async () => (await import('./rabbitmq.js')).createSource,
  nats: async () => (await import('./nats.js')).createSource,
  kubernetes: async () => (await import('./kubernetes.js')).createSource,
  aws_iam: async () => (await import('./aws-iam.js')).createSource,
  github: async () => (await import('./github.js')).createSource,
};
export const BUILTIN_SOURCE_KINDS = Object.keys(BUILTIN);

/** The configuration checked: a usable id and kind, a path for modules. */
export function checkSourceConfig(config: SourceConfig): void {
  const id = typeof config?.id === 'string' ? config.id : '';
  if (!SOURCE_ID.test(id)) throw new MalformedSourceError(id || '?', '/id', `a source id must match ${SOURCE_ID.source}`);
  if (config.kind === 'module') {
    if (typeof config.path !== 'string' || !config.path)
      throw new MalformedSourceError(id, '/path', `source ${id}: kind module needs a path`);
  } else if (!Object.hasOwn(BUILTIN, config.kind)) {
    throw new MalformedSourceError(
      id,
      '/kind',
      `source ${id}: unknown kind ${JSON.stringify(config.kind)} (built in: ${BUILTIN_SOURCE_KINDS.join(', ')}, or module)`,
    );
  }
  if (
    config.covers !== undefined &&
    !(Array.isArray(config.covers) && config.covers.every((c) => typeof c === 'string' && /^[a-z][a-z0-9_-]{0,39}$/.test(c)))
  ) {
    throw new MalformedSourceError(id, '/covers', `source ${id}: covers is a list of connector names`);
  }
}

/** Each opened source's configuration secrets, so its reads are redacted without being told. */
const SECRETS = new WeakMap<DiscoverySource, Set<string>>();
/** Built-in sources build valid accounts by construction (observedAccount): only modules' are checked one by one. */
const TRUSTED = new WeakSet<DiscoverySource>();

/**
 * Opens the source a configuration describes: a built-in kind, or a firm's module whose factory is
 * `createSource` or its default export. Accounts a module yields are checked (`collect`).
 */
export async function openSource(config: SourceConfig, context: SourceContext): Promise<DiscoverySource> {
  checkSourceConfig(config);
  const secrets = secretsOf(config.options);
  try {
    let factory: SourceFactory | undefined;
    if (config.kind === 'module') {
      const p = config.path!;
      const url = /^file:/.test(p) ? p : pathToFileURL(isAbsolute(p) ? p : resolve(context.baseDir, p)).href;
      const mod = (await import(url)) as SourceModule;
      factory = mod.createSource ?? mod.default;
      if (typeof factory !== 'function')
        throw new SourceError(config.id, `source ${config.id}: module ${p} exports neither createSource nor a default factory`);
    } else {
      factory = await BUILTIN[config.kind]!();
    }
    const source = await factory(config, context);
    SECRETS.set(source, secrets);
    if (config.kind !== 'module') TRUSTED.add(source);
    return source;
  } catch (err) {
    if (err instanceof SourceError) throw err;
    throw new SourceError(config.id, redact(`source ${config.id} cannot be opened: ${(err as Error)?.message ?? String(err)}`, secrets));
  }
}

/** One read of one source: the accounts, and whether the read is complete (the only kind `missing` may come from). */
export interface SourceReadResult {
  /** The source's id: a SourceReadResult is a SourceRun for `reconcile`. */
  id: string;
  kind: string;
  covers: string[];
  complete: boolean;
  accounts: ObservedAccount[];
  /** Why the read is incomplete (redacted). */
  error?: string;
  started_at: string;
  finished_at: string;
}

/**
 * Reads a source to the end. Every account of a firm's module is checked (it can yield anything;
 * built-in sources build theirs with observedAccount): the first bad one stops the read, which is then incomplete with the bad field's
 * path. Any failure
 * makes the read incomplete; the accounts seen so far are kept (they exist) but prove no absence.
 */
export async function readSource(
  source: DiscoverySource,
  options: { signal?: AbortSignal; secrets?: Iterable<string>; maxAccounts?: number; now?: () => Date } = {},
): Promise<SourceReadResult> {
  const now = options.now ?? (() => new Date());
  const started = now().toISOString();
  const accounts: ObservedAccount[] = [];
  const max = options.maxAccounts ?? 1_000_000;
  const seen = new Set<string>();
  let error: string | undefined;
  const trusted = TRUSTED.has(source);
  const signal = options.signal;
  try {
    if (signal?.aborted) throw abortError(source.id, signal);
    const iterator = source.observe(signal)[Symbol.asyncIterator]();
    // A source that ignores the signal (a module, a driver stuck on a dead server) must still not
    // hold the run forever: each step races the signal, and the iterator is told to stop.
    const aborted = signal
      ? new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(abortError(source.id, signal)), { once: true }))
      : undefined;
    aborted?.catch(() => undefined);
    for (;;) {
      const step = aborted
        ? await Promise.race([iterator.next(), aborted]).catch((err) => {
            void Promise.resolve(iterator.return?.()).catch(() => undefined);
            throw err;
          })
        : await iterator.next();
      if (step.done) break;
      const a = step.value;
      const bad = trusted ? null : observedAccountProblem(a);
      if (bad !== null)
        throw new MalformedSourceError(
          source.id,
          `/accounts/${accounts.length}${bad}`,
          `source ${source.id} yielded an invalid account at /accounts/${accounts.length}${bad}`,
        );
      if (a.source !== source.id)
        throw new MalformedSourceError(
          source.id,
          `/accounts/${accounts.length}/source`,
          `source ${source.id} yielded an account of source ${a.source}`,
        );
      if (seen.has(a.native_id))
        throw new MalformedSourceError(
          source.id,
          `/accounts/${accounts.length}/native_id`,
          `source ${source.id} yielded ${a.native_id} twice`,
        );
      seen.add(a.native_id);
      if (accounts.length >= max) throw new SourceError(source.id, `source ${source.id} yielded more than ${max} accounts`);
      accounts.push(a);
    }
  } catch (err) {
    error = redact((err as Error)?.message ?? String(err), [...(options.secrets ?? []), ...(SECRETS.get(source) ?? [])]);
  }
  return {
    id: source.id,
    kind: source.kind,
    covers: [...source.covers],
    complete: error === undefined && source.exhaustive !== false,
    accounts,
    ...(error !== undefined ? { error } : {}),
    started_at: started,
    finished_at: now().toISOString(),
  };
}

function abortError(id: string, signal: AbortSignal): SourceError {
  const reason = signal.reason as Error | undefined;
  return new SourceError(
    id,
    reason?.name === 'TimeoutError'
      ? `source ${id}: the read took too long and was stopped`
      : `source ${id}: the read was stopped (${reason?.message ?? 'aborted'})`,
  );
}

/** The covers of a configuration: as given, else the kind's own connector name. */
