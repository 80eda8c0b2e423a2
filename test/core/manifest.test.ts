import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { checkManifestShape, planImport, reviewManifest, type CurrentState } from '../../src/core/manifest.js';
import { normaliseIdentity } from '../../src/core/rules.js';
import { ActionVocabulary, CAPABILITIES, ENVIRONMENTS, IDENTITY_FUNCTIONS, IDENTITY_KINDS } from '../../src/core/vocabulary.js';
import { identity, smallManifest } from '../support/fixtures.js';

const empty: CurrentState = {
  entities: new Map(),
  people: new Map(),
  vendors: new Map(),
  authorisations: new Map(),
  identities: new Map(),
  customActions: [],
  bootstrap: true,
};

function plan(doc: unknown, current = empty) {
  return reviewManifest(checkManifestShape(doc), current);
}

test('a valid manifest plans every record as a create', () => {
  const p = plan(smallManifest());
  assert.deepEqual(p.issues, []);
  assert.deepEqual(p.counts, { created: 9, updated: 0, unchanged: 0, rejected: 0 });
});

test('re-planning against the imported state changes nothing; an edit is one field-level update', () => {
  const m = smallManifest();
  const vocab = new ActionVocabulary();
  const current: CurrentState = {
    entities: new Map(m.entities!.map((e) => [e.id, e])),
    people: new Map(m.people!.map((e) => [e.id, e])),
    vendors: new Map(m.vendors!.map((e) => [e.id, e])),
    authorisations: new Map(m.authorisations!.map((e) => [e.id, e])),
    identities: new Map(m.identities!.map((i) => [i.id, normaliseIdentity(i, vocab)])),
    customActions: [],
  };
  assert.deepEqual(plan(m, current).counts, { created: 0, updated: 0, unchanged: 9, rejected: 0 });
  // Once loaded, an authorisation's status, dates and conditions change only by a transition,
  // and what licence it is never changes; a new one starts as applied.
  const moved = structuredClone(m);
  moved.authorisations![1]!.status = 'authorised';
  moved.authorisations![0]!.status = 'withdrawn';
  moved.authorisations![1]!.deadline = '2027-01-01';
  moved.authorisations!.push({
    id: 'auth-new',
    entity: 'ent-de',
    service: 'advice',
    jurisdiction: 'DE',
    status: 'authorised',
    basis: 'home',
    reference: 'new',
  });
  const refused = plan(moved, current).issues;
  assert.deepEqual(
    refused.map((i) => `${i.record} ${i.field} ${i.code}`),
    [
      'auth-de-custody-de /authorisations/0/status STATUS_CHANGE_NEEDS_TRANSITION',
      'auth-de-custody-fr /authorisations/1/deadline STATUS_CHANGE_NEEDS_TRANSITION',
      'auth-new /authorisations/2/status STATUS_CHANGE_NEEDS_TRANSITION',
    ],
  );
  assert.match(refused[0]!.reason, /mandate authorisations propose auth-de-custody-de --to withdrawn/);
  const rescoped = structuredClone(m);
  rescoped.authorisations![1]!.jurisdiction = 'NL';
  assert.deepEqual(
    plan(rescoped, current).issues.map((i) => `${i.field} ${i.code}`),
    ['/authorisations/1/jurisdiction IMMUTABLE_FIELD'],
  );
  const fine = structuredClone(m);
  fine.authorisations![1]!.reference = 'BaFin 2025/1-FR (corrected)';
  fine.authorisations!.push({
    id: 'auth-new',
    entity: 'ent-de',
    service: 'advice',
    jurisdiction: 'DE',
    status: 'applied',
    basis: 'home',
    reference: 'new',
  });
  assert.deepEqual(plan(fine, current).issues, []);
  m.identities![0]!.purpose = 'Something else';
  const p = planImport(checkManifestShape(m).manifest!, current);
  assert.deepEqual(p.counts, { created: 0, updated: 1, unchanged: 8, rejected: 0 });
  assert.deepEqual(
    p.changes.find((c) => c.op === 'update')!.changes.map((c) => c.field),
    ['purpose'],
  );
});

test('every invalid record is listed with its id, field and reason, and the counts say rejected', () => {
  const m = smallManifest([
    identity('svc-a', { owner: 'ghost@firm.example' }),
    identity('svc-a'),
    identity('svc-c', { capability: 'observe', actions: ['execute_trade'] }),
  ]);
  const p = plan(m);
  assert.deepEqual(p.issues.map((i) => `${i.record} ${i.field}`).sort(), [
    'svc-a /identities/0/owner',
    'svc-a /identities/1/id',
    'svc-c /identities/2/actions/0',
  ]);
  assert.equal(p.counts.rejected, 2);
  assert.equal(p.changes.length, 0);
});

test('schema errors name the record and field: unknown fields, wrong types, over-long strings', () => {
  const m = smallManifest() as any;
  m.identities[0].colour = 'blue';
  m.identities[1].capability = 'superuser';
  m.people[0].name = 'x'.repeat(201);
  m.entities[0].lei = 'nope';
  const p = plan(m);
  assert.deepEqual(p.issues.map((i) => `${i.kind} ${i.record} ${i.field}`).sort(), [
    'entity ent-de /entities/0/lei',
    'identity svc-a /identities/0/colour',
    'identity svc-b /identities/1/capability',
    'person alice@firm.example /people/0/name',
  ]);
});

test('schema errors and rule errors come back together, each naming its record', () => {
  const m = smallManifest([identity('svc-a', { owner: 'ghost@firm.example' }), identity('svc-b')]) as any;
  m.identities[1].colour = 'blue';
  m.people[1].name = '';
  const p = plan(m);
  assert.deepEqual(
    p.issues.map((i) => `${i.record} ${i.field}`),
    ['svc-a /identities/0/owner', 'svc-b /identities/1/colour', 'bob@firm.example /people/1/name'],
  );
  assert.equal(p.counts.rejected, 3);
});

test('a re-import that leaves status out keeps the lifecycle status; naming one must follow the lifecycle', () => {
  const m = smallManifest();
  const vocab = new ActionVocabulary();
  const suspended = normaliseIdentity({ ...m.identities![0]!, status: 'revoked' }, vocab);
  const current: CurrentState = { ...empty, identities: new Map([[suspended.id, suspended]]) };
  const kept = plan(m, current);
  assert.deepEqual(kept.issues, []);
  assert.equal(kept.changes.find((c) => c.id === suspended.id)?.op, 'unchanged');
  m.identities![0]!.status = 'active';
  assert.deepEqual(
    plan(m, current).issues.map((i) => i.field),
    ['/identities/0/status'],
  );
});

test('authorisations: basis must match the home state; one authorisation per entity/service/state', () => {
  const m = smallManifest();
  m.authorisations!.push({
    id: 'auth-dup',
    entity: 'ent-de',
    service: 'custody',
    jurisdiction: 'FR',
    status: 'applied',
    basis: 'passport',
    reference: 'x',
  });
  m.authorisations!.push({
    id: 'auth-bad',
    entity: 'ent-de',
    service: 'advice',
    jurisdiction: 'IT',
    status: 'applied',
    basis: 'home',
    reference: 'x',
  });
  assert.deepEqual(
    plan(m)
      .issues.map((i) => `${i.record} ${i.field}`)
      .sort(),
    ['auth-bad /authorisations/3/basis', 'auth-dup /authorisations/2/service'],
  );
});

test('top-level shape: version, unknown sections', () => {
  assert.deepEqual(
    plan({ version: 2 }).issues.map((i) => i.field),
    ['/version'],
  );
  assert.deepEqual(
    plan({ version: 1, robots: [] }).issues.map((i) => i.field),
    ['/robots'],
  );
  assert.ok(plan([]).issues.length > 0);
  assert.ok(plan(null).issues.length > 0);
});

// Property: whatever the input, the checker answers with issues or a manifest, never throws, and
// an answer with a manifest plans without throwing.
test('property: arbitrary JSON never crashes the manifest checker', () => {
  fc.assert(
    fc.property(fc.jsonValue({ maxDepth: 4 }), (doc) => {
      const p = plan(doc);
      assert.ok(Array.isArray(p.issues));
    }),
    { numRuns: 500 },
  );
});

const arbIdentity = fc.record({
  kind: fc.constantFrom(...IDENTITY_KINDS),
  function: fc.constantFrom(...IDENTITY_FUNCTIONS),
  capability: fc.constantFrom(...CAPABILITIES),
  environment: fc.constantFrom(...ENVIRONMENTS),
  purpose: fc.string({ minLength: 1, maxLength: 50 }),
  jurisdiction: fc.constantFrom('DE' as const, 'FR' as const),
});

test('property: generated valid identities always plan cleanly; one corrupted field is always caught', () => {
  fc.assert(
    fc.property(
      fc.array(arbIdentity, { minLength: 1, maxLength: 8 }),
      fc.nat(),
      fc.constantFrom('owner', 'kind', 'scopes', 'unknown', 'lei'),
      (ids, pick, corruption) => {
        const identities = ids.map((g, n) =>
          identity(`svc-${n}`, {
            kind: g.kind,
            function: g.function,
            capability: g.capability,
            environment: g.environment,
            purpose: g.purpose,
            scopes: [{ entity: 'ent-de', service: 'custody', jurisdiction: g.jurisdiction }],
          }),
        );
        assert.deepEqual(plan(smallManifest(identities)).issues, []);
        const bad = smallManifest(identities) as any;
        const target = bad.identities[pick % identities.length];
        if (corruption === 'owner') target.owner = 'nobody@firm.example';
        if (corruption === 'kind') target.kind = 'robot';
        if (corruption === 'scopes') target.scopes = [];
        if (corruption === 'unknown') target.secret = 'hunter2';
        if (corruption === 'lei') bad.entities[0].lei = bad.entities[0].lei.slice(0, 19) + ((Number(bad.entities[0].lei[19]) + 1) % 10);
        const issues = plan(bad).issues;
        assert.ok(issues.length > 0, `corruption ${corruption} was not caught`);
      },
    ),
    { numRuns: 200 },
  );
});
