// Cerbos PDP (the npm-packaged linux-x64 binary), started here with a generated config in the
// engine's temp dir: HTTP and gRPC on free 127.0.0.1 ports, disk storage of one generated resource
// policy, telemetry and audit off. Called over HTTP (POST /api/check/resources), one request per
// decision, with the shared client: sequential and at 16 in flight.
//
// The policy: CEL cannot see the action's name, so there is one allow rule per action (each names
// its own action in the entitlement check); the built-ins are deny rules, which override allows.
// Cerbos has no request context outside JWT aux data, so the context and `lawful` travel as
// resource attributes (R.attr.context, R.attr.lawful).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { stringify } from 'yaml';
import { DEFAULT_ACTIONS } from '../../../src/core/vocabulary.js';
import type { Engine, HttpMode } from '../engine.js';
import type { PeerPrincipal, PeerRequest } from '../scenario.js';
import { freePort, startProcess, waitForHttp } from '../servers.js';

function cerbosBinary(): string {
  const dir = dirname(createRequire(import.meta.url).resolve('@cerbos/cerbos-linux-x64/package.json'));
  for (const name of ['cerbos', 'cerbos-linux-x64']) if (existsSync(join(dir, name))) return join(dir, name);
  throw new Error(`no cerbos binary in ${dir}`);
}

const ANY = { actions: ['*'], roles: ['*'] };

export function cerbosPolicy() {
  const execute = DEFAULT_ACTIONS.filter((a) => a.class !== 'observe').map((a) => a.id);
  const observe = DEFAULT_ACTIONS.filter((a) => a.class === 'observe').map((a) => a.id);
  const entitled = (action: string) => [{ expr: `"${action}" in P.attr.actions` }, { expr: 'R.attr.scope in P.attr.scopes' }];
  return {
    apiVersion: 'api.cerbos.dev/v1',
    resourcePolicy: {
      version: 'default',
      resource: 'account',
      rules: [
        // Built-ins, as in every Mandate decision.
        { name: 'inactive-principal', ...ANY, effect: 'EFFECT_DENY', condition: { match: { expr: 'P.attr.status != "active"' } } },
        {
          name: 'observe-never-executes',
          actions: execute,
          roles: ['*'],
          effect: 'EFFECT_DENY',
          condition: { match: { expr: 'P.attr.capability == "observe"' } },
        },
        { name: 'not-lawful', actions: execute, roles: ['*'], effect: 'EFFECT_DENY', condition: { match: { expr: '!R.attr.lawful' } } },
        // mandate-default.cedar: identity-observe-entitled.
        ...observe.map((a) => ({
          name: `observe-${a}`,
          actions: [a],
          roles: ['*'],
          effect: 'EFFECT_ALLOW',
          condition: { match: { all: { of: entitled(a) } } },
        })),
        // mandate-default.cedar: identity-execute-entitled-attested.
        ...execute.map((a) => ({
          name: `execute-${a.replaceAll('_', '-')}`,
          actions: [a],
          roles: ['*'],
          effect: 'EFFECT_ALLOW',
          condition: {
            match: {
              all: {
                of: [
                  { expr: 'P.attr.capability == "execute"' },
                  ...entitled(a),
                  { expr: 'R.attr.context.attested' },
                  { expr: 'R.attr.context.device_posture == "compliant"' },
                  { expr: 'R.attr.context.environment == P.attr.environment' },
                ],
              },
            },
          },
        })),
      ],
    },
  };
}

const principalJson = (p: PeerPrincipal) =>
  JSON.stringify({
    id: p.id,
    roles: ['identity'],
    attr: {
      kind: p.kind,
      function: p.function,
      capability: p.capability,
      environment: p.environment,
      vendor: p.vendor,
      break_glass: p.break_glass,
      status: p.status,
      actions: p.actions,
      scopes: p.scopes,
    },
  });

const resourceJson = (r: PeerRequest) =>
  JSON.stringify({
    kind: 'account',
    id: r.resource.id,
    attr: {
      entity: r.resource.entity,
      service: r.resource.service,
      jurisdiction: r.resource.jurisdiction,
      scope: r.resource.scope,
      state: r.resource.state,
      lawful: r.lawful,
      context: r.context,
    },
  });

const engine: Engine = {
  id: 'cerbos',
  name: 'Cerbos PDP',
  order: 30,
  async start(scenario, ctx) {
    const bin = cerbosBinary();
    const version = execFileSync(bin, ['--version'], { encoding: 'utf8' }).split('\n')[0]!.trim();
    const [httpPort, grpcPort] = [await freePort(), await freePort()];
    const policyDir = join(ctx.tmpDir, 'policies');
    mkdirSync(policyDir);
    writeFileSync(join(policyDir, 'account.yaml'), stringify(cerbosPolicy()));
    const config = {
      server: { httpListenAddr: `127.0.0.1:${httpPort}`, grpcListenAddr: `127.0.0.1:${grpcPort}` },
      storage: { driver: 'disk', disk: { directory: policyDir, watchForChanges: false } },
      audit: { enabled: false },
      telemetry: { disabled: true },
    };
    const configPath = join(ctx.tmpDir, 'config.yaml');
    writeFileSync(configPath, stringify(config));
    const server = startProcess(bin, ['server', `--config=${configPath}`, '--log-level=warn'], { CERBOS_NO_TELEMETRY: '1' });
    ctx.onExit(() => server.kill());
    await waitForHttp(`http://127.0.0.1:${httpPort}/_cerbos/health`, server);
    ctx.log(`cerbos ${version} ready on 127.0.0.1:${httpPort} (gRPC ${grpcPort})`);

    // One principal JSON per identity, reused in every body that names it.
    const principals = new Map<string, string>();
    const body = (first: number) => {
      const r = scenario.requests[first]!.peer;
      let p = principals.get(r.principal.id);
      if (!p) principals.set(r.principal.id, (p = principalJson(r.principal)));
      return `{"principal":${p},"resources":[{"actions":[${JSON.stringify(r.action)}],"resource":${resourceJson(r)}}]}`;
    };
    const decisions: HttpMode['decisions'] = (text, first, _n, out) => {
      const answer = JSON.parse(text) as { results: { actions: Record<string, string> }[] };
      out[first] = answer.results[0]?.actions[scenario.requests[first]!.peer.action] === 'EFFECT_ALLOW' ? 1 : 0;
    };
    const url = `http://127.0.0.1:${httpPort}/api/check/resources`;
    return {
      modes: [
        { kind: 'http', mode: 'HTTP sequential', url, concurrency: 1, body, decisions },
        { kind: 'http', mode: 'HTTP c16', url, concurrency: 16, body, decisions },
      ],
      notes: [
        `cerbos ${version}: disk store, one resource policy (${cerbosPolicy().resourcePolicy.rules.length} rules), audit and telemetry ` +
          'off, log level warn',
      ],
      stop: () => server.stop(),
    };
  },
};
export default engine;
