// The domain core stays pure: it imports nothing of ours from outside src/core, and no module
// that does I/O. This keeps the rules testable as plain functions over data.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';

const CORE = new URL('../../src/core/', import.meta.url);
// node:crypto is here for hashing only (computation, no I/O): the Merkle tree needs SHA-256.
const ALLOWED_PACKAGES = new Set(['@sinclair/typebox', 'ajv', 'ajv-formats', 'node:crypto']);

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
