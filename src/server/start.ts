// Starting a server: open and migrate the store, bootstrap the first admin, load the demo firm
// on first start when asked, and listen.
import { buildApp, type MandateApp } from '../app.js';
import type { ServerConfig } from '../config.js';
import { MandateError } from '../core/errors.js';
import { demoManifest } from '../demo/firm.js';
import { countRecords } from '../inventory/queries.js';
import { caepConnector, newSetSigningKey } from '../caep/set.js';
import { connectorRegistry, connectorsFromEnv } from '../connectors/registry.js';
import { migrate } from '../store/migrations.js';
import { openDatabase, type Database } from '../store/db.js';

export interface RunningServer {
  app: MandateApp;
  db: Database;
  url: string;
  /** The admin token, only on the first start (it is printed once and never again). */
  bootstrapToken?: string;
  demoLoaded: boolean;
  close(): Promise<void>;
}

export async function startServer(config: ServerConfig, clock?: () => Date): Promise<RunningServer> {
  const db = await openDatabase(config.db);
  try {
    await migrate(db);
    // Security Event Tokens to relying parties: signed with a key made at start, published as JWKS.
    const setKey = await newSetSigningKey();
    const connectors = connectorRegistry([...connectorsFromEnv(), caepConnector({ issuer: config.publicUrl ?? `http://${config.host}:${config.port}`, key: setKey })]);
    const app = await buildApp({
      db, connectors, caepReceivers: config.caepReceivers, jwks: () => ({ keys: [setKey.publicJwk] }),
      logger: { level: config.logLevel }, ...(clock ? { clock } : {}),
    });
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
    // Crash recovery first: apply approved transitions whose time has come (a cascade cut short by
    // a crash rolled back whole), and deliver what the outbox still holds. Then keep doing both.
    await app.services.regulatory.applyDue();
    await app.services.outbox.drain();
    const scheduler = setInterval(() => {
      app.services.regulatory.applyDue().catch((err) => app.log.error({ err }, 'applying due transitions failed'));
    }, config.schedulerIntervalMs);
    scheduler.unref();
    app.services.outbox.start(config.schedulerIntervalMs);
    const address = await app.listen({ host: config.host, port: config.port });
    return {
      app,
      db,
      url: address,
      ...(bootstrapToken ? { bootstrapToken } : {}),
      demoLoaded,
      async close() {
        clearInterval(scheduler);
        await app.services.outbox.stop();
        await app.close();
        await connectors.close().catch(() => undefined);
        await db.close();
      },
    };
  } catch (err) {
    await db.close().catch(() => undefined);
    throw err;
  }
}
