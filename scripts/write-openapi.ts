// The OpenAPI document as the server serves it (GET /openapi.json), and the TypeScript types of its
// paths that the console's and the CLI's clients are typed by (issue 17 item 3):
//
//   npm run openapi          writes openapi/mandate.json and openapi/mandate.d.ts
//   npm run lint:openapi     writes both to a temporary directory, runs `redocly lint` on the
//                            document (redocly.yaml), and fails when either differs from the
//                            committed file, so neither can drift from the server
//
// The app is built as the server builds it, on an in-memory SQLite store, with single sign-on
// configured so the sign-in routes are in the document; the provider is never contacted (its
// discovery is lazy, and this fetch refuses if it ever were).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';
import { buildApp } from '../src/app.js';
import { migrate } from '../src/store/migrations.js';
import { openDatabase } from '../src/store/open.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const JSON_FILE = 'openapi/mandate.json';
const TYPES_FILE = 'openapi/mandate.d.ts';

/** The document of a server with sign-in on: its text as committed (2-space JSON and a newline). */
export async function openapiDocument(): Promise<string> {
  const db = await openDatabase('sqlite::memory:');
  await migrate(db);
  const app = await buildApp({
    db,
    logger: false,
    rateLimits: false,
    publicUrl: 'https://mandate.example',
    tokens: { issuer: 'https://mandate.example' },
    signin: {
      publicUrl: 'https://mandate.example',
      config: {
        issuer: 'https://idp.invalid',
        clientId: 'mandate',
        clientSecret: 'unused',
        scope: 'openid profile email',
        groupsClaim: 'groups',
        roleMap: {},
        idleMinutes: 30,
        maxHours: 12,
        stepUp: { maxAgeMinutes: 10 },
      },
      fetch: async () => {
        throw new Error('the OpenAPI document is written without contacting an identity provider');
      },
    },
  });
  try {
    const res = await app.inject({ method: 'GET', url: '/openapi.json' });
    if (res.statusCode !== 200) throw new Error(`GET /openapi.json answered ${res.statusCode}: ${res.body}`);
    return `${JSON.stringify(JSON.parse(res.body), null, 2)}\n`;
  } finally {
    await app.close();
  }
}

/** The paths, operations and components of the document as TypeScript types (openapi-typescript). */
export async function openapiTypes(document: string): Promise<string> {
  const ast = await openapiTS(JSON.parse(document), { alphabetize: false, exportType: false });
  return (
    '// Generated from openapi/mandate.json by `npm run openapi` (openapi-typescript): do not edit.\n' +
    '// `npm run lint:openapi` fails when it differs from what the server now produces.\n\n' +
    astToString(ast)
  );
}

async function main(check: boolean): Promise<number> {
  const document = await openapiDocument();
  const types = await openapiTypes(document);
  if (!check) {
    mkdirSync(join(root, 'openapi'), { recursive: true });
    writeFileSync(join(root, JSON_FILE), document);
    writeFileSync(join(root, TYPES_FILE), types);
    console.log(`wrote ${JSON_FILE} and ${TYPES_FILE}`);
    return 0;
  }
  const dir = mkdtempSync(join(tmpdir(), 'mandate-openapi-'));
  try {
    const file = join(dir, 'mandate.json');
    writeFileSync(file, document);
    const lint = spawnSync(join(root, 'node_modules/.bin/redocly'), ['lint', file, '--config', join(root, 'redocly.yaml')], {
      stdio: 'inherit',
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
    });
    let failed = lint.status !== 0;
    if (failed) console.error('redocly lint found errors in the OpenAPI document');
    for (const [name, now] of [
      [JSON_FILE, document],
      [TYPES_FILE, types],
    ] as const) {
      let committed = '';
      try {
        committed = readFileSync(join(root, name), 'utf8');
      } catch {
        // absent: differs
      }
      if (committed !== now) {
        failed = true;
        console.error(`${name} differs from what the server now produces: run \`npm run openapi\` and commit it`);
      }
    }
    return failed ? 1 : 0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

process.exitCode = await main(process.argv.includes('--check'));
