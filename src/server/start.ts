// Starting a server: open and migrate the store, bootstrap the first admin, load the demo firm
// on first start when asked, and listen.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { stringifyCedarJson } from '@mandate/sdk/cedar';
import { buildApp, type MandateApp } from '../app.js';
import { parseKek } from '../ledger/keys.js';
import { hsmKek } from '../keys/kek-hsm.js';
import { pinFrom, pkcs11KeyStore, type Pkcs11KeyStore } from '../keys/pkcs11.js';
import type { KeyStore } from '../keys/signer.js';
import { checkDeployment } from '../state/deployment.js';
import { privateDir, privateFile } from '../store/files.js';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { DEFAULT_OIDC_SCOPES, rateLimitsOf, signinConfigOf, type ServerConfig } from '../config.js';
import type { DemoProvider } from '../demo/oidc-provider.js';
import { BOOTSTRAP_ADMIN } from '../users/service.js';
import { MandateError } from '../core/errors.js';
import { demoManifest } from '../demo/firm.js';
import { countRecords } from '../state/records.js';
import { caepConnector } from '../delivery/caep.js';
import { connectorRegistry, connectorsFromEnv } from '../delivery/connectors/registry.js';
import { migrate } from '../store/migrations.js';
import type { Database } from '../store/db.js';
import { openDatabase } from '../store/open.js';
import { readSourcesFile } from '../discovery/sources-file.js';
import { serveMetrics, siemMetrics } from '../http/metrics.js';
import { startJobs } from './jobs.js';
import { defaultServerId, leaderElection, soleLeader } from './leader.js';
import { siemSinksOf, siemStreamer, type SiemStreamer } from '../siem/index.js';
import { httpsOptions, readTlsMaterial, type TlsReloader, watchTls } from './tls.js';
import type { Server as TlsServer } from 'node:tls';
import { webhookConnector } from '../delivery/connectors/webhook.js';
import { outboundGuard } from '../http/outbound.js';
import { NOTIFY_CHANNEL } from '../state/notify.js';
import { checkApprovalRules, type ApprovalRule } from '../core/approvals.js';
import { formatIssue } from '../core/errors.js';
import { parse as parseYaml } from 'yaml';
import pino from 'pino';

export interface RunningServer {
  app: MandateApp;
  db: Database;
  url: string;
  /** The admin token, only on the first start and only when generated (it is printed once and never again). */
  bootstrapToken?: string;
  /** The first start created the admin user with the token of MANDATE_BOOTSTRAP_TOKEN (never printed). */
  bootstrapPreset?: boolean;
  /** When the first-start admin token expires. */
  bootstrapExpiresAt?: string;
  /** Where people sign in (GET /v1/signin), when single sign-on is on. */
  signinUrl?: string;
  /** The DEMO OpenID provider started with --demo (no MANDATE_OIDC_ISSUER): its issuer and people. */
  demoProvider?: { issuer: string; people: readonly { id: string; name: string; groups: string[] }[]; password: string; otp: string };
  demoLoaded: boolean;
  /** Where a new key-encryption key was written, when none was configured. */
  kekCreated?: string;
  /** The connectors deliveries go through, by name (an identity's revocation.connector names one). */
  connectors: string[];
  /** The discovery sources in the store, the sources file's among them (every_s null: on demand). */
  discoverySources: { id: string; kind: string; every_s: number | null }[];
  /** What MANDATE_DISCOVERY_SOURCES_FILE changed at this start. */
  sourcesFile?: { path: string; added: string[]; updated: string[]; unchanged: string[] };
  /** Where /metrics is served without a token (MANDATE_METRICS_LISTEN). */
  metricsUrl?: string;
  /** HTTPS (MANDATE_TLS_CERT_FILE): the certificate served now, reloaded when its files change. */
  tls?: TlsReloader;
  close(): Promise<void>;
}

export async function startServer(config: ServerConfig, clock?: () => Date): Promise<RunningServer> {
  const log = logDestination(config);
  const db = await openDatabase(config.db).catch((err: unknown) => {
    log.close();
    throw err;
  });
  let demo: DemoProvider | undefined;
  let siem: SiemStreamer | undefined;
  let stopFollowingSiem: (() => void) | undefined;
  let keyStore: KeyStore | undefined;
  try {
    // HTTPS: the files are read and checked now; a bad one stops the start, naming its variable.
    const tlsFiles = config.tlsCertFile
      ? { certFile: config.tlsCertFile, keyFile: config.tlsKeyFile!, clientCaFile: config.tlsClientCaFile }
      : undefined;
    const tls = tlsFiles ? readTlsMaterial(tlsFiles) : undefined;
    const scheme = tls ? 'https' : 'http';
    await migrate(db);
    // Webhooks, notifications and CAEP pushes go through the outbound guard (src/http/outbound.ts);
    // the network's own error of a failed request goes to the log, never to the outbox.
    let logTo: MandateApp | undefined;
    const guard = outboundGuard({
      allow: config.outboundAllow,
      log: ({ url, purpose, err }) => logTo?.log.warn({ err, url, purpose }, 'outbound request failed'),
    });
    for (const [name, urls, purpose] of [
      ['MANDATE_CAEP_RECEIVERS', config.caepReceivers, 'caep'],
      ['MANDATE_NOTIFY_URLS', config.notifyUrls, 'notify'],
    ] as const) {
      for (const url of urls) {
        try {
          guard.checkUrl(url, purpose);
        } catch (err) {
          throw new MandateError('VALIDATION_FAILED', `bad configuration: ${name} ${url}: ${(err as Error).message}`, { field: name });
        }
      }
    }
    // Keys in an HSM (MANDATE_KEY_STORE=pkcs11): nothing is opened yet; an HSM away answers 503 when it is needed.
    if (config.keyStore === 'pkcs11')
      keyStore = pkcs11KeyStore({
        module: config.pkcs11Module!,
        token: config.pkcs11Token!,
        pin: pinFrom(config.pkcs11Pin, config.pkcs11PinFile),
        onChange: (up, detail) =>
          up ? logTo?.log.warn('the HSM signs again') : logTo?.log.error({ detail }, 'the HSM cannot sign: signing fails closed (503)'),
      });
    const connectors = connectorRegistry([
      // The webhook's Ed25519 key may be in the HSM too (MANDATE_CONNECTOR_WEBHOOK_ED25519_KEY_ID).
      ...connectorsFromEnv(process.env, { guard, ...(keyStore ? { hsm: keyStore as Pkcs11KeyStore } : {}) }),
      // Security Event Tokens are signed with the app's persisted SET keys (published in its JWKS).
      caepConnector({
        issuer: config.publicUrl ?? `${scheme}://${config.host}:${config.port}`,
        key: () => logTo!.services.setKeys.current(),
        guard,
      }),
      // Notifications of approval requests, decisions and expiries: HMAC-signed webhooks.
      ...(config.notifyUrls.length ? [webhookConnector({ name: NOTIFY_CHANNEL, secret: config.notifySecret!, guard })] : []),
    ]);
    const approvalRules = config.approvalRulesFile ? loadApprovalRules(config.approvalRulesFile) : undefined;
    const sourcesFile = config.discoverySourcesFile ? await readSourcesFile(config.discoverySourcesFile) : undefined;
    // MANDATE_KEK_SOURCE=hsm: the KEK is a data key the HSM unwraps (keys/kek-hsm.ts); no KEK file is read or written.
    const kek =
      config.kekSource === 'hsm'
        ? {
            key: await hsmKek(db, {
              store: keyStore as Pkcs11KeyStore,
              token: config.pkcs11Token!,
              pinVar: config.pkcs11Pin !== undefined ? 'MANDATE_PKCS11_PIN' : 'MANDATE_PKCS11_PIN_FILE',
              ...(clock ? { clock } : {}),
            }),
            created: false,
            path: 'hsm',
          }
        : loadKek(config);
    // The SIEM sinks (MANDATE_SIEM_*): built now so a bad CA file stops the start; they connect once streaming.
    let siemRejected: ((sink: string, n: number, message: string) => void) | undefined;
    const siemSinks = siemSinksOf(config, { onRejected: (sink, n, message) => siemRejected?.(sink, n, message) });
    // A replica with another KEK or ledger origin than the store's refuses to start (state/deployment.ts).
    await checkDeployment(db, { kek: kek.key, kekSource: kek.path, origin: config.ledgerOrigin, ...(clock ? { clock } : {}) });
    // Single sign-on: its callback is under the public URL, so a port 0 is chosen now, before listening.
    const wantsSignin = Boolean(config.oidcIssuer) || config.demo;
    const port = wantsSignin && config.port === 0 ? await freePort(config.host) : config.port;
    const issuer = config.publicUrl ?? `${scheme}://${urlHost(config.host)}:${port}`;
    let signin = signinConfigOf(config);
    // With --demo and no provider configured: the DEMO provider on loopback, with the README's people.
    // Loaded only here: the provider package warns about the Node version at import.
    const demoIdp = !signin && config.demo ? await import('../demo/oidc-provider.js') : undefined;
    if (!signin && demoIdp) {
      const { startDemoProvider, DEMO_ROLE_MAP } = demoIdp;
      const secret = randomBytes(32).toString('base64url');
      demo = await startDemoProvider({
        port: config.demoOidcPort,
        clients: [
          {
            client_id: 'mandate-demo',
            client_secret: secret,
            redirect_uris: [`${issuer}/v1/signin/callback`],
            post_logout_redirect_uris: [`${issuer}/console`],
          },
        ],
      });
      signin = {
        issuer: demo.issuer,
        clientId: 'mandate-demo',
        clientSecret: secret,
        scope: DEFAULT_OIDC_SCOPES,
        groupsClaim: 'groups',
        roleMap: DEMO_ROLE_MAP,
        idleMinutes: config.sessionIdleMinutes,
        maxHours: config.sessionMaxHours,
        stepUp: { maxAgeMinutes: config.stepUpMaxAgeMinutes, ...(config.stepUpAcr ? { acr: config.stepUpAcr } : {}) },
      };
    }
    // Enforcement deltas to NATS as well, when configured: enforcement points that follow NATS
    // take their snapshot over HTTP and their deltas and heartbeats from the subject.
    const nats = config.natsUrl ? await natsPublisher(config.natsUrl) : undefined;
    // Servers on one PostgreSQL elect the one that runs the background jobs (server/leader.ts).
    const serverId = config.serverId ?? defaultServerId();
    const election = { url: config.db, serverId, retryMs: config.leaderRetryMs, leaseMs: config.leaderLeaseMs };
    const leadership = db.dialect === 'postgres' ? leaderElection({ ...election, ...(clock ? { clock } : {}) }) : soleLeader(serverId);
    const app = await buildApp({
      leadership,
      ...(db.dialect === 'postgres' ? { changesPollMs: config.changesPollMs } : {}),
      tokens: { issuer, ttls: config.tokenTtls, rotateAfterMs: config.signingKeyRotateHours * 3600_000 },
      ...(nats ? { publishDelta: nats.publish } : {}),
      db,
      connectors,
      ledger: { kek: kek.key, origin: config.ledgerOrigin, ...(config.checkpointDir ? { exportDir: config.checkpointDir } : {}) },
      ...(keyStore ? { keyStore } : {}),
      caepReceivers: config.caepReceivers,
      logger: { level: config.logLevel, stream: log.stream },
      ...(clock ? { clock } : {}),
      notificationReceivers: config.notifyUrls,
      ...(approvalRules ? { approvalRules } : {}),
      outbound: { allow: config.outboundAllow },
      rateLimits: rateLimitsOf(config),
      publicUrl: issuer,
      ...(tls ? { https: httpsOptions(tls) } : {}),
      ...(config.trustProxy ? { trustProxy: config.trustProxy } : {}),
      ...(signin ? { signin: { config: signin, publicUrl: issuer } } : {}),
      users: {
        tokenPolicy: { maxDays: config.apiTokenMaxDays, allowNoExpiry: config.apiTokenAllowNoExpiry },
        bootstrapTtlHours: config.bootstrapTtlHours,
      },
    });
    logTo = app;
    let bootstrapToken: string | undefined;
    try {
      // A token given in MANDATE_BOOTSTRAP_TOKEN is the operator's: never printed nor logged.
      bootstrapToken = await app.services.users.bootstrap(config.bootstrapToken);
    } catch (err) {
      // Another server on the same PostgreSQL bootstrapped first: its token is the one printed.
      if (!(err instanceof MandateError && err.code === 'ALREADY_EXISTS')) throw err;
    }
    let demoLoaded = false;
    if (config.demo && (await countRecords(db, 'entity')) === 0) {
      const manifest = demoManifest();
      const text = JSON.stringify(manifest);
      await app.services.importer.importManifest('system:demo', manifest, { dryRun: false, digestOf: text });
      demoLoaded = true;
    }
    let sourcesDone: RunningServer['sourcesFile'];
    if (sourcesFile) {
      const done = await app.services.discovery.configureSources(
        `config:${basename(config.discoverySourcesFile!)}`,
        sourcesFile.sources,
        sourcesFile.baseDir,
      );
      app.log.info(done, 'discovery sources file loaded');
      sourcesDone = { path: config.discoverySourcesFile!, ...done };
    }
    const discoverySources = (await app.services.discovery.listSources()).map(({ id, kind, every_s }) => ({ id, kind, every_s }));
    // Every timer (server/jobs.ts); the leader recovers first (crash recovery) and runs the background jobs.
    const jobs = await startJobs(
      app.container,
      {
        schedulerIntervalMs: config.schedulerIntervalMs,
        checksIntervalMs: config.checksIntervalMs,
        checksAfterChangeMs: 2000,
        checkpointIntervalMs: config.checkpointIntervalMs,
        ...(nats ? { heartbeat: { publish: (hb) => nats.publish('heartbeat', hb) } } : {}),
        ...(db.dialect === 'postgres' ? { changesUrl: config.db } : {}),
      },
      app.log,
    );
    // The ledger streamed to the SIEM, at least once, from each sink's cursor (src/siem/).
    if (siemSinks.length) {
      const metrics = siemMetrics(app.metricsRegistry, { db, sinks: siemSinks.map((s) => s.name) });
      siemRejected = (sink, n, message) => {
        metrics.rejected(sink, n);
        app.log.error({ sink, rejected: n, message }, 'the SIEM receiver rejected records of an acknowledged batch');
      };
      const streamer = siemStreamer({ db, sinks: siemSinks, log: app.log, metrics, ...(clock ? { clock } : {}) });
      siem = streamer;
      // The leader streams (one copy per event, not one per server); a new leader resumes from the
      // cursors in the store. One start or stop at a time, in the order leadership changed.
      let turn = Promise.resolve();
      const follow = (leader: boolean) => {
        turn = turn
          .then(() => (leader ? streamer.start() : streamer.stop()))
          .catch((err) => app.log.error({ err }, 'starting or stopping the SIEM stream failed'));
        return turn;
      };
      stopFollowingSiem = leadership.onChange((leader) => void follow(leader));
      if (leadership.isLeader) await follow(true);
    }
    const address = await app.listen({ host: config.host, port });
    const tlsReloader = tls && tlsFiles ? watchTls(app.server as unknown as TlsServer, tlsFiles, tls, app.log) : undefined;
    if (tls) app.log.info({ fingerprint: tls.fingerprint, valid_to: tls.validTo, mutual: Boolean(tls.ca) }, 'serving HTTPS');
    if (!config.publicUrl) app.setIssuer(address);
    // Metrics on an address of their own, for a scraper without an API token.
    const metricsServer = config.metricsListen
      ? await serveMetrics(
          app.metricsRegistry,
          config.metricsListen.slice(0, config.metricsListen.lastIndexOf(':')),
          Number(config.metricsListen.slice(config.metricsListen.lastIndexOf(':') + 1)),
        )
      : undefined;
    if (metricsServer) app.log.info({ url: metricsServer.url }, 'metrics served without a token');
    const bootstrapExpiresAt = bootstrapToken
      ? (await app.services.users.listTokens(BOOTSTRAP_ADMIN)).find((t) => t.label === 'bootstrap')?.expires_at
      : undefined;
    return {
      app,
      db,
      url: address,
      ...(bootstrapToken && !config.bootstrapToken ? { bootstrapToken } : {}),
      ...(bootstrapToken && config.bootstrapToken ? { bootstrapPreset: true } : {}),
      ...(bootstrapExpiresAt ? { bootstrapExpiresAt } : {}),
      ...(signin ? { signinUrl: `${issuer}/v1/signin` } : {}),
      ...(demo && demoIdp
        ? {
            demoProvider: {
              issuer: demo.issuer,
              people: demoIdp.DEMO_PEOPLE.map((p) => ({ id: p.id, name: p.name, groups: [...p.groups] })),
              password: demoIdp.DEMO_PASSWORD,
              otp: demoIdp.DEMO_OTP,
            },
          }
        : {}),
      demoLoaded,
      ...(kek.created ? { kekCreated: kek.path } : {}),
      connectors: connectors.names(),
      discoverySources,
      ...(sourcesDone ? { sourcesFile: sourcesDone } : {}),
      ...(metricsServer ? { metricsUrl: metricsServer.url } : {}),
      ...(tlsReloader ? { tls: tlsReloader } : {}),
      async close() {
        // Not ready from now on (/readyz 503): the load balancer stops sending requests here.
        app.container.beginClose();
        tlsReloader?.close();
        await jobs.stop();
        stopFollowingSiem?.();
        await siem?.stop();
        await metricsServer?.close();
        await app.close();
        await nats?.close();
        await connectors.close().catch(() => undefined);
        await demo?.close().catch(() => undefined);
        keyStore?.close();
        await db.close();
        log.close();
      },
    };
  } catch (err) {
    await siem?.stop({ graceMs: 0 }).catch(() => undefined);
    await demo?.close().catch(() => undefined);
    keyStore?.close();
    await db.close().catch(() => undefined);
    log.close();
    throw err;
  }
}

/**
 * Where the log goes: stderr, never stdout (stdout is the start-up message, the one-time admin
 * token in it); or MANDATE_LOG_FILE, appended as JSON lines, with warnings and errors on stderr as
 * well. The level (MANDATE_LOG_LEVEL) is warn without a file, so a terminal does not get a line
 * per request (src/config.ts).
 */
export function logDestination(config: Pick<ServerConfig, 'logFile'>): { stream: pino.DestinationStream; close(): void } {
  const stderr = pino.destination({ dest: 2, sync: true });
  if (!config.logFile) return { stream: stderr, close: () => undefined };
  let file: ReturnType<typeof pino.destination>;
  try {
    mkdirSync(dirname(config.logFile), { recursive: true });
    file = pino.destination({ dest: config.logFile, append: true, sync: true });
  } catch (err) {
    throw new MandateError('VALIDATION_FAILED', `bad configuration: MANDATE_LOG_FILE ${config.logFile}: ${(err as Error).message}`, {
      field: 'MANDATE_LOG_FILE',
    });
  }
  return {
    stream: pino.multistream([
      { level: 'trace', stream: file },
      { level: 'warn', stream: stderr },
    ]),
    close: () => file.end(),
  };
}

/** The host as it goes in a URL: a wildcard address is reached on loopback; IPv6 in brackets. */
function urlHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::' || host === '[::]') return '[::1]';
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/** A free port on `host` (the sign-in callback must be known before the server listens). */
function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createNetServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * The key-encryption key that seals the ledger's signing key: MANDATE_KEK, or the KEK file. When
 * neither exists yet (a first local start) a random one is written to the file, readable by its
 * owner only; production sets MANDATE_KEK from a secret store instead.
 */
function loadKek(config: ServerConfig): { key: Buffer; created: boolean; path: string } {
  if (config.kek) return { key: parseKek(config.kek), created: false, path: 'MANDATE_KEK' };
  if (existsSync(config.kekFile)) return { key: parseKek(readFileSync(config.kekFile, 'utf8')), created: false, path: config.kekFile };
  privateDir(dirname(config.kekFile));
  const key = randomBytes(32);
  privateFile(config.kekFile, `${key.toString('base64')}\n`, 'wx');
  return { key, created: true, path: config.kekFile };
}

async function natsPublisher(url: string, subject = 'mandate.enforcement') {
  const { connect, StringCodec } = await import('nats');
  const nc = await connect({ servers: url.replace(/^nats:\/\//, ''), name: 'mandate-server' });
  const sc = StringCodec();
  return {
    publish: (kind: 'delta' | 'heartbeat', data: unknown) => nc.publish(`${subject}.${kind}`, sc.encode(stringifyCedarJson(data))),
    async close() {
      await nc.drain().catch(() => undefined);
    },
  };
}

/** The firm's approval rules from a YAML or JSON file; the server refuses to start on a bad one. */
function loadApprovalRules(file: string): ApprovalRule[] {
  const { rules, issues } = checkApprovalRules(parseYaml(readFileSync(file, 'utf8')));
  if (!rules)
    throw new MandateError('VALIDATION_FAILED', `bad approval rules in ${file}: ${issues.map(formatIssue).join('; ')}`, { issues });
  return rules;
}
