// `mandate policy test`: the shipped Cedar policies pass their shipped tests, each case decided by
// the engine enforcement points run and its Cedar part checked against cedar-wasm; a wrong
// expectation fails with a non-zero exit, and a broken policy file is refused.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { runCli } from '../support/cli.js';

const POLICIES = 'policies/cedar/mandate-default.cedar';
const TESTS = 'policies/cedar/mandate-default.tests.yaml';
const dir = mkdtempSync(join(tmpdir(), 'mandate-policy-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('the shipped policies pass the shipped tests, compiled engine and cedar-wasm agreeing', async () => {
  const r = await runCli(['policy', 'test', POLICIES, '--tests', TESTS]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const cases = (readFileSync(TESTS, 'utf8').match(/^ {2}- name:/gm) ?? []).length;
  assert.ok(cases >= 15);
  assert.match(r.stdout, new RegExp(`${cases} passed, 0 failed`));
});

test('a wrong expectation fails, naming the case and what the engine answered', async () => {
  const tests = readFileSync(TESTS, 'utf8').replace(
    /(name: new business stops where the authorisation is withdrawn[\s\S]*?expect: )deny/,
    '$1allow',
  );
  const file = join(dir, 'wrong.tests.yaml');
  writeFileSync(file, tests);
  const r = await runCli(['policy', 'test', POLICIES, '--tests', file]);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /FAIL new business stops where the authorisation is withdrawn: expected allow, got deny/);
  assert.match(r.stdout, /not lawful in ent-de\/custody\/FR/);
});

test('invalid policies and tests files are refused with a clear message', async () => {
  const bad = join(dir, 'bad.cedar');
  writeFileSync(bad, '@id("x")\npermit (principal, action == Mandate::Action::"fly", resource);');
  const r = await runCli(['policy', 'test', bad, '--tests', TESTS]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /policies are not valid/);
  const badTests = join(dir, 'bad.tests.yaml');
  writeFileSync(badTests, 'cases: []\n');
  const t = await runCli(['policy', 'test', POLICIES, '--tests', badTests]);
  assert.equal(t.code, 2);
  assert.match(t.stderr, /tests file is not valid/);
});
