// Server configuration: one schema, read once at start from flags, the environment and the
// configuration file (MANDATE_CONFIG or --config, src/config-file.ts; the environment wins), frozen.
// The process refuses to start on a bad value rather than run half-configured.
import { Type, type Static } from '@sinclair/typebox';
import { MandateError } from './core/errors.js';
import { ajvIssues, compileBody } from './core/schema.js';
import { allowListFromEnv, parseAllowList } from './http/outbound.js';
import { DEFAULT_TTLS, TokenTtls } from './tokens/model.js';
import { DEFAULT_RATE_LIMITS, parseRateLimit, type RateLimit } from './http/rate-limit.js';
import { parseRoleMap, type RoleMap } from './core/signin.js';
import type { SigninConfig } from './signin/service.js';
import { withConfigFile } from './config-file.js';
import { parseFacility } from './siem/rfc5424.js';
import { parseOtlpHeaders } from './siem/otlp.js';

export const ServerConfig = Type.Object(
  {
    db: Type.String({ minLength: 1, maxLength: 2000, description: 'sqlite:PATH or postgres://user@host:port/db' }),
    host: Type.String({ minLength: 1, maxLength: 255 }),
    port: Type.Integer({ minimum: 0, maximum: 65535 }),
    demo: Type.Boolean(),
    logLevel: Type.Union(
      ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
      { description: 'what the log records (MANDATE_LOG_LEVEL): default info with MANDATE_LOG_FILE, else warn (no line per request)' },
    ),
    logFile: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 2000,
        description: 'append the log (JSON lines) to this file; warnings and errors also go to stderr (MANDATE_LOG_FILE)',
      }),
    ),
    bootstrapToken: Type.Optional(Type.String({ maxLength: 512 })),
    caepReceivers: Type.Array(Type.String({ pattern: '^https?://', maxLength: 2000 }), {
      maxItems: 50,
      description: 'CAEP push endpoints (RFC 8935)',
    }),
    publicUrl: Type.Optional(Type.String({ pattern: '^https?://', maxLength: 2000, description: 'the issuer URL in signed tokens' })),
    kek: Type.Optional(Type.String({ maxLength: 200, description: 'base64 32-byte key-encryption key (MANDATE_KEK)' })),
    kekFile: Type.String({
      minLength: 1,
      maxLength: 2000,
      description: 'file holding the KEK; created on first start when neither is given',
    }),
    kekSource: Type.Union([Type.Literal('key'), Type.Literal('hsm')], {
      description:
        'where the KEK comes from: key (MANDATE_KEK or MANDATE_KEK_FILE), or hsm (a data key stored wrapped by the HSM’s ' +
        'non-extractable AES key, unwrapped at start; needs MANDATE_KEY_STORE=pkcs11) (MANDATE_KEK_SOURCE)',
    }),
    keyStore: Type.Union([Type.Literal('sealed'), Type.Literal('pkcs11')], {
      description: 'where signing keys live: sealed under the KEK in the store, or made in an HSM through PKCS#11 (MANDATE_KEY_STORE)',
    }),
    pkcs11Module: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 2000,
        description: 'the PKCS#11 module, e.g. /usr/lib/softhsm/libsofthsm2.so (MANDATE_PKCS11_MODULE)',
      }),
    ),
    pkcs11Token: Type.Optional(Type.String({ minLength: 1, maxLength: 32, description: 'the HSM token’s label (MANDATE_PKCS11_TOKEN)' })),
    pkcs11PinFile: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 2000,
        description: 'a file holding the token’s user PIN, re-read at each login (MANDATE_PKCS11_PIN_FILE)',
      }),
    ),
    pkcs11Pin: Type.Optional(
      Type.String({ minLength: 1, maxLength: 256, description: 'or the PIN itself; never logged (MANDATE_PKCS11_PIN)' }),
    ),
    ledgerOrigin: Type.String({ minLength: 1, maxLength: 200, pattern: '^[^\\s]+$' }),
    checkpointIntervalMs: Type.Integer({ minimum: 1000, maximum: 86_400_000 }),
    checkpointDir: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })),
    schedulerIntervalMs: Type.Integer({
      minimum: 50,
      maximum: 3_600_000,
      description: 'how often due transitions and outbox deliveries are checked',
    }),
    natsUrl: Type.Optional(
      Type.String({
        pattern: '^(nats://)?[^\\s]+$',
        maxLength: 500,
        description: 'also push enforcement deltas to NATS (MANDATE_NATS_URL)',
      }),
    ),
    serverId: Type.Optional(
      Type.String({
        pattern: '^[A-Za-z0-9._:-]{1,128}$',
        description: 'this server among those on one PostgreSQL, in /readyz and the leader lease (MANDATE_SERVER_ID; default host-pid)',
      }),
    ),
    leaderRetryMs: Type.Integer({
      minimum: 50,
      maximum: 60_000,
      description: 'how often a follower tries to become the leader, and the leader checks its lock (MANDATE_LEADER_RETRY_MS)',
    }),
    leaderLeaseMs: Type.Integer({
      minimum: 1000,
      maximum: 600_000,
      description: 'a leader that stops answering (paused) loses the lead after this (MANDATE_LEADER_LEASE_MS)',
    }),
    changesPollMs: Type.Integer({
      minimum: 50,
      maximum: 3_600_000,
      description: 'the safety poll for changes other servers made, besides their notifications (MANDATE_CHANGES_POLL_MS)',
    }),
    tokenTtls: TokenTtls,
    signingKeyRotateHours: Type.Number({ minimum: 0.01, maximum: 8760 }),
    notifyUrls: Type.Array(Type.String({ pattern: '^https?://', maxLength: 2000 }), {
      maxItems: 50,
      description: 'webhooks told of approval requests, decisions and expiries (MANDATE_NOTIFY_URLS)',
    }),
    notifySecret: Type.Optional(
      Type.String({ minLength: 32, maxLength: 512, description: 'HMAC key signing the notifications (MANDATE_NOTIFY_SECRET)' }),
    ),
    checksIntervalMs: Type.Integer({
      minimum: 1000,
      maximum: 86_400_000,
      description: 'how often the control checks run (MANDATE_CHECKS_INTERVAL_MS); they also run shortly after every change',
    }),
    approvalRulesFile: Type.Optional(
      Type.String({ minLength: 1, maxLength: 2000, description: 'the firm’s approval rules, YAML or JSON (MANDATE_APPROVAL_RULES_FILE)' }),
    ),
    trustProxy: Type.Optional(
      Type.Array(Type.String({ pattern: '^[0-9A-Fa-f:.]+(/\\d{1,3})?$', maxLength: 50 }), {
        minItems: 1,
        maxItems: 50,
        description:
          'the load balancers whose X-Forwarded-For is believed, as addresses or CIDRs, comma-separated (MANDATE_TRUST_PROXY): ' +
          'the caller address (rate limits, logs, evidence) is then the client, not the load balancer',
      }),
    ),
    metricsListen: Type.Optional(
      Type.String({
        pattern: '^[^\\s:]+:\\d{1,5}$',
        maxLength: 300,
        description: 'also serve /metrics, without a token, on this host:port (MANDATE_METRICS_LISTEN)',
      }),
    ),
    discoverySourcesFile: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 2000,
        description: 'discovery sources, module sources included, YAML or JSON (MANDATE_DISCOVERY_SOURCES_FILE)',
      }),
    ),
    outboundAllow: Type.Array(Type.String({ minLength: 1, maxLength: 300 }), {
      maxItems: 200,
      description:
        'hosts, addresses and CIDRs (optional :port) webhooks, notifications, CAEP ' +
        'receivers and JWKS may reach although private or loopback (MANDATE_OUTBOUND_ALLOW)',
    }),
    rateLimitAnonymous: Type.String({
      maxLength: 40,
      description: 'requests per address to the /v1 routes that need no token, e.g. 1200/min, or off (MANDATE_RATE_LIMIT_ANONYMOUS)',
    }),
    rateLimitToken: Type.String({
      maxLength: 40,
      description: 'requests per API token (or workload identity), e.g. 60000/min, or off (MANDATE_RATE_LIMIT_TOKEN)',
    }),
    rateLimitRedisUrl: Type.Optional(
      Type.String({
        pattern: '^rediss?://',
        maxLength: 2000,
        description: 'count rate limits in this Redis rather than the store (MANDATE_RATE_LIMIT_REDIS_URL)',
      }),
    ),
    oidcIssuer: Type.Optional(
      Type.String({
        pattern: '^https?://',
        maxLength: 2000,
        description: 'people sign in with this OpenID provider (MANDATE_OIDC_ISSUER)',
      }),
    ),
    oidcClientId: Type.Optional(
      Type.String({ minLength: 1, maxLength: 500, description: 'Mandate’s client id at the provider (MANDATE_OIDC_CLIENT_ID)' }),
    ),
    oidcClientSecret: Type.Optional(
      Type.String({ minLength: 1, maxLength: 2000, description: 'its client secret (MANDATE_OIDC_CLIENT_SECRET)' }),
    ),
    oidcClientKeyFile: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 2000,
        description: 'or a private key (JWK or PKCS#8 PEM) for private_key_jwt (MANDATE_OIDC_CLIENT_KEY_FILE)',
      }),
    ),
    oidcScopes: Type.String({
      minLength: 1,
      maxLength: 1000,
      pattern: '(^|\\s)openid(\\s|$)',
      description: 'the scopes asked for, openid among them (MANDATE_OIDC_SCOPES)',
    }),
    oidcGroupsClaim: Type.String({
      minLength: 1,
      maxLength: 200,
      description: 'the claim naming a person’s groups, or a dotted path into one (MANDATE_OIDC_GROUPS_CLAIM)',
    }),
    oidcDeviceClaim: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 200,
        description: 'the claim naming the device’s posture, or a dotted path; default device_posture (MANDATE_OIDC_DEVICE_CLAIM)',
      }),
    ),
    oidcRoleMap: Type.Record(Type.String(), Type.Array(Type.String()), {
      description: 'a group → the Mandate roles it gives (MANDATE_OIDC_ROLE_MAP, JSON)',
    }),
    sessionIdleMinutes: Type.Integer({
      minimum: 1,
      maximum: 1440,
      description: 'a sign-in session unused this long ends (MANDATE_SESSION_IDLE_MINUTES)',
    }),
    sessionMaxHours: Type.Number({
      minimum: 0.1,
      maximum: 720,
      description: 'a sign-in session ends this long after it started (MANDATE_SESSION_MAX_HOURS)',
    }),
    stepUpMaxAgeMinutes: Type.Integer({
      minimum: 1,
      maximum: 1440,
      description: 'acts of power need an MFA sign-in no older than this (MANDATE_STEPUP_MAX_AGE_MINUTES)',
    }),
    bootstrapTtlHours: Type.Number({
      minimum: 0.1,
      maximum: 720,
      description: 'the first-start admin token expires after this (MANDATE_BOOTSTRAP_TTL_HOURS): it is for configuring sign-on',
    }),
    apiTokenMaxDays: Type.Number({
      minimum: 1,
      maximum: 400,
      description: "a person's own API token expires after this at most, and by default (MANDATE_API_TOKEN_MAX_DAYS)",
    }),
    apiTokenAllowNoExpiry: Type.Boolean({
      description: 'a person may make an API token that never expires (MANDATE_API_TOKEN_ALLOW_NO_EXPIRY=true)',
    }),
    demoOidcPort: Type.Integer({
      minimum: 0,
      maximum: 65535,
      description: 'with --demo and no MANDATE_OIDC_ISSUER: the demo OpenID provider listens on 127.0.0.1 here (MANDATE_DEMO_OIDC_PORT)',
    }),
    siemSyslog: Type.Optional(
      Type.String({
        maxLength: 500,
        description: 'stream the ledger to this syslog receiver, RFC 5424 over TCP or TLS (MANDATE_SIEM_SYSLOG=tls://host:6514)',
      }),
    ),
    siemSyslogCaFile: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 2000,
        description: 'PEM CA certificates the tls:// syslog receiver must chain to; default Node’s (MANDATE_SIEM_SYSLOG_CA_FILE)',
      }),
    ),
    siemSyslogFacility: Type.String({
      minLength: 1,
      maxLength: 20,
      description: 'the syslog facility, a name (authpriv, local0 …) or 0..23 (MANDATE_SIEM_SYSLOG_FACILITY)',
    }),
    siemSyslogAppName: Type.String({
      maxLength: 200,
      description: 'the syslog APP-NAME (MANDATE_SIEM_SYSLOG_APP_NAME)',
    }),
    siemOtlpUrl: Type.Optional(
      Type.String({
        maxLength: 2000,
        description: 'stream the ledger to this OTLP/HTTP logs endpoint, JSON; no path: /v1/logs (MANDATE_SIEM_OTLP_URL)',
      }),
    ),
    siemOtlpHeaders: Type.Optional(
      Type.String({
        maxLength: 8000,
        description: 'headers sent to the OTLP endpoint, name=value,… percent-encoded; never logged (MANDATE_SIEM_OTLP_HEADERS)',
      }),
    ),
    stepUpAcr: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 500,
        description: 'an acr that counts as strong enough for step-up, as well as an MFA amr (MANDATE_STEPUP_ACR)',
      }),
    ),
    tlsCertFile: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 2000,
        description:
          'serve HTTPS with this PEM certificate (chain, leaf first), reloaded when the file changes; with MANDATE_TLS_KEY_FILE ' +
          '(MANDATE_TLS_CERT_FILE)',
      }),
    ),
    tlsKeyFile: Type.Optional(
      Type.String({ minLength: 1, maxLength: 2000, description: 'the certificate’s PEM private key, unencrypted (MANDATE_TLS_KEY_FILE)' }),
    ),
    tlsClientCaFile: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 2000,
        description:
          'mutual TLS: the enforcement routes need a client certificate chained to this PEM CA, beside their token ' +
          '(MANDATE_TLS_CLIENT_CA_FILE)',
      }),
    ),
  },
  { additionalProperties: false },
);
export type ServerConfig = Readonly<Static<typeof ServerConfig>>;

export const DEFAULT_DB = 'sqlite:./data/mandate.db';

export function loadServerConfig(
  flags: { db?: string; host?: string; port?: string; demo?: boolean; config?: string },
  processEnv: NodeJS.ProcessEnv = process.env,
): ServerConfig {
  const { env, checkKeys } = withConfigFile(processEnv, flags.config);
  const raw = {
    db: flags.db ?? env.MANDATE_DB ?? DEFAULT_DB,
    host: flags.host ?? env.MANDATE_HOST ?? '127.0.0.1',
    port: Number(flags.port ?? env.MANDATE_PORT ?? 8080),
    demo: flags.demo ?? false,
    // The log goes to stderr, or to MANDATE_LOG_FILE; on a terminal, a line per request would bury
    // the start-up message (the one-time admin token), so without a file only warnings and errors.
    ...(env.MANDATE_LOG_FILE ? { logFile: env.MANDATE_LOG_FILE } : {}),
    logLevel: env.MANDATE_LOG_LEVEL ?? (env.MANDATE_LOG_FILE ? 'info' : 'warn'),
    schedulerIntervalMs: Number(env.MANDATE_SCHEDULER_INTERVAL_MS ?? 1000),
    ...(env.MANDATE_KEK ? { kek: env.MANDATE_KEK } : {}),
    kekFile: env.MANDATE_KEK_FILE ?? './data/mandate.kek',
    kekSource: env.MANDATE_KEK_SOURCE ?? 'key',
    keyStore: env.MANDATE_KEY_STORE ?? 'sealed',
    ...(env.MANDATE_PKCS11_MODULE ? { pkcs11Module: env.MANDATE_PKCS11_MODULE } : {}),
    ...(env.MANDATE_PKCS11_TOKEN ? { pkcs11Token: env.MANDATE_PKCS11_TOKEN } : {}),
    ...(env.MANDATE_PKCS11_PIN_FILE ? { pkcs11PinFile: env.MANDATE_PKCS11_PIN_FILE } : {}),
    ...(env.MANDATE_PKCS11_PIN ? { pkcs11Pin: env.MANDATE_PKCS11_PIN } : {}),
    ledgerOrigin: env.MANDATE_LEDGER_ORIGIN ?? 'mandate.local/ledger',
    checkpointIntervalMs: Number(env.MANDATE_CHECKPOINT_INTERVAL_MS ?? 60_000),
    ...(env.MANDATE_CHECKPOINT_DIR ? { checkpointDir: env.MANDATE_CHECKPOINT_DIR } : {}),
    caepReceivers: (env.MANDATE_CAEP_RECEIVERS ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    ...(env.MANDATE_PUBLIC_URL ? { publicUrl: env.MANDATE_PUBLIC_URL } : {}),
    ...(env.MANDATE_BOOTSTRAP_TOKEN ? { bootstrapToken: env.MANDATE_BOOTSTRAP_TOKEN } : {}),
    ...(env.MANDATE_NATS_URL ? { natsUrl: env.MANDATE_NATS_URL } : {}),
    ...(env.MANDATE_SERVER_ID ? { serverId: env.MANDATE_SERVER_ID } : {}),
    leaderRetryMs: Number(env.MANDATE_LEADER_RETRY_MS ?? 1000),
    leaderLeaseMs: Number(env.MANDATE_LEADER_LEASE_MS ?? 5000),
    changesPollMs: Number(env.MANDATE_CHANGES_POLL_MS ?? 2000),
    tokenTtls: {
      default_s: Number(env.MANDATE_TOKEN_TTL_S ?? DEFAULT_TTLS.default_s),
      execute_custody_transfer_s: Number(env.MANDATE_TOKEN_TTL_EXECUTE_CUSTODY_S ?? DEFAULT_TTLS.execute_custody_transfer_s),
      legacy_s: Number(env.MANDATE_TOKEN_TTL_LEGACY_S ?? DEFAULT_TTLS.legacy_s),
      // e.g. MANDATE_TOKEN_TTL_BY_FUNCTION=reporting=1800,trading=600
      by_function: Object.fromEntries(
        (env.MANDATE_TOKEN_TTL_BY_FUNCTION ?? '')
          .split(',')
          .filter(Boolean)
          .map((kv) => {
            const [k, v] = kv.split('=');
            return [String(k).trim(), Number(v)];
          }),
      ),
    },
    signingKeyRotateHours: Number(env.MANDATE_SIGNING_KEY_ROTATE_HOURS ?? 24),
    checksIntervalMs: Number(env.MANDATE_CHECKS_INTERVAL_MS ?? 600_000),
    notifyUrls: (env.MANDATE_NOTIFY_URLS ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    ...(env.MANDATE_NOTIFY_SECRET ? { notifySecret: env.MANDATE_NOTIFY_SECRET } : {}),
    ...(env.MANDATE_APPROVAL_RULES_FILE ? { approvalRulesFile: env.MANDATE_APPROVAL_RULES_FILE } : {}),
    ...(env.MANDATE_METRICS_LISTEN ? { metricsListen: env.MANDATE_METRICS_LISTEN } : {}),
    ...(env.MANDATE_TRUST_PROXY
      ? {
          trustProxy: env.MANDATE_TRUST_PROXY.split(',')
            .map((s) => s.trim())
            .filter(Boolean),
        }
      : {}),
    ...(env.MANDATE_DISCOVERY_SOURCES_FILE ? { discoverySourcesFile: env.MANDATE_DISCOVERY_SOURCES_FILE } : {}),
    outboundAllow: allowListFromEnv(env.MANDATE_OUTBOUND_ALLOW),
    rateLimitAnonymous: env.MANDATE_RATE_LIMIT_ANONYMOUS ?? formatRateLimit(DEFAULT_RATE_LIMITS.anonymous),
    rateLimitToken: env.MANDATE_RATE_LIMIT_TOKEN ?? formatRateLimit(DEFAULT_RATE_LIMITS.token),
    ...(env.MANDATE_RATE_LIMIT_REDIS_URL ? { rateLimitRedisUrl: env.MANDATE_RATE_LIMIT_REDIS_URL } : {}),
    ...(env.MANDATE_OIDC_ISSUER ? { oidcIssuer: env.MANDATE_OIDC_ISSUER } : {}),
    ...(env.MANDATE_OIDC_CLIENT_ID ? { oidcClientId: env.MANDATE_OIDC_CLIENT_ID } : {}),
    ...(env.MANDATE_OIDC_CLIENT_SECRET ? { oidcClientSecret: env.MANDATE_OIDC_CLIENT_SECRET } : {}),
    ...(env.MANDATE_OIDC_CLIENT_KEY_FILE ? { oidcClientKeyFile: env.MANDATE_OIDC_CLIENT_KEY_FILE } : {}),
    oidcScopes: env.MANDATE_OIDC_SCOPES ?? DEFAULT_OIDC_SCOPES,
    oidcGroupsClaim: env.MANDATE_OIDC_GROUPS_CLAIM ?? 'groups',
    ...(env.MANDATE_OIDC_DEVICE_CLAIM ? { oidcDeviceClaim: env.MANDATE_OIDC_DEVICE_CLAIM } : {}),
    oidcRoleMap: roleMapFromEnv(env.MANDATE_OIDC_ROLE_MAP),
    sessionIdleMinutes: Number(env.MANDATE_SESSION_IDLE_MINUTES ?? 30),
    sessionMaxHours: Number(env.MANDATE_SESSION_MAX_HOURS ?? 12),
    stepUpMaxAgeMinutes: Number(env.MANDATE_STEPUP_MAX_AGE_MINUTES ?? 10),
    ...(env.MANDATE_STEPUP_ACR ? { stepUpAcr: env.MANDATE_STEPUP_ACR } : {}),
    ...(env.MANDATE_SIEM_SYSLOG ? { siemSyslog: env.MANDATE_SIEM_SYSLOG } : {}),
    ...(env.MANDATE_SIEM_SYSLOG_CA_FILE ? { siemSyslogCaFile: env.MANDATE_SIEM_SYSLOG_CA_FILE } : {}),
    siemSyslogFacility: env.MANDATE_SIEM_SYSLOG_FACILITY ?? 'authpriv',
    siemSyslogAppName: env.MANDATE_SIEM_SYSLOG_APP_NAME ?? 'mandate',
    ...(env.MANDATE_SIEM_OTLP_URL ? { siemOtlpUrl: env.MANDATE_SIEM_OTLP_URL } : {}),
    ...(env.MANDATE_SIEM_OTLP_HEADERS ? { siemOtlpHeaders: env.MANDATE_SIEM_OTLP_HEADERS } : {}),
    bootstrapTtlHours: Number(env.MANDATE_BOOTSTRAP_TTL_HOURS ?? 24),
    apiTokenMaxDays: Number(env.MANDATE_API_TOKEN_MAX_DAYS ?? 90),
    apiTokenAllowNoExpiry: booleanFromEnv(env.MANDATE_API_TOKEN_ALLOW_NO_EXPIRY),
    demoOidcPort: Number(env.MANDATE_DEMO_OIDC_PORT ?? DEFAULT_DEMO_OIDC_PORT),
    ...(env.MANDATE_TLS_CERT_FILE ? { tlsCertFile: env.MANDATE_TLS_CERT_FILE } : {}),
    ...(env.MANDATE_TLS_KEY_FILE ? { tlsKeyFile: env.MANDATE_TLS_KEY_FILE } : {}),
    ...(env.MANDATE_TLS_CLIENT_CA_FILE ? { tlsClientCaFile: env.MANDATE_TLS_CLIENT_CA_FILE } : {}),
  };
  // A key of the configuration file that nothing above read is a typo, or a setting of another version.
  checkKeys();
  const validate = compileBody(ServerConfig);
  if (!validate(raw)) {
    // Named as the operator wrote them: the variable in the setting's description, e.g. MANDATE_TRUST_PROXY.
    const issues = ajvIssues(validate.errors).map((i) => ({ ...i, field: envNameOf(i.field) }));
    throw new MandateError('VALIDATION_FAILED', `bad configuration: ${issues.map((i) => `${i.field} ${i.reason}`).join('; ')}`, {
      issues,
      field: issues[0]?.field,
    });
  }
  try {
    parseAllowList(raw.outboundAllow);
  } catch (err) {
    throw new MandateError('VALIDATION_FAILED', `bad configuration: MANDATE_OUTBOUND_ALLOW: ${(err as Error).message}`, {
      field: 'MANDATE_OUTBOUND_ALLOW',
    });
  }
  // Notifications leave signed, or not at all.
  if (raw.notifyUrls.length && !raw.notifySecret)
    throw new MandateError(
      'VALIDATION_FAILED',
      'bad configuration: MANDATE_NOTIFY_URLS needs MANDATE_NOTIFY_SECRET (32+ characters) to sign the notifications',
      { field: 'MANDATE_NOTIFY_SECRET' },
    );
  for (const [name, value] of [
    ['MANDATE_RATE_LIMIT_ANONYMOUS', raw.rateLimitAnonymous],
    ['MANDATE_RATE_LIMIT_TOKEN', raw.rateLimitToken],
  ] as const) {
    if (parseRateLimit(value) === undefined)
      throw new MandateError(
        'VALIDATION_FAILED',
        `bad configuration: ${name} is ${JSON.stringify(value)}; give N/s, N/min, N/h (e.g. 1200/min) or off`,
        { field: name },
      );
  }
  checkSiem(raw);
  // The leader pings its lock every retry interval: a lease shorter than two pings would lose it to a hiccup.
  if (raw.leaderLeaseMs < 2 * raw.leaderRetryMs)
    throw new MandateError(
      'VALIDATION_FAILED',
      `bad configuration: MANDATE_LEADER_LEASE_MS (${raw.leaderLeaseMs}) must be at least twice ` +
        `MANDATE_LEADER_RETRY_MS (${raw.leaderRetryMs})`,
      { field: 'MANDATE_LEADER_LEASE_MS' },
    );
  checkSignin(raw);
  checkKeyStore(raw as ServerConfig);
  checkTls(raw);
  return Object.freeze(raw as ServerConfig);
}

/** `/trustProxy/0` → `MANDATE_TRUST_PROXY`, from the setting's description; the JSON pointer when it names none. */
function envNameOf(pointer: string): string {
  const key = pointer.split('/')[1] ?? '';
  const description = (ServerConfig.properties as Record<string, { description?: string } | undefined>)[key]?.description ?? '';
  return /\((MANDATE_[A-Z0-9_]+)\)/.exec(description)?.[1] ?? pointer;
}

export const DEFAULT_OIDC_SCOPES = 'openid profile email offline_access';
export const DEFAULT_DEMO_OIDC_PORT = 4001;

/** true/false (1/0, yes/no); anything else is refused by the schema as it is. */
function booleanFromEnv(text: string | undefined): boolean | string {
  if (text === undefined || text.trim() === '') return false;
  const t = text.trim().toLowerCase();
  if (['true', '1', 'yes'].includes(t)) return true;
  if (['false', '0', 'no'].includes(t)) return false;
  return text;
}

function roleMapFromEnv(text: string | undefined): RoleMap {
  if (text === undefined || text.trim() === '') return {};
  const parsed = parseRoleMap(text);
  if ('error' in parsed) {
    const field = 'MANDATE_OIDC_ROLE_MAP';
    throw new MandateError('VALIDATION_FAILED', `bad configuration: ${field} ${parsed.error}`, { field });
  }
  return parsed.map;
}

/** The SIEM stream's settings that the schema cannot check alone (src/siem/). */
function checkSiem(raw: {
  siemSyslog?: string;
  siemSyslogCaFile?: string;
  siemSyslogFacility: string;
  siemSyslogAppName: string;
  siemOtlpUrl?: string;
  siemOtlpHeaders?: string;
}): void {
  const bad = (field: string, message: string) => new MandateError('VALIDATION_FAILED', `bad configuration: ${message}`, { field });
  if (raw.siemSyslog !== undefined && !/^(tcp|tls):\/\/(\[[0-9a-f:.]+\]|[^\s/@:[\]]+):\d{1,5}$/i.test(raw.siemSyslog))
    throw bad('MANDATE_SIEM_SYSLOG', `MANDATE_SIEM_SYSLOG is ${JSON.stringify(raw.siemSyslog)}; give tcp://host:port or tls://host:port`);
  if (!/^[\x21-\x7e]{1,48}$/.test(raw.siemSyslogAppName))
    throw bad(
      'MANDATE_SIEM_SYSLOG_APP_NAME',
      'MANDATE_SIEM_SYSLOG_APP_NAME must be 1 to 48 printable US-ASCII characters, no space (RFC 5424)',
    );
  if (raw.siemOtlpUrl !== undefined && !/^https?:\/\/[^\s/?#]+[^\s]*$/.test(raw.siemOtlpUrl))
    throw bad(
      'MANDATE_SIEM_OTLP_URL',
      'MANDATE_SIEM_OTLP_URL must be an http:// or https:// URL (the OTLP/HTTP endpoint, e.g. https://collector:4318)',
    );
  if (raw.siemOtlpUrl !== undefined && /^https?:\/\/[^/]*@/.test(raw.siemOtlpUrl))
    throw bad('MANDATE_SIEM_OTLP_URL', 'MANDATE_SIEM_OTLP_URL must not hold credentials: give them in MANDATE_SIEM_OTLP_HEADERS');
  if (parseFacility(raw.siemSyslogFacility) === undefined)
    throw bad(
      'MANDATE_SIEM_SYSLOG_FACILITY',
      `MANDATE_SIEM_SYSLOG_FACILITY is ${JSON.stringify(raw.siemSyslogFacility)}; give a name (authpriv, local0 …) or 0..23`,
    );
  if (raw.siemSyslogCaFile && !raw.siemSyslog?.startsWith('tls://'))
    throw bad('MANDATE_SIEM_SYSLOG_CA_FILE', 'MANDATE_SIEM_SYSLOG_CA_FILE needs MANDATE_SIEM_SYSLOG=tls://host:port');
  if (raw.siemSyslog && Number(raw.siemSyslog.slice(raw.siemSyslog.lastIndexOf(':') + 1)) > 65535)
    throw bad('MANDATE_SIEM_SYSLOG', `MANDATE_SIEM_SYSLOG ${raw.siemSyslog}: the port is past 65535`);
  if (raw.siemOtlpHeaders !== undefined) {
    if (!raw.siemOtlpUrl) throw bad('MANDATE_SIEM_OTLP_URL', 'MANDATE_SIEM_OTLP_HEADERS is set but MANDATE_SIEM_OTLP_URL is not');
    // The message names a header at most, never a value: the value is usually a credential.
    const parsed = parseOtlpHeaders(raw.siemOtlpHeaders);
    if ('error' in parsed) throw bad('MANDATE_SIEM_OTLP_HEADERS', `MANDATE_SIEM_OTLP_HEADERS: ${parsed.error}`);
  }
}

/** Single sign-on is all or nothing: an issuer needs a client, one way to authenticate it, and a role map. */
function checkSignin(raw: {
  oidcIssuer?: string;
  oidcClientId?: string;
  oidcClientSecret?: string;
  oidcClientKeyFile?: string;
  oidcRoleMap: RoleMap;
}): void {
  const bad = (field: string, message: string) => new MandateError('VALIDATION_FAILED', `bad configuration: ${message}`, { field });
  if (!raw.oidcIssuer) {
    const keys = [
      ['MANDATE_OIDC_CLIENT_ID', raw.oidcClientId],
      ['MANDATE_OIDC_CLIENT_SECRET', raw.oidcClientSecret],
      ['MANDATE_OIDC_CLIENT_KEY_FILE', raw.oidcClientKeyFile],
      ['MANDATE_OIDC_ROLE_MAP', Object.keys(raw.oidcRoleMap).length ? raw.oidcRoleMap : undefined],
    ] as const;
    const stray = keys.find(([, v]) => v !== undefined)?.[0];
    if (stray) throw bad('MANDATE_OIDC_ISSUER', `${stray} is set but MANDATE_OIDC_ISSUER is not`);
    return;
  }
  if (!raw.oidcClientId) throw bad('MANDATE_OIDC_CLIENT_ID', 'MANDATE_OIDC_ISSUER needs MANDATE_OIDC_CLIENT_ID');
  if (!raw.oidcClientSecret === !raw.oidcClientKeyFile)
    throw bad(
      'MANDATE_OIDC_CLIENT_SECRET',
      'MANDATE_OIDC_ISSUER needs one of MANDATE_OIDC_CLIENT_SECRET and MANDATE_OIDC_CLIENT_KEY_FILE (private_key_jwt)',
    );
  if (Object.keys(raw.oidcRoleMap).length === 0)
    throw bad(
      'MANDATE_OIDC_ROLE_MAP',
      'MANDATE_OIDC_ISSUER needs MANDATE_OIDC_ROLE_MAP (JSON from a group to Mandate roles, e.g. {"mandate-admins":["admin"]}): ' +
        'without it nobody could sign in',
    );
}

/** TLS is a certificate and its key, both or neither; mutual TLS needs TLS (the files are read at start: src/server/tls.ts). */
function checkTls(raw: { tlsCertFile?: string; tlsKeyFile?: string; tlsClientCaFile?: string }): void {
  const bad = (field: string, message: string) => new MandateError('VALIDATION_FAILED', `bad configuration: ${message}`, { field });
  if (raw.tlsCertFile && !raw.tlsKeyFile) throw bad('MANDATE_TLS_KEY_FILE', 'MANDATE_TLS_CERT_FILE needs MANDATE_TLS_KEY_FILE');
  if (raw.tlsKeyFile && !raw.tlsCertFile) throw bad('MANDATE_TLS_CERT_FILE', 'MANDATE_TLS_KEY_FILE needs MANDATE_TLS_CERT_FILE');
  if (raw.tlsClientCaFile && !raw.tlsCertFile)
    throw bad(
      'MANDATE_TLS_CLIENT_CA_FILE',
      'MANDATE_TLS_CLIENT_CA_FILE needs MANDATE_TLS_CERT_FILE and MANDATE_TLS_KEY_FILE (mutual TLS is TLS)',
    );
}

/** MANDATE_KEY_STORE=pkcs11 needs the module, the token and one PIN source; PKCS#11 settings without it are a mistake. */
function checkKeyStore(c: ServerConfig): void {
  const bad = (field: string, message: string) => new MandateError('VALIDATION_FAILED', `bad configuration: ${message}`, { field });
  if (c.kekSource === 'hsm' && c.keyStore !== 'pkcs11')
    throw bad('MANDATE_KEK_SOURCE', 'MANDATE_KEK_SOURCE=hsm needs MANDATE_KEY_STORE=pkcs11 (the HSM that wraps the KEK)');
  if (c.kekSource === 'hsm' && c.kek) throw bad('MANDATE_KEK', 'MANDATE_KEK is set but MANDATE_KEK_SOURCE=hsm: give one KEK source');
  if (c.keyStore !== 'pkcs11') {
    const stray = (
      [
        ['MANDATE_PKCS11_MODULE', c.pkcs11Module],
        ['MANDATE_PKCS11_TOKEN', c.pkcs11Token],
        ['MANDATE_PKCS11_PIN_FILE', c.pkcs11PinFile],
        ['MANDATE_PKCS11_PIN', c.pkcs11Pin],
      ] as const
    ).find(([, v]) => v !== undefined)?.[0];
    if (stray) throw bad('MANDATE_KEY_STORE', `${stray} is set but MANDATE_KEY_STORE is not pkcs11`);
    return;
  }
  if (!c.pkcs11Module) throw bad('MANDATE_PKCS11_MODULE', 'MANDATE_KEY_STORE=pkcs11 needs MANDATE_PKCS11_MODULE (the PKCS#11 library)');
  if (!c.pkcs11Token) throw bad('MANDATE_PKCS11_TOKEN', 'MANDATE_KEY_STORE=pkcs11 needs MANDATE_PKCS11_TOKEN (the token label)');
  if (!c.pkcs11PinFile === !c.pkcs11Pin)
    throw bad('MANDATE_PKCS11_PIN_FILE', 'MANDATE_KEY_STORE=pkcs11 needs one of MANDATE_PKCS11_PIN_FILE and MANDATE_PKCS11_PIN');
}

/** What single sign-on needs from a configuration (src/signin/), or undefined when it is not configured. */
export function signinConfigOf(config: ServerConfig): SigninConfig | undefined {
  if (!config.oidcIssuer || !config.oidcClientId) return undefined;
  return {
    issuer: config.oidcIssuer,
    clientId: config.oidcClientId,
    ...(config.oidcClientSecret ? { clientSecret: config.oidcClientSecret } : {}),
    ...(config.oidcClientKeyFile ? { clientKeyFile: config.oidcClientKeyFile } : {}),
    scope: config.oidcScopes,
    groupsClaim: config.oidcGroupsClaim,
    ...(config.oidcDeviceClaim ? { deviceClaim: config.oidcDeviceClaim } : {}),
    roleMap: config.oidcRoleMap as RoleMap,
    idleMinutes: config.sessionIdleMinutes,
    maxHours: config.sessionMaxHours,
    stepUp: { maxAgeMinutes: config.stepUpMaxAgeMinutes, ...(config.stepUpAcr ? { acr: config.stepUpAcr } : {}) },
  };
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
