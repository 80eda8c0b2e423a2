// The published documents stay true to the code: the manifest JSON Schema is the one the server
// validates with, and the demo manifest and the README's examples pass it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { manifestJsonSchema } from '../../src/core/manifest-schema.js';

const published = JSON.parse(readFileSync(new URL('../../docs/manifest.schema.json', import.meta.url), 'utf8'));

test('docs/manifest.schema.json is current (npm run docs:schema)', () => {
  assert.deepEqual(published, manifestJsonSchema());
});

test('the published schema is valid JSON Schema 2020-12 and accepts the demo manifest', () => {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  const validate = ajv.compile(published);
  const demo = parse(readFileSync(new URL('../../demo/mandate-demo.yaml', import.meta.url), 'utf8'));
  assert.equal(validate(demo), true, JSON.stringify(validate.errors?.slice(0, 3)));
  assert.equal(validate({ ...demo, extra: 1 }), false);
});

test('the example in docs/manifest.md imports cleanly', async () => {
  const { checkManifestShape, reviewManifest } = await import('../../src/core/manifest.js');
  const md = readFileSync(new URL('../../docs/manifest.md', import.meta.url), 'utf8');
  const example = /```yaml\n([\s\S]*?)```/.exec(md)![1]!;
  const empty = {
    entities: new Map(),
    people: new Map(),
    vendors: new Map(),
    authorisations: new Map(),
    identities: new Map(),
    customActions: [],
    bootstrap: true,
  };
  const plan = reviewManifest(checkManifestShape(parse(example)), empty);
  assert.deepEqual(plan.issues, []);
  assert.equal(plan.counts.created, 5);
});
