// Discovery sources: how Mandate reads the accounts that really exist in a firm's systems. A source
// is a module that, given its configuration, yields observed accounts (src/core/discovery.ts) as an
// async iterable, so a large system streams. The built-in sources (PostgreSQL, MariaDB, Redis,
// RabbitMQ, NATS; Kubernetes, AWS IAM and GitHub exports) implement the same interface a firm's own
// module does (`{kind: 'module', path: './my-source.js'}`), so nobody forks Mandate to add one.
//
// Source credentials (passwords, URLs with passwords, tokens) are configuration: they never appear
// in errors, logs or results. Every error leaving a source passes through `redact`.
import { isAbsolute, resolve } from 'node:path';
import type { ObservedAccount } from '../core/discovery.js';
import type { Environment } from '../core/vocabulary.js';

/** A source's configuration, as a firm writes it. */
export interface SourceConfig {
  /** Unique among the firm's sources, e.g. `pg-prod`. Results name it. */
  id: string;
  /** A built-in kind (postgres, mariadb, redis, rabbitmq, nats, kubernetes, aws_iam, github) or `module`. */
  kind: string;
  /** For kind `module`: the ES module's path (relative to the configuration's directory) or file URL. */
  path?: string;
  /** The revocation connector names whose targets live here (default: the kind, e.g. ["postgres"]). */
  covers?: string[];
  /** The environment every account of this source belongs to, when the source is one environment. */
  environment?: Environment;
  /** Kind-specific settings (URLs, file paths…). Secrets here are redacted from every error. */
  options?: Record<string, unknown>;
}

/** What Mandate gives a source besides its configuration. */
export interface SourceContext {
  /** The configuration file's directory: relative paths in options resolve from here. */
  baseDir: string;
  now(): Date;
  /**
   * The firm's fingerprint key: when set, sources that see a secret's value in clear (a NATS config
   * file) record `hmac-sha256` of it, so sharing is detectable without storing anything crackable.
   */
  fingerprintKey?: Buffer;
  /** Progress and warnings; never passed a secret. */
  log?(message: string): void;
}

/** A configured source, ready to read. */
export interface DiscoverySource {
  readonly id: string;
  readonly kind: string;
  /** Revocation connector names this source's accounts answer for (SourceRun.covers). */
  readonly covers: readonly string[];
  /**
   * False when the source sees only some of the system's accounts (NATS users seen only through
   * their connections): its reads are never complete, so they never make an identity missing.
   */
  readonly exhaustive?: boolean;
  /** Reads the system and yields its accounts. Throws (redacted) on failure; a thrown read is incomplete. */
  observe(signal?: AbortSignal): AsyncIterable<ObservedAccount>;
  close?(): Promise<void>;
}

/** What a source module exports: a factory (named `createSource`, or the default export). */
export type SourceFactory = (config: SourceConfig, context: SourceContext) => DiscoverySource | Promise<DiscoverySource>;
export interface SourceModule {
  createSource?: SourceFactory;
  default?: SourceFactory;
}

/** A source failure. The message has been through `redact`: it is safe to log and store. */
export class SourceError extends Error {
  override readonly name = 'SourceError';
  constructor(
    readonly source: string,
    message: string,
  ) {
    super(message);
  }
}

/** Refused input: a malformed export or a bad account from a module, with the path of the first bad field. */
export class MalformedSourceError extends SourceError {
  constructor(
    source: string,
    readonly path: string,
    message: string,
  ) {
    super(source, message);
  }
}

const SECRET_KEY = /pass|secret|token|credential|private|api[-_]?key|auth/i;

/**
 * The secret strings of a configuration: values of keys that name a secret, passwords inside URLs
 * (and those URLs whole). Collected once per source so errors can be scrubbed of them.
 */
export function secretsOf(options: unknown, out: Set<string> = new Set()): Set<string> {
  if (!options || typeof options !== 'object') return out;
  for (const [k, v] of Object.entries(options as Record<string, unknown>)) {
    if (typeof v === 'string') {
      if (SECRET_KEY.test(k) && v.length >= 3) out.add(v);
      const m = /^[a-z][a-z0-9+.-]*:\/\/([^/@\s]*)@/i.exec(v);
      if (m) {
        out.add(v);
        const pw = m[1]!.split(':').slice(1).join(':');
        if (pw.length) {
          out.add(pw);
          try {
            out.add(decodeURIComponent(pw));
          } catch {
            // not percent-encoded
          }
        }
      }
    } else if (v && typeof v === 'object') secretsOf(v, out);
  }
  return out;
}

/** The text with every known secret, and any `user:password@` in a URL, replaced by `***`. */
export function redact(text: string, secrets: Iterable<string> = []): string {
  let out = text;
  // Longest first, so a URL goes before the password inside it.
  for (const s of [...secrets].sort((a, b) => b.length - a.length)) if (s) out = out.split(s).join('***');
  return out.replace(/([a-z][a-z0-9+.-]*:\/\/[^/@\s:]*):[^/@\s]*@/gi, '$1:***@');
}

export function coversOf(config: SourceConfig): string[] {
  return config.covers?.length ? [...config.covers] : [config.kind === 'module' ? config.id : config.kind];
}

/** Wraps a failure inside a built-in source: redacted, naming the source. */
export function sourceFailure(config: SourceConfig, what: string, err: unknown, secrets: Iterable<string>): SourceError {
  if (err instanceof SourceError) return err;
  const message = (err as Error)?.message ?? String(err);
  return new SourceError(config.id, redact(`source ${config.id}: ${what} failed: ${message}`, secrets));
}

/** A required string option, or a refusal naming the field. */
export function stringOption(config: SourceConfig, name: string, required: true): string;
export function stringOption(config: SourceConfig, name: string, required?: false): string | undefined;
export function stringOption(config: SourceConfig, name: string, required = false): string | undefined {
  const v = config.options?.[name];
  if (v === undefined || v === null || v === '') {
    if (required) throw new MalformedSourceError(config.id, `/options/${name}`, `source ${config.id}: options.${name} is required`);
    return undefined;
  }
  if (typeof v !== 'string')
    throw new MalformedSourceError(config.id, `/options/${name}`, `source ${config.id}: options.${name} must be a string`);
  return v;
}

/** A path option resolved from the configuration's directory. */
export function pathOption(config: SourceConfig, context: SourceContext, name: string, required: true): string;
export function pathOption(config: SourceConfig, context: SourceContext, name: string, required?: false): string | undefined;
export function pathOption(config: SourceConfig, context: SourceContext, name: string, required = false): string | undefined {
  const p = required ? stringOption(config, name, true) : stringOption(config, name);
  return p === undefined ? undefined : isAbsolute(p) ? p : resolve(context.baseDir, p);
}
