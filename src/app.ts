// The composition root: the container builds the services (server/container.ts), the HTTP app
// serves them (server/http.ts). A running server adds the jobs (server/jobs.ts, from
// server/start.ts); tests build the app alone and run what they need by hand.
import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import { buildContainer, type ContainerOptions, type Services } from './server/container.js';
import { createHttpServer, registerHttp, type HttpOptions, type RouteEntry } from './server/http.js';

export type { RouteEntry } from './server/http.js';
export type AppOptions = ContainerOptions & HttpOptions;

export type MandateApp = FastifyInstance & {
  /** Sets the issuer URL of Mandate's tokens (when it is known only after listen). */
  setIssuer(url: string): void;
  /** The Prometheus registry (served on /metrics, and on MANDATE_METRICS_LISTEN when set). */
  metricsRegistry: Registry;
  /** Every route with the permission it needs: documentation, and what the role tests walk. */
  routeTable: RouteEntry[];
  services: Services;
  /** The container the app serves (the jobs run over it). */
  container: Awaited<ReturnType<typeof buildContainer>>;
};

export async function buildApp(opts: AppOptions): Promise<MandateApp> {
  const app = createHttpServer(opts);
  const container = await buildContainer(opts, app.log);
  const routeTable = await registerHttp(app, container, opts);
  await app.ready();
  return Object.assign(app, {
    services: container.services,
    container,
    routeTable,
    metricsRegistry: container.metrics.registry,
    setIssuer: container.setIssuer,
  });
}
