// The OSCAL assessment-results document of an evidence pack: valid against NIST's schema (the
// vendored 1.1.3 copy, and shared/'s when present), deterministic, and complete on controls.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsImport from 'ajv-formats';
import fc from 'fast-check';
import { MandateError } from '../../src/core/errors.js';
import type { EvidenceData } from '../../src/core/evidence.js';
import { assessmentResults, MANDATE_NS, oscalString, oscalToken, oscalUuid } from '../../src/evidence/oscal.js';
import { emptyEvidence, evidenceArb, evidenceFixture } from '../support/evidence-fixture.js';

const VENDORED = new URL('../../schemas/oscal/oscal_assessment-results_schema-1.1.3.json', import.meta.url);
const SCHEMA_SHA256 = 'd9e34757f0c12aff61f52b821f0b8f83ba0ba75b3a149a202b08ba82f82bc4c3';
// shared/ sits beside the repository (here and in CI); /work/shared on a developer's machine.
const SHARED = [fileURLToPath(new URL('../../../shared/data/oscal/', import.meta.url)), '/work/shared/data/oscal/'].find((d) =>
  existsSync(d),
);
// ajv-formats is CommonJS: under NodeNext its default import types as the module object.
const addFormats = addFormatsImport as unknown as (ajv: Ajv) => Ajv;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function compile(schemaText: string): ValidateFunction {
  const ajv = new Ajv({ allErrors: true, strict: false }); // unicodeRegExp stays true: the patterns use \p{L}
  addFormats(ajv);
  return ajv.compile(JSON.parse(schemaText) as object);
}
const validate = compile(readFileSync(VENDORED, 'utf8'));

function assertValid(doc: object, v: ValidateFunction = validate): void {
  const ok = v(doc);
  assert.ok(ok, `schema errors:\n${JSON.stringify(v.errors?.slice(0, 10), null, 2)}`);
}

type Doc = { 'assessment-results': any };
const ar = (d: EvidenceData) => (assessmentResults(d) as Doc)['assessment-results'];

test("the vendored schema is NIST's OSCAL 1.1.3 assessment-results schema, byte for byte", () => {
  assert.equal(createHash('sha256').update(readFileSync(VENDORED)).digest('hex'), SCHEMA_SHA256);
});

test('the document of a realistic pack validates against the vendored schema', () => {
  assertValid(assessmentResults(evidenceFixture()));
});

test("and against shared/'s copy of the schema, which also accepts NIST's own example", {
  skip: SHARED ? false : 'shared/data/oscal is not here',
}, () => {
  const v = compile(readFileSync(`${SHARED}oscal_assessment-results_schema-1.1.3.json`, 'utf8'));
  assertValid(assessmentResults(evidenceFixture()), v);
  assertValid(assessmentResults(emptyEvidence()), v);
  const example = `${SHARED}examples/ifa_assessment-results-example.json`;
  if (existsSync(example)) assertValid(JSON.parse(readFileSync(example, 'utf8')) as object, v);
});

test('deterministic: the same data gives the same document, byte for byte', () => {
  const a = JSON.stringify(assessmentResults(evidenceFixture()), null, 2);
  const b = JSON.stringify(assessmentResults(evidenceFixture()), null, 2);
  assert.equal(a, b);
  // and the document depends on the pack: another generation time is another document
  const later = { ...evidenceFixture(), generated_at: '2026-11-23T10:15:00Z' };
  assert.notEqual(ar(later).uuid, ar(evidenceFixture()).uuid);
  // an identity keeps its inventory-item uuid from one pack to the next
  const items = (d: EvidenceData) =>
    ar(d)
      .results[0]['local-definitions']['inventory-items'].map((i: any) => i.uuid)
      .sort();
  assert.deepEqual(items(later), items(evidenceFixture()));
});

test("the document's shape: metadata, import-ap, one result with the pack's times", () => {
  const d = evidenceFixture();
  const doc = ar(d);
  assert.deepEqual(Object.keys(doc), ['uuid', 'metadata', 'import-ap', 'results', 'back-matter']);
  assert.equal(doc.metadata['oscal-version'], '1.1.3');
  assert.equal(doc.metadata['last-modified'], d.generated_at);
  assert.equal(doc['import-ap'].href, 'mandate://assessment-plan/ent-fr/FR');
  assert.equal(doc.results.length, 1);
  assert.equal(doc.results[0].start, d.as_of);
  assert.equal(doc.results[0].end, d.generated_at);
  assert.equal(doc.metadata.parties[0].name, d.entity.name);
});

test('UUIDs are valid, unique, and every reference resolves', () => {
  const doc = ar(evidenceFixture());
  const text = JSON.stringify(doc);
  const defined: string[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (k === 'uuid') defined.push(x as string);
        walk(x);
      }
    }
  };
  walk(doc);
  for (const u of defined) assert.match(u, UUID);
  assert.equal(new Set(defined).size, defined.length, 'duplicate uuid');
  const refs = [...text.matchAll(/"(?:observation-uuid|subject-uuid|actor-uuid|component-uuid|party-uuids)":\s*\[?"([0-9a-f-]{36})"/g)].map(
    (m) => m[1]!,
  );
  assert.ok(refs.length > 10);
  for (const r of refs) assert.ok(defined.includes(r), `dangling reference ${r}`);
});

test('one observation per check and per unresolved finding', () => {
  const d = evidenceFixture();
  const obs = ar(d).results[0].observations as any[];
  const unresolved = d.findings.filter((f) => f.status !== 'resolved');
  assert.equal(obs.length, d.checks.length + unresolved.length);
  for (const o of obs) {
    assert.deepEqual(o.methods, ['TEST']);
    assert.equal(o.collected, d.generated_at);
    assert.ok(o['relevant-evidence'].length >= 1);
  }
  const otc = obs.find((o) =>
    o.props.some((p: any) => p.name === 'finding-id' && p.value === 'execute-outside-authorisation:svc-otc-desk'),
  );
  assert.equal(otc.subjects[0].type, 'inventory-item');
  assert.equal(otc['relevant-evidence'][0].href, '../ledger/events.jsonl');
  assert.deepEqual(
    otc['relevant-evidence'][0].props.map((p: any) => p.value),
    ['1011', '1030'],
  );
  assert.equal(
    otc['relevant-evidence'][1].href,
    `../data/evidence.json#/findings/${d.findings.findIndex((f) => f.id === 'execute-outside-authorisation:svc-otc-desk')}`,
  );
  const owner = obs.find(
    (o) => o.props.some((p: any) => p.name === 'check-id' && p.value === 'owner-active') && o.types[0] === 'control-objective',
  );
  assert.equal(
    owner['relevant-evidence'][0].href,
    `../data/evidence.json#/checks/${d.checks.findIndex((c) => c.check === 'owner-active')}`,
  );
  // the resolved finding is not observed
  assert.ok(!JSON.stringify(obs).includes('strong-authentication:svc-legacy-bridge'));
});

test("every control a check maps to is a finding target, with its outcome and Mandate's findings", () => {
  const d = evidenceFixture();
  const result = ar(d).results[0];
  const byControl = new Map<string, any>(
    (result.findings as any[]).map((f) => [f.props.find((p: any) => p.name === 'control-id').value, f]),
  );
  const checkControls = new Set(d.checks.flatMap((c) => c.controls));
  for (const id of checkControls) {
    const f = byControl.get(id);
    assert.ok(f, `no finding for ${id}`);
    assert.equal(f.target.type, 'objective-id');
    assert.equal(f.target['target-id'], oscalToken(id));
    assert.ok(f['related-observations'].length >= 1);
  }
  assert.deepEqual(
    result['reviewed-controls']['control-selections'][0]['include-controls'].map((c: any) => c['control-id']).sort(),
    [...checkControls].map(oscalToken).sort(),
  );
  const state = (id: string) => byControl.get(id).target.status.state;
  assert.equal(state('mica:art-64-withdrawal'), 'satisfied');
  assert.equal(state('cra:annex-i:2-d'), 'satisfied', 'a resolved finding does not unsatisfy its control');
  assert.equal(state('owasp-nhi:NHI7'), 'not-satisfied');
  assert.equal(state('nist-csf:PR.AA-05'), 'not-satisfied');
  const dora = byControl.get('dora:rts-2024-1774:art-21');
  assert.equal(dora.title, 'DORA RTS 2024/1774 Art. 21: Access control');
  assert.deepEqual(
    dora.props.filter((p: any) => p.name === 'finding-id').map((p: any) => [p.value, p.class]),
    [
      ['execute-outside-authorisation:svc-otc-desk', 'critical'],
      ['long-lived-secret:api-chainalysis', 'high'],
      ['long-lived-secret:svc-hot-wallet-signer', 'high'],
    ],
  );
  for (const p of dora.props) assert.equal(p.ns, MANDATE_NS);
  assert.match(dora.remarks, /exc-chainalysis-rotation/);
});

test('an empty pack still validates', () => {
  const d = emptyEvidence();
  assertValid(assessmentResults(d));
  const result = ar(d).results[0];
  assert.equal(result.observations, undefined);
  assert.equal(result.findings, undefined);
  assert.ok(result['reviewed-controls']['control-selections'][0].description);
});

test('a pack whose as_of is no date starts at its generation; a pack with no generation time is refused', () => {
  const d = { ...evidenceFixture(), as_of: 'yesterday' };
  assertValid(assessmentResults(d));
  assert.equal(ar(d).results[0].start, d.generated_at);
  assert.throws(() => assessmentResults({ ...evidenceFixture(), generated_at: 'now' }), MandateError);
  // a timestamp with an offset OSCAL does not admit is written in UTC
  const odd = { ...evidenceFixture(), generated_at: '2026-11-22T10:15:00+01:15' };
  assertValid(assessmentResults(odd));
  assert.equal(ar(odd).metadata['last-modified'], '2026-11-22T09:00:00.000Z');
});

test('helpers: v5-style uuids, tokens, strings', () => {
  assert.match(oscalUuid('x'), UUID);
  assert.equal(oscalUuid('x'), oscalUuid('x'));
  assert.notEqual(oscalUuid('x'), oscalUuid('y'));
  assert.equal(oscalToken('owasp-nhi:NHI7'), 'owasp-nhi_NHI7');
  assert.equal(oscalToken('dora:rts-2024-1774:art-21'), 'dora_rts-2024-1774_art-21');
  assert.equal(oscalToken('nist-csf:PR.AA-05'), 'nist-csf_PR.AA-05');
  assert.equal(oscalToken('9lives'), '_9lives');
  assert.equal(oscalToken(''), '_');
  assert.equal(oscalToken('é:ß'), 'é_ß');
  assert.equal(oscalString('  two\n\tlines \u00a0'), 'two lines');
  assert.equal(oscalString(' \n '), '');
});

test('control ids that sanitise alike stay distinct targets', () => {
  const d = evidenceFixture();
  d.checks.push({
    check: 'twin',
    title: 'Twin',
    description: 'Twin',
    severity: 'low',
    controls: ['owasp-nhi_NHI7'],
    evaluated: 1,
    failed: 0,
  });
  assertValid(assessmentResults(d));
  const targets = (ar(d).results[0].findings as any[]).map((f) => f.target['target-id']);
  assert.equal(new Set(targets).size, targets.length);
});

// ---- property: whatever the (well-typed) data, the document validates ----------------------------

test('property: any well-typed pack gives a document that validates, and the same one twice', () => {
  fc.assert(
    fc.property(evidenceArb, (d) => {
      const doc = assessmentResults(d);
      assertValid(doc);
      assert.equal(JSON.stringify(assessmentResults(structuredClone(d))), JSON.stringify(doc));
      const targets: string[] = ((doc as Doc)['assessment-results'].results[0].findings ?? []).map((f: any) => f.target['target-id']);
      for (const id of d.checks.flatMap((c) => c.controls)) {
        const t = oscalToken(id);
        assert.ok(
          targets.some((x) => x === t || x.startsWith(`${t}-`)),
          `no finding for control ${JSON.stringify(id)}`,
        );
      }
    }),
    { numRuns: 200 },
  );
});
