// Cedar conformance: the SDK's compiled evaluator (@mandate/sdk/cedar) against Cedar's own
// integration corpus (github.com/cedar-policy/cedar-integration-tests, not vendored here).
//
//   npm run conformance:cedar -- <corpus dir> [--small N] [--show N]
//
// <corpus dir> is a checkout of that repository: its handwritten tests (tests/**.json) and the
// generated corpus (corpus-tests/*.json; when only corpus-tests.tar.gz is there it is extracted
// to a temporary directory). Each test names a policy file (Cedar text), an entities file, a
// schema and requests with the expected decision, determining policies ("reason") and erroring
// policies ("errors"). Policies get Cedar's default ids (policy0, policy1, … in file order).
//
// Cedar text is turned into Cedar's JSON forms by cedar-wasm (policySetTextToParts, policyToJson,
// schemaToJson) in a child process, recycled regularly, because cedar-wasm can abort a long-lived
// Node 20 process (docs/cedar-compiler.md); its JSON output is read with parseCedarJson so longs
// beyond ±2^53 stay exact. Everything else (compiling, reading entities and context, deciding)
// is the SDK alone. A request is "answered" when the SDK compiled the policies and read the
// entities and context; it "agrees" when decision, reasons and errors (as sets of policy ids) are
// Cedar's. Exit code 1 on any disagreement among answered requests; --small N runs the first N
// test files (sorted), for a quick check.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  type AuthorizationRequest,
  CedarInputError,
  type CedarSchema,
  cedarSchema,
  CompileError,
  compilePolicySet,
  contextFromJson,
  type CompiledPolicySet,
  type EntityJson,
  entitiesFromCedarJson,
  type EntityStore,
  parseCedarJson,
  stringifyCedarJson,
  type PolicyJson,
  type SchemaJson,
  uidFromJson,
} from '@mandate/sdk/cedar';

const SELF = fileURLToPath(import.meta.url);

// ---------------------------------------------------------------------------------------------
// Child: Cedar text → JSON with cedar-wasm

interface ConvertJob {
  policies: string;
  schema: string;
}
/** JSON text (bigints kept as digits), or why cedar-wasm refused. */
type Converted = { policies: string; schema: string } | { failure: string };

async function runChild(): Promise<void> {
  const cedar = await import('@cedar-policy/cedar-wasm/nodejs');
  const originalParse = JSON.parse;
  // cedar-wasm's glue calls the global JSON.parse on the JSON text Rust produced: read that text
  // losslessly, then hand the value back as JSON text with the bigints written as digits.
  const lossless = <T>(call: () => T): T => {
    JSON.parse = ((text: string, reviver?: (key: string, value: unknown) => unknown) =>
      reviver === undefined ? parseCedarJson(text) : originalParse(text, reviver)) as typeof JSON.parse;
    try {
      return call();
    } finally {
      JSON.parse = originalParse;
    }
  };
  const convert = (job: ConvertJob): Converted => {
    const parts = cedar.policySetTextToParts(job.policies);
    if (parts.type !== 'success') return { failure: `policies: ${parts.errors.map((e) => e.message).join('; ')}` };
    if (parts.policy_templates.length > 0) return { failure: 'templates' };
    const policies: unknown[] = [];
    for (const text of parts.policies) {
      const json = lossless(() => cedar.policyToJson(text));
      if (json.type !== 'success') return { failure: `policy: ${json.errors.map((e) => e.message).join('; ')}` };
      policies.push(json.json);
    }
    const schema = lossless(() => cedar.schemaToJson(job.schema));
    if (schema.type !== 'success') return { failure: `schema: ${schema.errors.map((e) => e.message).join('; ')}` };
    return { policies: stringifyCedarJson(policies), schema: stringifyCedarJson(schema.json) };
  };
  process.on('message', (message: { id: number; jobs: ConvertJob[] }) => {
    const results = message.jobs.map((job) => {
      try {
        return convert(job);
      } catch (error) {
        return { failure: String(error) };
      }
    });
    process.send!({ id: message.id, results });
  });
}

/** cedar-wasm in a child, recycled every RECYCLE conversions; a crash retries the batch once. */
class Converter {
  private child: ChildProcess | undefined;
  private used = 0;
  private nextId = 0;
  restarts = 0;
  private static readonly RECYCLE = 1500;

  private start(): ChildProcess {
    const child = spawn(process.execPath, ['--conditions=mandate-source', '--import', 'tsx', SELF, '--child'], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'advanced',
    });
    this.used = 0;
    return child;
  }

  async convert(jobs: ConvertJob[]): Promise<Converted[]> {
    for (let attempt = 1; ; attempt++) {
      if (this.child === undefined || this.used >= Converter.RECYCLE) {
        this.child?.kill();
        this.child = this.start();
      }
      const child = this.child;
      this.used += jobs.length;
      const id = this.nextId++;
      try {
        return await new Promise<Converted[]>((resolvePromise, reject) => {
          const onMessage = (message: { id: number; results: Converted[] }) => {
            if (message.id !== id) return;
            cleanup();
            resolvePromise(message.results);
          };
          const onExit = (code: number | null, signal: string | null) => {
            cleanup();
            reject(new Error(`cedar-wasm child exited (${signal ?? code})`));
          };
          const cleanup = () => {
            child.off('message', onMessage);
            child.off('exit', onExit);
          };
          child.on('message', onMessage);
          child.on('exit', onExit);
          child.send({ id, jobs });
        });
      } catch (error) {
        this.child = undefined;
        this.restarts++;
        if (attempt >= 2) throw error;
      }
    }
  }

  close(): void {
    this.child?.kill();
  }
}

// ---------------------------------------------------------------------------------------------
// Parent: the comparison

interface JsonRequest {
  description: string;
  principal: unknown;
  action: unknown;
  resource: unknown;
  context: unknown;
  decision: 'allow' | 'deny' | 'Allow' | 'Deny';
  reason: string[];
  errors: string[];
}

interface JsonTest {
  policies: string;
  entities: string;
  schema: string;
  requests: JsonRequest[];
}

interface Tally {
  files: number;
  requests: number;
  answered: number;
  agreed: number;
  refusals: Map<string, number>;
  disagreements: string[];
  convertMs: number;
  sdkMs: number;
}

function findTests(root: string): { files: string[]; cleanup?: () => void; lookup: (path: string) => string } {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.json') && !name.endsWith('.entities.json')) files.push(path);
    }
  };
  if (existsSync(join(root, 'tests'))) walk(join(root, 'tests'));
  let extracted: string | undefined;
  if (existsSync(join(root, 'corpus-tests'))) walk(join(root, 'corpus-tests'));
  else if (existsSync(join(root, 'corpus-tests.tar.gz'))) {
    extracted = mkdtempSync(join(tmpdir(), 'cedar-corpus-'));
    const tar = spawnSync('tar', ['-xzf', join(root, 'corpus-tests.tar.gz'), '-C', extracted], { stdio: 'inherit' });
    if (tar.status !== 0) throw new Error('could not extract corpus-tests.tar.gz');
    walk(join(extracted, 'corpus-tests'));
  }
  const lookup = (path: string): string => {
    const direct = resolve(root, path);
    return existsSync(direct) || extracted === undefined ? direct : resolve(extracted, path);
  };
  return { files, lookup, ...(extracted === undefined ? {} : { cleanup: () => rmSync(extracted, { recursive: true, force: true }) }) };
}

function refusal(tally: Tally, error: unknown, count: number): void {
  if (!(error instanceof CompileError) && !(error instanceof CedarInputError)) throw error;
  // Group by the kind of refusal, not the particular value.
  const detail = error instanceof CompileError ? error.detail : error.message;
  const key = `${error.name}: ${detail
    .replace(/"(?:[^"\\]|\\.)*"/g, '"…"')
    .replace(/-?\d{3,}/g, 'N')
    .slice(0, 110)}`;
  tally.refusals.set(key, (tally.refusals.get(key) ?? 0) + count);
}

const sortedIds = (ids: readonly string[]): string => JSON.stringify([...ids].sort());

function decide(
  test: JsonTest,
  name: string,
  policies: PolicyJson[],
  schemaJson: SchemaJson,
  entitiesJson: EntityJson[],
  tally: Tally,
  show: number,
): void {
  const started = performance.now();
  try {
    let set: CompiledPolicySet;
    let store: EntityStore;
    let schema: CedarSchema;
    try {
      set = compilePolicySet(policies.map((policy, i) => ({ id: `policy${i}`, policy })));
      schema = cedarSchema(schemaJson);
      store = entitiesFromCedarJson(entitiesJson, { schema });
    } catch (error) {
      refusal(tally, error, test.requests.length);
      return;
    }
    for (const request of test.requests) {
      let compiled: AuthorizationRequest;
      try {
        const action = uidFromJson(request.action as Parameters<typeof uidFromJson>[0]);
        compiled = {
          principal: uidFromJson(request.principal as Parameters<typeof uidFromJson>[0]),
          action,
          resource: uidFromJson(request.resource as Parameters<typeof uidFromJson>[0]),
          context: contextFromJson(request.context as Parameters<typeof contextFromJson>[0], { schema, action }),
        };
      } catch (error) {
        refusal(tally, error, 1);
        continue;
      }
      const actual = set.authorize(compiled, store);
      tally.answered++;
      const expectedDecision = request.decision.toLowerCase();
      if (
        actual.decision === expectedDecision &&
        sortedIds(actual.reasons) === sortedIds(request.reason) &&
        sortedIds(actual.errors) === sortedIds(request.errors)
      ) {
        tally.agreed++;
      } else if (tally.disagreements.length < show) {
        tally.disagreements.push(
          `${name} "${request.description}": expected ${expectedDecision} reasons ${sortedIds(request.reason)} ` +
            `errors ${sortedIds(request.errors)}; ` +
            `got ${actual.decision} reasons ${sortedIds(actual.reasons)} errors ${sortedIds(actual.errors)}`,
        );
      }
    }
  } finally {
    tally.sdkMs += performance.now() - started;
  }
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { small: { type: 'string' }, show: { type: 'string', default: '20' }, batch: { type: 'string', default: '50' } },
  });
  const root = positionals[0];
  if (root === undefined) {
    process.stderr.write('usage: npm run conformance:cedar -- <cedar-integration-tests dir> [--small N] [--show N]\n');
    process.exit(2);
  }
  const started = performance.now();
  const { files: allFiles, lookup, cleanup } = findTests(resolve(root));
  const files = values.small === undefined ? allFiles : allFiles.slice(0, Number(values.small));
  if (files.length === 0) throw new Error(`no test files under ${root}`);
  const show = Number(values.show);
  const batchSize = Number(values.batch);
  const tally: Tally = {
    files: 0,
    requests: 0,
    answered: 0,
    agreed: 0,
    refusals: new Map(),
    disagreements: [],
    convertMs: 0,
    sdkMs: 0,
  };
  const converter = new Converter();
  try {
    for (let offset = 0; offset < files.length; offset += batchSize) {
      const batch = files.slice(offset, offset + batchSize).map((file) => {
        const test = parseCedarJson(readFileSync(file, 'utf8')) as JsonTest;
        return { file, test };
      });
      const convertStarted = performance.now();
      const converted = await converter.convert(
        batch.map(({ test }) => ({
          policies: readFileSync(lookup(test.policies), 'utf8'),
          schema: readFileSync(lookup(test.schema), 'utf8'),
        })),
      );
      tally.convertMs += performance.now() - convertStarted;
      batch.forEach(({ file, test }, i) => {
        tally.files++;
        tally.requests += test.requests.length;
        const result = converted[i]!;
        const name = file.slice(resolve(root).length + 1);
        if ('failure' in result) {
          tally.refusals.set(`cedar-wasm could not convert: ${result.failure.slice(0, 80)}`, test.requests.length);
          return;
        }
        const policies = parseCedarJson(result.policies) as PolicyJson[];
        const entities = parseCedarJson(readFileSync(lookup(test.entities), 'utf8')) as EntityJson[];
        decide(test, name, policies, parseCedarJson(result.schema) as SchemaJson, entities, tally, show);
      });
      if (offset > 0 && (offset / batchSize) % 20 === 0) {
        process.stderr.write(`[conformance] ${tally.files}/${files.length} files, ${tally.requests} requests\n`);
      }
    }
  } finally {
    converter.close();
    cleanup?.();
  }
  const percent = (part: number, whole: number) => (whole === 0 ? 'n/a' : `${((100 * part) / whole).toFixed(2)}%`);
  const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const out: string[] = [
    `Cedar conformance of @mandate/sdk/cedar against ${resolve(root)}`,
    `files:     ${tally.files}`,
    `requests:  ${tally.requests}`,
    `answered:  ${tally.answered} (${percent(tally.answered, tally.requests)})`,
    `agreed:    ${tally.agreed} of answered (${percent(tally.agreed, tally.answered)})`,
    `time:      ${seconds(performance.now() - started)} total; cedar-wasm text→JSON ${seconds(tally.convertMs)} ` +
      `(${converter.restarts} child restarts); SDK compile + entities + decide ${seconds(tally.sdkMs)}`,
  ];
  if (tally.refusals.size > 0) {
    out.push('refused (requests, by reason):');
    for (const [reason, count] of [...tally.refusals].sort((a, b) => b[1] - a[1]).slice(0, 25)) {
      out.push(`  ${String(count).padStart(6)}  ${reason}`);
    }
  }
  if (tally.disagreements.length > 0) {
    out.push(`first disagreements (of ${tally.answered - tally.agreed}):`);
    for (const line of tally.disagreements) out.push(`  ${line}`);
  }
  process.stdout.write(`${out.join('\n')}\n`);
  process.exitCode = tally.agreed === tally.answered ? 0 : 1;
}

if (process.argv.includes('--child')) await runChild();
else await main();
