// Server configuration: one schema, read once at start from flags and the environment, frozen.
// The process refuses to start on a bad value rather than run half-configured.
import { Type, type Static } from '@sinclair/typebox';
import { MandateError } from './core/errors.js';
import { ajvIssues, compileBody } from './core/schema.js';
import { allowListFromEnv, parseAllowList } from './http/outbound.js';
import { DEFAULT_TTLS, TokenTtls } from './tokens/model.js';
import { DEFAULT_RATE_LIMITS, parseRateLimit, type RateLimit } from './http/rate-limit.js';

export const ServerConfig = Type.Object(
  {
    db: Type.String({ minLength: 1, maxLength: 2000, description: 'sqlite:PATH or postgres://user@host:port/db' }),
    host: Type.String({ minLength: 1, maxLength: 255 }),
    port: Type.Integer({ minimum: 0, maximum: 65535 }),
    demo: Type.Boolean(),
    logLevel: Type.Union(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l))),
    bootstrapToken: Type.Optional(Type.String({ maxLength: 512 })),
    caepReceivers: Type.Array(Type.String({ pattern: '^https?://', maxLength: 2000 }), { maxItems: 50, description: 'CAEP push endpoints (RFC 8935)' }),
    publicUrl: Type.Optional(Type.String({ pattern: '^https?://', maxLength: 2000, description: 'the issuer URL in signed tokens' })),
    kek: Type.Optional(Type.String({ maxLength: 200, description: 'base64 32-byte key-encryption key (MANDATE_KEK)' })),
    kekFile: Type.String({ minLength: 1, maxLength: 2000, description: 'file holding the KEK; created on first start when neither is given' }),
    ledgerOrigin: Type.String({ minLength: 1, maxLength: 200, pattern: '^[^\\s]+$' }),
    checkpointIntervalMs: Type.Integer({ minimum: 1000, maximum: 86_400_000 }),
    checkpointDir: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })),
    schedulerIntervalMs: Type.Integer({ minimum: 50, maximum: 3_600_000, description: 'how often due transitions and outbox deliveries are checked' }),
    natsUrl: Type.Optional(Type.String({ pattern: '^(nats://)?[^\\s]+$', maxLength: 500, description: 'also push enforcement deltas to NATS (MANDATE_NATS_URL)' })),
    tokenTtls: TokenTtls,
    signingKeyRotateHours: Type.Number({ minimum: 0.01, maximum: 8760 }),
    notifyUrls: Type.Array(Type.String({ pattern: '^https?://', maxLength: 2000 }), { maxItems: 50, description: 'webhooks told of approval requests, decisions and expiries (MANDATE_NOTIFY_URLS)' }),
    notifySecret: Type.Optional(Type.String({ minLength: 32, maxLength: 512, description: 'HMAC key signing the notifications (MANDATE_NOTIFY_SECRET)' })),
    checksIntervalMs: Type.Integer({ minimum: 1000, maximum: 86_400_000, description: 'how often the control checks run (MANDATE_CHECKS_INTERVAL_MS); they also run shortly after every change' }),
    approvalRulesFile: Type.Optional(Type.String({ minLength: 1, maxLength: 2000, description: 'the firm’s approval rules, YAML or JSON (MANDATE_APPROVAL_RULES_FILE)' })),
    metricsListen: Type.Optional(Type.String({ pattern: '^[^\\s:]+:\\d{1,5}$', maxLength: 300, description: 'also serve /metrics, without a token, on this host:port (MANDATE_METRICS_LISTEN)' })),
    discoverySourcesFile: Type.Optional(Type.String({ minLength: 1, maxLength: 2000, description: 'discovery sources, module sources included, YAML or JSON (MANDATE_DISCOVERY_SOURCES_FILE)' })),
    outboundAllow: Type.Array(Type.String({ minLength: 1, maxLength: 300 }), { maxItems: 200, description: 'hosts, addresses and CIDRs (optional :port) webhooks, notifications, CAEP receivers and JWKS may reach although private or loopback (MANDATE_OUTBOUND_ALLOW)' }),
    rateLimitAnonymous: Type.String({ maxLength: 40, description: 'requests per address to the /v1 routes that need no token, e.g. 1200/min, or off (MANDATE_RATE_LIMIT_ANONYMOUS)' }),
    rateLimitToken: Type.String({ maxLength: 40, description: 'requests per API token (or workload identity), e.g. 60000/min, or off (MANDATE_RATE_LIMIT_TOKEN)' }),
    rateLimitRedisUrl: Type.Optional(Type.String({ pattern: '^rediss?://', maxLength: 2000, description: 'count rate limits in this Redis rather than the store (MANDATE_RATE_LIMIT_REDIS_URL)' })),
  },
  { additionalProperties: false },
);
export type ServerConfig = Readonly<Static<typeof ServerConfig>>;

export const DEFAULT_DB = 'sqlite:./data/mandate.db';

export function loadServerConfig(
  flags: { db?: string; host?: string; port?: string; demo?: boolean },
  env: NodeJS.ProcessEnv = process.env,
): ServerConfig {
  const raw = {
    db: flags.db ?? env.MANDATE_DB ?? DEFAULT_DB,
    host: flags.host ?? env.MANDATE_HOST ?? '127.0.0.1',
    port: Number(flags.port ?? env.MANDATE_PORT ?? 8080),
    demo: flags.demo ?? false,
    logLevel: env.MANDATE_LOG_LEVEL ?? 'info',
    schedulerIntervalMs: Number(env.MANDATE_SCHEDULER_INTERVAL_MS ?? 1000),
    ...(env.MANDATE_KEK ? { kek: env.MANDATE_KEK } : {}),
    kekFile: env.MANDATE_KEK_FILE ?? './data/mandate.kek',
    ledgerOrigin: env.MANDATE_LEDGER_ORIGIN ?? 'mandate.local/ledger',
    checkpointIntervalMs: Number(env.MANDATE_CHECKPOINT_INTERVAL_MS ?? 60_000),
    ...(env.MANDATE_CHECKPOINT_DIR ? { checkpointDir: env.MANDATE_CHECKPOINT_DIR } : {}),
    caepReceivers: (env.MANDATE_CAEP_RECEIVERS ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    ...(env.MANDATE_PUBLIC_URL ? { publicUrl: env.MANDATE_PUBLIC_URL } : {}),
    ...(env.MANDATE_BOOTSTRAP_TOKEN ? { bootstrapToken: env.MANDATE_BOOTSTRAP_TOKEN } : {}),
    ...(env.MANDATE_NATS_URL ? { natsUrl: env.MANDATE_NATS_URL } : {}),
    tokenTtls: {
      default_s: Number(env.MANDATE_TOKEN_TTL_S ?? DEFAULT_TTLS.default_s),
      execute_custody_transfer_s: Number(env.MANDATE_TOKEN_TTL_EXECUTE_CUSTODY_S ?? DEFAULT_TTLS.execute_custody_transfer_s),
      legacy_s: Number(env.MANDATE_TOKEN_TTL_LEGACY_S ?? DEFAULT_TTLS.legacy_s),
      // e.g. MANDATE_TOKEN_TTL_BY_FUNCTION=reporting=1800,trading=600
      by_function: Object.fromEntries((env.MANDATE_TOKEN_TTL_BY_FUNCTION ?? '').split(',').filter(Boolean).map((kv) => {
        const [k, v] = kv.split('=');
        return [String(k).trim(), Number(v)];
      })),
    },
    signingKeyRotateHours: Number(env.MANDATE_SIGNING_KEY_ROTATE_HOURS ?? 24),
    checksIntervalMs: Number(env.MANDATE_CHECKS_INTERVAL_MS ?? 600_000),
    notifyUrls: (env.MANDATE_NOTIFY_URLS ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    ...(env.MANDATE_NOTIFY_SECRET ? { notifySecret: env.MANDATE_NOTIFY_SECRET } : {}),
    ...(env.MANDATE_APPROVAL_RULES_FILE ? { approvalRulesFile: env.MANDATE_APPROVAL_RULES_FILE } : {}),
    ...(env.MANDATE_METRICS_LISTEN ? { metricsListen: env.MANDATE_METRICS_LISTEN } : {}),
    ...(env.MANDATE_DISCOVERY_SOURCES_FILE ? { discoverySourcesFile: env.MANDATE_DISCOVERY_SOURCES_FILE } : {}),
    outboundAllow: allowListFromEnv(env.MANDATE_OUTBOUND_ALLOW),
    rateLimitAnonymous: env.MANDATE_RATE_LIMIT_ANONYMOUS ?? formatRateLimit(DEFAULT_RATE_LIMITS.anonymous),
    rateLimitToken: env.MANDATE_RATE_LIMIT_TOKEN ?? formatRateLimit(DEFAULT_RATE_LIMITS.token),
    ...(env.MANDATE_RATE_LIMIT_REDIS_URL ? { rateLimitRedisUrl: env.MANDATE_RATE_LIMIT_REDIS_URL } : {}),
  };
  const validate = compileBody(ServerConfig);
  if (!validate(raw)) {
    const issues = ajvIssues(validate.errors);
    throw new MandateError('VALIDATION_FAILED', `bad configuration: ${issues.map((i) => `${i.field} ${i.reason}`).join('; ')}`, { issues });
  }
  try {
    parseAllowList(raw.outboundAllow);
  } catch (err) {
    throw new MandateError('VALIDATION_FAILED', `bad configuration: MANDATE_OUTBOUND_ALLOW: ${(err as Error).message}`, { field: 'MANDATE_OUTBOUND_ALLOW' });
  }
  // Notifications leave signed, or not at all.
  if (raw.notifyUrls.length && !raw.notifySecret)
    throw new MandateError('VALIDATION_FAILED', 'bad configuration: MANDATE_NOTIFY_URLS needs MANDATE_NOTIFY_SECRET (32+ characters) to sign the notifications', { field: 'MANDATE_NOTIFY_SECRET' });
  for (const [name, value] of [['MANDATE_RATE_LIMIT_ANONYMOUS', raw.rateLimitAnonymous], ['MANDATE_RATE_LIMIT_TOKEN', raw.rateLimitToken]] as const) {
    if (parseRateLimit(value) === undefined)
      throw new MandateError('VALIDATION_FAILED', `bad configuration: ${name} is ${JSON.stringify(value)}; give N/s, N/min, N/h (e.g. 1200/min) or off`, { field: name });
  }
  return Object.freeze(raw as ServerConfig);
}

const formatRateLimit = (l: RateLimit | false): string => (l ? `${l.max}/${l.windowMs / 1000}s` : 'off');

/** The rate limits a configuration asks for (src/http/rate-limit.ts). */
export function rateLimitsOf(config: ServerConfig): { anonymous: RateLimit | false; token: RateLimit | false; redisUrl?: string } {
  return {
    anonymous: parseRateLimit(config.rateLimitAnonymous) ?? DEFAULT_RATE_LIMITS.anonymous,
    token: parseRateLimit(config.rateLimitToken) ?? DEFAULT_RATE_LIMITS.token,
    ...(config.rateLimitRedisUrl ? { redisUrl: config.rateLimitRedisUrl } : {}),
  };
}
