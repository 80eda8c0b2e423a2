// The domain core stays pure: it imports nothing of ours from outside src/core, and no module
// that does I/O. This keeps the rules testable as plain functions over data.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';

const CORE = new URL('../../src/core/', import.meta.url);
// node:crypto is here for hashing only (computation, no I/O): the Merkle tree needs SHA-256.
// @mandate/sdk/decision and /cedar are the pure decision semantics the core shares with every
// enforcement point (checked below to be pure too).
const ALLOWED_PACKAGES = new Set(['@sinclair/typebox', 'ajv', 'ajv-formats', 'node:crypto', '@mandate/sdk/decision', '@mandate/sdk/cedar']);

test('src/core imports only src/core and pure libraries', () => {
  for (const file of readdirSync(CORE).filter((f) => f.endsWith('.ts'))) {
    const text = readFileSync(new URL(file, CORE), 'utf8');
    for (const [, spec] of text.matchAll(/from '([^']+)'/g)) {
      if (spec!.startsWith('./')) continue;
      assert.ok(ALLOWED_PACKAGES.has(spec!), `src/core/${file} imports ${spec}`);
    }
    assert.doesNotMatch(text, /\b(Date\.now|new Date\(\)|Math\.random)\b/, `src/core/${file} reads the clock or randomness`);
  }
});

test("the SDK's decision semantics (decision/, cedar/) are pure: no I/O, no clock, no randomness", () => {
  for (const dir of ['decision', 'cedar']) {
    const base = new URL(`../../packages/sdk/src/${dir}/`, import.meta.url);
    for (const file of readdirSync(base).filter((f) => f.endsWith('.ts'))) {
      const text = readFileSync(new URL(file, base), 'utf8');
      for (const [, spec] of text.matchAll(/from '([^']+)'/g)) {
        assert.ok(
          spec!.startsWith('./') || spec!.startsWith('../cedar/') || spec!.startsWith('../decision/'),
          `sdk ${dir}/${file} imports ${spec}`,
        );
      }
      assert.doesNotMatch(
        text,
        /\b(Date\.now|new Date\(\)|Math\.random|eval\(|new Function)\b/,
        `sdk ${dir}/${file} reads the clock or randomness, or generates code`,
      );
    }
  }
});
