// The connectors a running Mandate has, by the name identities use in revocation.connector, and
// how they are configured from the environment.
import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { MandateError } from '../../core/errors.js';
import type { Connector } from './connector.js';
import type { OutboundGuard } from '../../http/outbound.js';
import { postgresConnector } from './postgres.js';
import { rabbitmqConnector, type RabbitPermissions } from './rabbitmq.js';
import { redisConnector } from './redis.js';
import { webhookConnector } from './webhook.js';

export interface ConnectorRegistry {
  get(name: string): Connector | undefined;
  /** Registered names, sorted. */
  names(): string[];
  /** Closes every connector (pools), even when one fails; then throws if any did. */
  close(): Promise<void>;
}

export function connectorRegistry(connectors: readonly Connector[]): ConnectorRegistry {
  const byName = new Map<string, Connector>();
  for (const c of connectors) {
    if (byName.has(c.name)) throw new Error(`two connectors are named ${JSON.stringify(c.name)}`);
    byName.set(c.name, c);
  }
  return {
    get: (name) => byName.get(name),
    names: () => [...byName.keys()].sort(),
    async close() {
      const results = await Promise.allSettled([...byName.values()].map((c) => c.close?.()));
      const errors = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
      if (errors.length) throw new AggregateError(errors, 'closing connectors failed');
    },
  };
}

export const MANUAL_DETAIL = 'recorded for manual action';

/**
 * For systems Mandate cannot reach: it switches nothing off and does not pretend to. Its delivery
 * succeeds with detail "recorded for manual action", which marks an open task: a person must
 * disable (or enable) the target and record that they did. Until then the identity is suspended
 * in Mandate only, and the task stays open where the lead surfaces it.
 */
export function manualConnector(): Connector {
  return {
    name: 'manual',
    async apply() {
      return { detail: MANUAL_DETAIL };
    },
  };
}

type Env = Record<string, string | undefined>;

/**
 * The connectors configured by environment variables (each only when its variables are set),
 * plus `manual`, always:
 *
 * - postgres: MANDATE_CONNECTOR_POSTGRES_URL (admin URL; role needs CREATEROLE + pg_signal_backend)
 * - redis:    MANDATE_CONNECTOR_REDIS_URL (user needs +acl +client|kill +config|get)
 * - rabbitmq: MANDATE_CONNECTOR_RABBITMQ_MANAGEMENT_URL with _USER and _PASSWORD (management API),
 *             and/or MANDATE_CONNECTOR_RABBITMQ_CTL=1 (rabbitmqctl on PATH) or =/path/to/rabbitmqctl
 *             (used alone, or when the management API does not answer);
 *             optional _VHOST (default "/") and _PERMISSIONS, JSON
 *             {"user": {"configure": "…", "write": "…", "read": "…"}}: what enable grants per user
 *             (default ".*" for all three).
 * - webhook:  MANDATE_CONNECTOR_WEBHOOK_URL (for targets that are not URLs themselves),
 *             MANDATE_CONNECTOR_WEBHOOK_SECRET (HMAC-SHA256),
 *             MANDATE_CONNECTOR_WEBHOOK_ED25519_KEY_FILE (PKCS#8 PEM private key), or
 *             MANDATE_CONNECTOR_WEBHOOK_ED25519_KEY_ID (with MANDATE_KEY_STORE=pkcs11: the CKA_ID of an Ed25519
 *             key in the HSM, made there when absent; signs in the token); any one enables it.
 *             Its requests go through `opts.guard` (the outbound guard; default the strict one).
 *
 * The PostgreSQL, Redis and RabbitMQ connectors are not behind the outbound guard: their addresses
 * come from the server's environment (an admin's), not from the API, and they are infrastructure
 * on private addresses by nature.
 */
/** Signs with a key held elsewhere (an HSM: src/keys/pkcs11.ts). */
type RemoteSigner = { sign(data: Buffer): Promise<Buffer> };

export function connectorsFromEnv(
  env: Env = process.env,
  opts: { guard?: Pick<OutboundGuard, 'request'>; hsm?: { signerById(kid: string): Promise<RemoteSigner> } } = {},
): Connector[] {
  const get = (key: string) => {
    const v = env[key]?.trim();
    return v ? v : undefined;
  };
  const out: Connector[] = [];

  const pgUrl = get('MANDATE_CONNECTOR_POSTGRES_URL');
  if (pgUrl) out.push(postgresConnector({ url: pgUrl }));

  const redisUrl = get('MANDATE_CONNECTOR_REDIS_URL');
  if (redisUrl) out.push(redisConnector({ url: redisUrl }));

  const mgmt = get('MANDATE_CONNECTOR_RABBITMQ_MANAGEMENT_URL');
  const ctl = get('MANDATE_CONNECTOR_RABBITMQ_CTL');
  const ctlPath = ctl === undefined || /^(0|false|no)$/i.test(ctl) ? false : /^(1|true|yes)$/i.test(ctl) ? 'rabbitmqctl' : ctl;
  if (mgmt || ctlPath) {
    out.push(
      rabbitmqConnector({
        managementUrl: mgmt,
        username: get('MANDATE_CONNECTOR_RABBITMQ_USER'),
        password: get('MANDATE_CONNECTOR_RABBITMQ_PASSWORD'),
        vhost: get('MANDATE_CONNECTOR_RABBITMQ_VHOST'),
        rabbitmqctl: ctlPath,
        permissions: parsePermissions(get('MANDATE_CONNECTOR_RABBITMQ_PERMISSIONS')),
      }),
    );
  }

  const hookUrl = get('MANDATE_CONNECTOR_WEBHOOK_URL');
  const secret = get('MANDATE_CONNECTOR_WEBHOOK_SECRET');
  const keyFile = get('MANDATE_CONNECTOR_WEBHOOK_ED25519_KEY_FILE');
  const keyId = get('MANDATE_CONNECTOR_WEBHOOK_ED25519_KEY_ID');
  if (hookUrl || secret || keyFile || keyId) {
    const signer = keyId ? hsmSigner(keyId, keyFile, opts.hsm) : undefined;
    const signingKey = keyFile ? createPrivateKey({ key: readFileSync(keyFile), format: 'pem' }) : undefined;
    out.push(webhookConnector({ url: hookUrl, secret, signingKey, signer, ...(opts.guard ? { guard: opts.guard } : {}) }));
  }

  out.push(manualConnector());
  return out;
}

/** The webhook's Ed25519 key in the HSM, found (or made) at the first signature; an HSM away fails that attempt (retried). */
function hsmSigner(
  keyId: string,
  keyFile: string | undefined,
  hsm: { signerById(kid: string): Promise<RemoteSigner> } | undefined,
): RemoteSigner {
  const field = 'MANDATE_CONNECTOR_WEBHOOK_ED25519_KEY_ID';
  if (keyFile)
    throw new MandateError('VALIDATION_FAILED', `bad configuration: ${field} and ..._ED25519_KEY_FILE are both set: give one`, { field });
  if (!hsm) throw new MandateError('VALIDATION_FAILED', `bad configuration: ${field} needs MANDATE_KEY_STORE=pkcs11`, { field });
  let found: Promise<RemoteSigner> | undefined;
  return {
    async sign(data) {
      found ??= hsm.signerById(keyId);
      try {
        return await (await found).sign(data);
      } catch (err) {
        found = undefined;
        throw err;
      }
    },
  };
}

function parsePermissions(raw: string | undefined): Record<string, RabbitPermissions> | undefined {
  if (!raw) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new Error('MANDATE_CONNECTOR_RABBITMQ_PERMISSIONS is not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error('MANDATE_CONNECTOR_RABBITMQ_PERMISSIONS must be an object keyed by user name');
  }
  const out: Record<string, RabbitPermissions> = Object.create(null) as Record<string, RabbitPermissions>;
  for (const [user, p] of Object.entries(parsed)) {
    const { configure, write, read } = (p ?? {}) as Partial<RabbitPermissions>;
    if (typeof configure !== 'string' || typeof write !== 'string' || typeof read !== 'string') {
      throw new Error(`MANDATE_CONNECTOR_RABBITMQ_PERMISSIONS.${user} needs configure, write and read strings`);
    }
    out[user] = { configure, write, read };
  }
  return out;
}
