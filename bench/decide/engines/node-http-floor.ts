// The floor: a trivial node:http server answering a constant allow (floor-server.ts), measured
// with the same client as every HTTP engine, sequential and at 16 in flight. Its decisions are
// not checked (it answers allow to everything, by design).
import { fileURLToPath } from 'node:url';
import type { Engine, HttpMode } from '../engine.js';
import { freePort, startProcess, waitForHttp } from '../servers.js';

const SERVER = fileURLToPath(new URL('../floor-server.ts', import.meta.url));

const engine: Engine = {
  id: 'node-http-floor',
  name: 'node:http constant answer (floor)',
  order: 90,
  floor: true,
  async start(scenario, ctx) {
    const port = await freePort();
    const server = startProcess(process.execPath, ['--conditions=mandate-source', '--import', 'tsx', SERVER, String(port)]);
    ctx.onExit(() => server.kill());
    const url = `http://127.0.0.1:${port}/decide`;
    await waitForHttp(url, server);
    // The body is the request's Mandate form: about the size Mandate's endpoint will read.
    const body = (first: number) => JSON.stringify(scenario.requests[first]!.mandate);
    const decisions: HttpMode['decisions'] = (text, first, n, out) => {
      const allow = (JSON.parse(text) as { decision: string }).decision === 'allow';
      out.fill(allow ? 1 : 0, first, first + n);
    };
    return {
      modes: [
        { kind: 'http', mode: 'HTTP sequential', url, concurrency: 1, body, decisions },
        { kind: 'http', mode: 'HTTP c16', url, concurrency: 16, body, decisions },
      ],
      notes: [`server: ${process.version}, node:http, one process`],
      stop: () => server.stop(),
    };
  },
};
export default engine;
