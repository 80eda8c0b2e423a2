// Starting a server: open and migrate the store, bootstrap the first admin, load the demo firm
// on first start when asked, and listen.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { buildApp, type MandateApp } from '../app.js';
import { parseKek } from '../ledger/keys.js';
import { rateLimitsOf, type ServerConfig } from '../config.js';
import { MandateError } from '../core/errors.js';
import { demoManifest } from '../demo/firm.js';
import { countRecords } from '../state/records.js';
import { caepConnector, newSetSigningKey } from '../delivery/caep.js';
import { connectorRegistry, connectorsFromEnv } from '../delivery/connectors/registry.js';
import { migrate } from '../store/migrations.js';
import { type Database } from '../store/db.js';
import { openDatabase } from '../store/open.js';
import { readSourcesFile } from '../discovery/sources-file.js';
import { serveMetrics } from '../http/metrics.js';
import { webhookConnector } from '../delivery/connectors/webhook.js';
import { outboundGuard } from '../http/outbound.js';
import { NOTIFY_CHANNEL } from '../state/notify.js';
import { checkApprovalRules, type ApprovalRule } from '../core/approvals.js';
import { formatIssue } from '../core/errors.js';
import { parse as parseYaml } from 'yaml';

export interface RunningServer {
  app: MandateApp;
  db: Database;
  url: string;
  /** The admin token, only on the first start (it is printed once and never again). */
  bootstrapToken?: string;
  demoLoaded: boolean;
  /** Where a new key-encryption key was written, when none was configured. */
  kekCreated?: string;
  close(): Promise<void>;
}

export async function startServer(config: ServerConfig, clock?: () => Date): Promise<RunningServer> {
  const db = await openDatabase(config.db);
  try {
    await migrate(db);
    // Security Event Tokens to relying parties: signed with a key made at start, published as JWKS.
    const setKey = await newSetSigningKey();
    // Webhooks, notifications and CAEP pushes go through the outbound guard (src/http/outbound.ts);
    // the network's own error of a failed request goes to the log, never to the outbox.
    let logTo: MandateApp | undefined;
    const guard = outboundGuard({ allow: config.outboundAllow, log: ({ url, purpose, err }) => logTo?.log.warn({ err, url, purpose }, 'outbound request failed') });
    for (const [name, urls, purpose] of [['MANDATE_CAEP_RECEIVERS', config.caepReceivers, 'caep'], ['MANDATE_NOTIFY_URLS', config.notifyUrls, 'notify']] as const) {
      for (const url of urls) {
        try {
          guard.checkUrl(url, purpose);
        } catch (err) {
          throw new MandateError('VALIDATION_FAILED', `bad configuration: ${name} ${url}: ${(err as Error).message}`, { field: name });
        }
      }
    }
    const connectors = connectorRegistry([
      ...connectorsFromEnv(process.env, { guard }), caepConnector({ issuer: config.publicUrl ?? `http://${config.host}:${config.port}`, key: setKey, guard }),
      // Notifications of approval requests, decisions and expiries: HMAC-signed webhooks.
      ...(config.notifyUrls.length ? [webhookConnector({ name: NOTIFY_CHANNEL, secret: config.notifySecret!, guard })] : []),
    ]);
    const approvalRules = config.approvalRulesFile ? loadApprovalRules(config.approvalRulesFile) : undefined;
    const sourcesFile = config.discoverySourcesFile ? await readSourcesFile(config.discoverySourcesFile) : undefined;
    const kek = loadKek(config);
    const issuer = config.publicUrl ?? `http://${config.host}:${config.port}`;
    // Enforcement deltas to NATS as well, when configured: enforcement points that follow NATS
    // take their snapshot over HTTP and their deltas and heartbeats from the subject.
    const nats = config.natsUrl ? await natsPublisher(config.natsUrl) : undefined;
    const app = await buildApp({
      tokens: { issuer, ttls: config.tokenTtls, rotateAfterMs: config.signingKeyRotateHours * 3600_000 },
      ...(nats ? { publishDelta: nats.publish } : {}),
      db, connectors, ledger: { kek: kek.key, origin: config.ledgerOrigin, ...(config.checkpointDir ? { exportDir: config.checkpointDir } : {}) }, caepReceivers: config.caepReceivers, jwks: () => ({ keys: [setKey.publicJwk] }),
      logger: { level: config.logLevel }, ...(clock ? { clock } : {}),
      notifyReceivers: config.notifyUrls, ...(approvalRules ? { approvalRules } : {}), checksAfterChangeMs: 2000,
      outbound: { allow: config.outboundAllow },
      rateLimits: rateLimitsOf(config),
    });
    logTo = app;
    let bootstrapToken: string | undefined;
    try {
      bootstrapToken = await app.services.access.bootstrap(config.bootstrapToken);
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
    if (sourcesFile) {
      const done = await app.services.discovery.configureSources(`config:${basename(config.discoverySourcesFile!)}`, sourcesFile.sources, sourcesFile.baseDir);
      app.log.info(done, 'discovery sources file loaded');
    }
    // Crash recovery first: apply approved transitions whose time has come (a cascade cut short by
    // a crash rolled back whole), and deliver what the outbox still holds. Then keep doing both.
    await app.services.regulatory.applyDue();
    await app.services.approvals.expireDue();
    await app.services.grants.endDue();
    await app.services.reviews.tick();
    await app.services.outbox.drain();
    // One tick at a time: a cascade can outlast the interval, and overlapping ticks would queue up
    // behind it holding store connections.
    let applying: Promise<unknown> | undefined;
    const scheduler = setInterval(() => {
      applying ??= app.services.regulatory.applyDue()
        .catch((err) => app.log.error({ err }, 'applying due transitions failed'))
        // Requests nobody decided in time expire; grants, exceptions and break-glass windows whose
        // time ran out are recorded as ended (decisions stopped using them at their expiry already).
        .then(() => app.services.approvals.expireDue())
        .then(() => app.services.grants.endDue())
        // Recurring access-review campaigns: close the one come due, open the next.
        .then(() => app.services.reviews.tick())
        .catch((err) => app.log.error({ err }, 'expiring approvals and grants failed'))
        .finally(() => (applying = undefined));
    }, config.schedulerIntervalMs);
    scheduler.unref();
    app.services.outbox.start(config.schedulerIntervalMs);
    // Control checks: once soon after start (in the background: serving does not wait for them),
    // then on a schedule, and shortly after every change (see checksAfterChangeMs).
    const firstChecks = setTimeout(() => void app.services.compliance.run('start').catch((err) => app.log.error({ err }, 'control checks failed')), 1000);
    firstChecks.unref();
    const checks = setInterval(() => void app.services.compliance.run('schedule').catch((err) => app.log.error({ err }, 'control checks failed')), config.checksIntervalMs);
    checks.unref();
    // Discovery: sources with a schedule run when due, and deliveries missed by the after-delivery
    // pass (a restart in between) are verified. One pass at a time: a read can take seconds.
    let discovering: Promise<unknown> | undefined;
    const discovery = setInterval(() => {
      discovering ??= app.services.discovery.runDue()
        .then(() => app.services.verifier.verify())
        .catch((err) => app.log.error({ err }, 'scheduled discovery failed'))
        .finally(() => (discovering = undefined));
    }, Math.max(config.schedulerIntervalMs, 10_000));
    discovery.unref();
    // Signed checkpoints at an interval (and on demand over the API), so any later rewrite of the
    // log is caught by whoever holds an earlier one.
    await app.services.ledger.checkpoint();
    const checkpoints = setInterval(() => {
      app.services.ledger.checkpoint().catch((err) => app.log.error({ err }, 'signing a checkpoint failed'));
    }, config.checkpointIntervalMs);
    checkpoints.unref();
    // Another server may rotate the token-signing key: re-read the published keys now and then.
    const keyReload = setInterval(() => void app.services.keys.reload().catch((err) => app.log.error({ err }, 'reloading signing keys failed')), 60_000);
    keyReload.unref();
    if (nats) {
      // Heartbeats carry the position, so NATS subscribers notice a missed delta and know their state is fresh.
      await app.services.enforcementReady();
      const hb = setInterval(() => nats.publish('heartbeat', { seq: app.services.hub.position, at: Date.now() }), 1000);
      hb.unref();
      nats.onClose(() => clearInterval(hb));
    }
    const address = await app.listen({ host: config.host, port: config.port });
    if (!config.publicUrl) app.setIssuer(address);
    // Metrics on an address of their own, for a scraper without an API token.
    const metricsServer = config.metricsListen
      ? await serveMetrics(app.metricsRegistry, config.metricsListen.slice(0, config.metricsListen.lastIndexOf(':')), Number(config.metricsListen.slice(config.metricsListen.lastIndexOf(':') + 1)))
      : undefined;
    if (metricsServer) app.log.info({ url: metricsServer.url }, 'metrics served without a token');
    return {
      app,
      db,
      url: address,
      ...(bootstrapToken ? { bootstrapToken } : {}),
      demoLoaded,
      ...(kek.created ? { kekCreated: kek.path } : {}),
      async close() {
        clearInterval(scheduler);
        await applying;
        clearInterval(discovery);
        await discovering;
        clearInterval(checkpoints);
        await app.services.outbox.stop();
        clearInterval(keyReload);
        await metricsServer?.close();
        await app.close();
        await nats?.close();
        await connectors.close().catch(() => undefined);
        await db.close();
      },
    };
  } catch (err) {
    await db.close().catch(() => undefined);
    throw err;
  }
}

/**
 * The key-encryption key that seals the ledger's signing key: MANDATE_KEK, or the KEK file. When
 * neither exists yet (a first local start) a random one is written to the file, readable by its
 * owner only; production sets MANDATE_KEK from a secret store instead.
 */
function loadKek(config: ServerConfig): { key: Buffer; created: boolean; path: string } {
  if (config.kek) return { key: parseKek(config.kek), created: false, path: 'MANDATE_KEK' };
  if (existsSync(config.kekFile)) return { key: parseKek(readFileSync(config.kekFile, 'utf8')), created: false, path: config.kekFile };
  mkdirSync(dirname(config.kekFile), { recursive: true });
  const key = randomBytes(32);
  writeFileSync(config.kekFile, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  return { key, created: true, path: config.kekFile };
}

async function natsPublisher(url: string, subject = 'mandate.enforcement') {
  const { connect, StringCodec } = await import('nats');
  const nc = await connect({ servers: url.replace(/^nats:\/\//, ''), name: 'mandate-server' });
  const sc = StringCodec();
  const closers: (() => void)[] = [];
  return {
    publish: (kind: 'delta' | 'heartbeat', data: unknown) => nc.publish(`${subject}.${kind}`, sc.encode(JSON.stringify(data))),
    onClose: (fn: () => void) => closers.push(fn),
    async close() {
      for (const c of closers) c();
      await nc.drain().catch(() => undefined);
    },
  };
}

/** The firm's approval rules from a YAML or JSON file; the server refuses to start on a bad one. */
function loadApprovalRules(file: string): ApprovalRule[] {
  const { rules, issues } = checkApprovalRules(parseYaml(readFileSync(file, 'utf8')));
  if (!rules) throw new MandateError('VALIDATION_FAILED', `bad approval rules in ${file}: ${issues.map(formatIssue).join('; ')}`, { issues });
  return rules;
}
