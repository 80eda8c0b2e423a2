// Hand-written corner cases for the compiled Cedar evaluator (@mandate/sdk/cedar). Each expression
// case states the expected outcome by hand and is also checked against cedar-wasm (run in a child
// process by test/support/cedar-oracle.ts, which also turns the Cedar text into JSON), so a wrong
// expectation cannot hide a wrong evaluator. The random comparison is cedar-differential.test.ts.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { PolicyJson as WasmPolicyJson } from '@cedar-policy/cedar-wasm/nodejs';
import {
  type AuthorizationRequest,
  CedarInputError,
  CedarRecord,
  cedarRecord,
  cedarSchema,
  cedarSet,
  CompileError,
  compilePolicySet,
  contextFromJson,
  datetime,
  decimal,
  duration,
  EMPTY_RECORD,
  entitiesFromCedarJson,
  type EntityJson,
  entityUid,
  ipAddr,
  long,
  makeEntity,
  parseCedarJson,
  overlayEntities,
  type PolicyJson,
  uidFromJson,
  valuesEqual,
} from '@mandate/sdk/cedar';
import { CedarOracle } from '../support/cedar-oracle.js';

// cedar-wasm's policy JSON type must be accepted as ours (a type-level check; no runtime import).
const acceptsCedarWasmJson = (policy: WasmPolicyJson): PolicyJson => policy;
void acceptsCedarWasmJson;

const oracle = new CedarOracle();
after(() => oracle.close());

const ENTITIES: EntityJson[] = [
  {
    uid: { type: 'User', id: 'alice' },
    attrs: {
      n: 5,
      name: 'alice',
      info: { a: 1, c: { a: 2 } },
      tags: ['x', 'y'],
      manager: { __entity: { type: 'User', id: 'bob' } },
      plain: { type: 'User', id: 'bob' }, // a record, not an entity: no __entity
      big: 9007199254740991,
      addr: { __extn: { fn: 'ip', arg: '10.1.2.3' } },
      since: {
        __extn: {
          fn: 'offset',
          args: [{ __extn: { fn: 'datetime', arg: '1970-01-01' } }, { __extn: { fn: 'duration', arg: '86400000ms' } }],
        },
      },
    },
    parents: [{ type: 'Group', id: 'team' }],
    tags: { level: 3 },
  },
  { uid: { __entity: { type: 'Group', id: 'team' } }, attrs: {}, parents: [{ __entity: { type: 'Group', id: 'dept' } }] },
  { uid: { type: 'Group', id: 'dept' }, attrs: {}, parents: [{ type: 'Group', id: 'company' }] }, // company is not listed
  { uid: { type: 'Action', id: 'read' }, attrs: {}, parents: [{ type: 'Action', id: 'readers' }] },
];
const REQUEST = {
  principal: { type: 'User', id: 'alice' },
  action: { type: 'Action', id: 'read' },
  resource: { type: 'Doc', id: 'd1' },
  context: {
    flag: true,
    n: 2,
    s: 'a*b',
    set: [1, 2, 2],
    entity: { __entity: { type: 'User', id: 'alice' } },
    amount: { __extn: { fn: 'decimal', arg: '12.5' } },
    at: { __extn: { fn: 'datetime', arg: '2024-06-01T12:00:00+0200' } },
    ips: [{ __extn: { fn: 'ip', arg: '10.1.2.3' } }, { __extn: { fn: 'ip', arg: '::1' } }],
  },
};

type Outcome = true | false | 'error';

// expression → outcome when used as `permit(principal, action, resource) when { <expression> };`
const CASES: Record<string, [string, Outcome][]> = {
  'like: wildcards and escapes': [
    ['"a*b" like "a\\*b"', true], // escaped star is a literal star
    ['"axb" like "a\\*b"', false],
    ['"axb" like "a*b"', true],
    ['"" like ""', true],
    ['"" like "*"', true],
    ['"abc" like "a**c"', true],
    ['"aa" like "a*a"', true],
    ['"a" like "a*a"', false], // prefix and suffix must not overlap
    ['"a\\\\b" like "a\\\\b"', true], // a literal backslash
    ['"😀x" like "*x"', true],
    ['"xyz" like "*y"', false],
    ['context.s like "a\\**"', true],
    ['1 like "1"', 'error'],
  ],
  'in: self, transitive, sets, missing entities': [
    ['principal in principal', true],
    ['User::"nobody" in User::"nobody"', true], // not in the store, still in itself
    ['User::"nobody" in [User::"nobody"]', true],
    ['principal in Group::"dept"', true],
    ['principal in Group::"company"', true], // through a parent that is not listed
    ['Group::"team" in principal', false],
    ['principal in []', false],
    ['principal in [Group::"x", Group::"team"]', true],
    ['principal in [principal, 1]', 'error'], // every element must be an entity, even after a match
    ['principal in 1', 'error'],
    ['1 in principal', 'error'],
    ['action in Action::"readers"', true],
    ['principal is User in Group::"dept"', true],
    ['principal is Doc in 1', false], // not a Doc: the `in` part is never evaluated
    ['principal is User in 1', 'error'],
    ['1 is User', 'error'],
  ],
  'has and attribute access': [
    ['principal has info.c.a', true],
    ['principal has info.c.b', false],
    ['principal has info.missing.a', false],
    ['principal has n.x', 'error'], // n is a long: `principal.n has x` is a type error
    ['User::"nobody" has a.b', false], // has on a missing entity is false, not an error
    ['User::"nobody".a == 1', 'error'],
    ['principal.missing == 1', 'error'],
    ['principal.manager has n', false], // bob is not in the store
    ['principal.manager.n == 1', 'error'],
    ['principal.plain has type', true], // { type, id } in attributes is a record
    ['principal.plain == User::"bob"', false],
    ['context.entity == principal', true], // __entity in context is an entity
    ['{a: 1}.b == 1', 'error'],
    ['{a: 1} has b', false],
    ['1 has a', 'error'],
  ],
  'short-circuit hides errors, and only then': [
    ['false && principal.missing', false],
    ['true || principal.missing', true],
    ['true && principal.missing', 'error'],
    ['principal.missing || true', 'error'],
    ['false && 1', false],
    ['true && 1', 'error'],
    ['1 && false', 'error'],
    ['if true then true else principal.missing', true],
    ['if false then principal.missing else true', true],
    ['if 1 then true else true', 'error'],
    ['!1', 'error'],
  ],
  'equality: structural, unordered sets, across types': [
    ['[1, 2] == [2, 1, 1]', true],
    ['[[1, 2]] == [[2, 1]]', true],
    ['{a: [1, 2], b: "x"} == {b: "x", a: [2, 1]}', true],
    ['[1] == [1, 2]', false],
    ['[1, 2].contains(2) && [1, 2].containsAll([2, 2]) && [1].containsAny([3, 1])', true],
    ['[].isEmpty() && ![[]].isEmpty()', true],
    ['context.set == [2, 1]', true],
    ['[principal] == [User::"alice"]', true],
    ['1 == "1"', false],
    ['principal == "User::\\"alice\\""', false],
    ['{} == []', false],
    ['[1, "1"].contains("1")', true],
    ['1.contains(1)', 'error'],
    ['[1].containsAll(1)', 'error'],
  ],
  'longs: exact over i64, overflow is an error': [
    ['9007199254740991 + 1 > 9007199254740991', true], // beyond 2^53 stays exact
    ['9007199254740991 + 2 - 1 == 9007199254740991 + 1', true],
    ['principal.big * 1024 + 1023 > 0', true], // 2^63 - 1
    ['principal.big * 1024 + 1024 > 0', 'error'],
    ['(-9007199254740991 * 1024 - 1024) < 0', true], // -2^63
    ['-(-9007199254740991 * 1024 - 1024) < 0', 'error'],
    ['3037000499 * 3037000499 > 0', true],
    ['3037000500 * 3037000500 > 0', 'error'],
    ['-(0) == 0 && 0 * -1 == 0', true],
    ['"a" < "b"', 'error'],
    ['1 + "a" == 1', 'error'],
  ],
  'ip: parsing, ranges, loopback, multicast': [
    ['principal.addr.isInRange(ip("10.0.0.0/8")) && !principal.addr.isInRange(ip("10.1.3.0/24"))', true],
    ['ip("10.1.2.3") == ip("10.1.2.3/32") && ip("10.1.2.3/24") != ip("10.1.2.0/24")', true], // the host bits stay
    ['ip("10.1.2.0/24").isInRange(ip("10.1.2.3/24"))', true],
    ['ip("10.1.2.0/23").isInRange(ip("10.1.2.0/24"))', false],
    ['ip("01.2.3.4").isIpv4()', 'error'], // leading zeros are refused
    ['ip("1.2.3.4/08").isIpv4()', 'error'],
    ['ip("1.2.3.4/33").isIpv4()', 'error'],
    ['ip("::ffff:1.2.3.4").isIpv6()', 'error'], // IPv4-mapped IPv6 is refused
    ['ip("::ffff:102:304").isIpv6() && !ip("::ffff:102:304").isInRange(ip("1.2.3.0/24"))', true],
    ['ip("1:2:3:4:5:6:7::").isIpv6() && ip("::").isIpv6()', true],
    ['ip("1:2:3:4:5:6:7:8::").isIpv6()', 'error'],
    ['ip("FE80::1%eth0").isIpv6()', 'error'],
    ['ip("127.255.0.1").isLoopback() && !ip("127.0.0.0/7").isLoopback() && ip("::1").isLoopback()', true],
    ['ip("::1/127").isLoopback()', false],
    ['ip("239.0.0.1").isMulticast() && ip("ff02::1").isMulticast() && !ip("224.0.0.0/3").isMulticast()', true],
    ['context.ips.contains(ip("::1/128")) && !context.ips.contains(ip("::1/64"))', true],
    ['ip("1.2.3.4").isInRange(ip("::/0"))', false],
    ['ip(1).isIpv4()', 'error'],
    ['"1.2.3.4".isIpv4()', 'error'],
  ],
  'decimal: four digits, i64, method comparisons': [
    ['context.amount.greaterThan(decimal("12.4999")) && context.amount.lessThanOrEqual(decimal("12.5000"))', true],
    ['decimal("-0.0001").lessThan(decimal("0.0"))', true],
    ['decimal("1.23456").lessThan(decimal("2.0"))', 'error'], // more than 4 fractional digits
    ['decimal("1").lessThan(decimal("2.0"))', 'error'],
    ['decimal("922337203685477.5807").greaterThan(decimal("0.0"))', true],
    ['decimal("922337203685477.5808").greaterThan(decimal("0.0"))', 'error'],
    ['decimal("-922337203685477.5808").lessThan(decimal("0.0"))', true],
    ['decimal("1.5") == decimal("1.50")', true],
    ['decimal("1.5") < decimal("2.5")', 'error'], // no operators on decimals
    ['decimal("1.5").lessThan(1)', 'error'],
  ],
  'datetime and duration': [
    ['context.at == datetime("2024-06-01T10:00:00Z") && context.at < datetime("2024-06-01T10:00:00.001Z")', true],
    ['context.at.toDate() == datetime("2024-06-01") && context.at.toTime() == duration("10h")', true],
    ['principal.since == datetime("1970-01-02") && datetime("1969-12-31T23:00:00Z").toTime() == duration("23h")', true],
    ['datetime("1969-12-31T23:00:00Z").toDate() == datetime("1969-12-31")', true],
    ['datetime("2024-02-30").toDate() == datetime("2024-02-30")', 'error'],
    ['datetime("2024-02-29T24:00:00Z") > datetime("2000-01-01")', 'error'],
    ['datetime("2024-01-01T00:00:00") > datetime("2000-01-01")', 'error'], // the offset is required
    ['datetime("2024-01-01T00:00:00+2400") > datetime("2000-01-01")', 'error'],
    ['datetime("0000-02-29") < datetime("2000-01-01")', true], // year 0 is a leap year
    ['datetime("2024-06-01").offset(duration("-1d")) == datetime("2024-05-31")', true],
    ['datetime("2024-06-01").durationSince(datetime("2024-05-31T23:00:00Z")).toMinutes() == 60', true],
    ['duration("-1d2h3m4s5ms").toMilliseconds() == 0 - 93784005 && duration("-90m").toHours() == -1', true],
    ['duration("1d").toDays() == 1 && duration("1ms").toSeconds() == 0 && duration("61s") > duration("1m")', true],
    ['duration("1h1d") > duration("1h")', 'error'], // units in order
    ['duration("") > duration("1h")', 'error'],
    ['duration("9223372036854775807ms") > duration("1ms")', true],
    ['duration("9223372036854775808ms") > duration("1ms")', 'error'],
    ['duration("106751991168d") > duration("1ms")', 'error'],
    ['duration("9223372036854775807ms").offset(duration("1ms")) == duration("1ms")', 'error'],
    ['datetime("1970-01-01").offset(duration("9223372036854775807ms")).offset(duration("1ms")) > datetime("1970-01-01")', 'error'],
    ['datetime("2024-01-01") < duration("1h")', 'error'],
    ['datetime("2024-01-01") < 1', 'error'],
    ['datetime("2024-01-01") == duration("0ms")', false],
  ],
  tags: [
    ['principal.hasTag("level") && principal.getTag("level") == 3', true],
    ['principal.hasTag("nope")', false],
    ['principal.getTag("nope") == 1', 'error'],
    ['User::"nobody".hasTag("level")', false],
    ['User::"nobody".getTag("level") == 1', 'error'],
    ['principal.hasTag(1)', 'error'],
  ],
};

const policyFor = (expression: string): string => `permit(principal, action, resource) when { ${expression} };`;
const converted = new Map<string, PolicyJson>();

before(async () => {
  const texts = Object.values(CASES).flatMap((cases) => cases.map(([expression]) => policyFor(expression)));
  const answers = await oracle.policyToJson(texts);
  texts.forEach((text, i) => {
    const answer = answers[i]!;
    if (!('value' in answer)) throw new Error(`cedar-wasm cannot parse ${text}: ${answer.failure.join('; ')}`);
    converted.set(text, answer.value as PolicyJson);
  });
});

function toRequest(json: typeof REQUEST): AuthorizationRequest {
  return {
    principal: uidFromJson(json.principal),
    action: uidFromJson(json.action),
    resource: uidFromJson(json.resource),
    context: contextFromJson(json.context),
  };
}

describe('expressions, by hand and against cedar-wasm', () => {
  const store = entitiesFromCedarJson(ENTITIES);
  for (const [group, cases] of Object.entries(CASES)) {
    test(group, async () => {
      const texts = cases.map(([expression]) => policyFor(expression));
      const reference = await oracle.authorize({
        policies: Object.fromEntries(texts.map((text, i) => [`p${i}`, text])),
        entities: ENTITIES,
        requests: [REQUEST],
      });
      const expected = reference[0]!;
      if ('failure' in expected) throw new Error(expected.failure.join('; '));
      cases.forEach(([expression, outcome], i) => {
        const id = `p${i}`;
        const set = compilePolicySet([{ id, policy: converted.get(texts[i]!)! }]);
        const result = set.authorize(toRequest(REQUEST), store);
        const actual: Outcome = result.errors.includes(id) ? 'error' : result.decision === 'allow';
        const cedar: Outcome = expected.errors.includes(id) ? 'error' : expected.reasons.includes(id);
        assert.equal(cedar, outcome, `cedar-wasm on ${expression}: the hand-written expectation is wrong`);
        assert.equal(actual, outcome, `compiled on ${expression}`);
      });
    });
  }
});

describe('policy set semantics', () => {
  const uid = (type: string, id: string) => entityUid(type, id);
  const request = (action = 'read'): AuthorizationRequest => ({
    principal: uid('User', 'alice'),
    action: uid('Action', action),
    resource: uid('Doc', 'd1'),
    context: EMPTY_RECORD,
  });
  const est = (
    effect: 'permit' | 'forbid',
    when?: PolicyJson['conditions'][number]['body'],
    action: PolicyJson['action'] = { op: 'All' },
  ): PolicyJson => ({
    effect,
    principal: { op: 'All' },
    action,
    resource: { op: 'All' },
    conditions: when === undefined ? [] : [{ kind: 'when', body: when }],
  });
  const missing = { '.': { left: { Var: 'principal' as const }, attr: 'missing' } };

  test('a satisfied forbid wins and is the reason; erroring policies are listed whatever the decision', () => {
    const set = compilePolicySet([
      { id: 'allow-all', policy: est('permit') },
      { id: 'broken', policy: est('permit', missing) },
      { id: 'no', policy: est('forbid') },
    ]);
    assert.deepEqual(set.authorize(request(), new Map()), { decision: 'deny', reasons: ['no'], errors: ['broken'] });
  });

  test('allowed: the satisfied permits are the reasons', () => {
    const set = compilePolicySet([
      { id: 'a', policy: est('permit') },
      { id: 'b', policy: est('permit', { Value: false }) },
      { id: 'c', policy: est('permit', { Value: true }) },
      { id: 'f', policy: est('forbid', missing) }, // errors: not satisfied, so it does not deny
    ]);
    assert.deepEqual(set.authorize(request(), new Map()), { decision: 'allow', reasons: ['a', 'c'], errors: ['f'] });
  });

  test('default deny has no reasons', () => {
    const set = compilePolicySet([{ id: 'a', policy: est('permit', { Value: false }) }]);
    assert.deepEqual(set.authorize(request(), new Map()), { decision: 'deny', reasons: [], errors: [] });
  });

  test('`unless` must be a bool too; several conditions all hold', () => {
    const policy: PolicyJson = {
      ...est('permit'),
      conditions: [
        { kind: 'when', body: { Value: true } },
        { kind: 'unless', body: { Value: 1 } },
      ],
    };
    assert.deepEqual(compilePolicySet([{ id: 'u', policy }]).authorize(request(), new Map()).errors, ['u']);
  });

  test('the action index: ==, in a group (through the store), in a list, and actions not in the store', () => {
    const set = compilePolicySet([
      { id: 'any', policy: est('permit') },
      { id: 'eq-read', policy: est('permit', undefined, { op: '==', entity: { type: 'Action', id: 'read' } }) },
      { id: 'in-readers', policy: est('permit', undefined, { op: 'in', entity: { type: 'Action', id: 'readers' } }) },
      {
        id: 'in-list',
        policy: est('permit', undefined, {
          op: 'in',
          entities: [
            { type: 'Action', id: 'write' },
            { type: 'Action', id: 'all' },
          ],
        }),
      },
    ]);
    const store = entitiesFromCedarJson([
      { uid: { type: 'Action', id: 'read' }, parents: [{ type: 'Action', id: 'readers' }] },
      { uid: { type: 'Action', id: 'readers' }, parents: [{ type: 'Action', id: 'all' }] },
    ]);
    assert.deepEqual(set.authorize(request('read'), store).reasons, ['any', 'eq-read', 'in-readers', 'in-list']);
    assert.deepEqual(set.authorize(request('read'), store).reasons, ['any', 'eq-read', 'in-readers', 'in-list']); // cached path
    assert.deepEqual(set.authorize(request('read'), new Map()).reasons, ['any', 'eq-read']); // no groups without the entity
    assert.deepEqual(set.authorize(request('readers'), new Map()).reasons, ['any', 'in-readers']); // in itself
    assert.deepEqual(set.authorize(request('write'), store).reasons, ['any', 'in-list']);
    assert.deepEqual(set.authorize(request('other'), store).reasons, ['any']);
  });

  test('scope constraints: ==, in, is, is-in', () => {
    const scoped = (principal: PolicyJson['principal']): PolicyJson => ({ ...est('permit'), principal });
    const set = compilePolicySet([
      { id: 'eq', policy: scoped({ op: '==', entity: { type: 'User', id: 'alice' } }) },
      { id: 'in', policy: scoped({ op: 'in', entity: { __entity: { type: 'Group', id: 'dept' } } }) },
      { id: 'is', policy: scoped({ op: 'is', entity_type: 'User' }) },
      { id: 'is-in', policy: scoped({ op: 'is', entity_type: 'User', in: { entity: { type: 'Group', id: 'company' } } }) },
      { id: 'is-other', policy: scoped({ op: 'is', entity_type: 'Group' }) },
    ]);
    assert.deepEqual(set.authorize(request(), entitiesFromCedarJson(ENTITIES)).reasons, ['eq', 'in', 'is', 'is-in']);
  });
});

describe('refused at compile time, naming the policy', () => {
  const base: PolicyJson = { effect: 'permit', principal: { op: 'All' }, action: { op: 'All' }, resource: { op: 'All' }, conditions: [] };
  const refused = (policy: unknown, pattern: RegExp): void => {
    assert.throws(
      () => compilePolicySet([{ id: 'the-policy', policy: policy as PolicyJson }]),
      (error: unknown) => error instanceof CompileError && error.policyId === 'the-policy' && pattern.test(error.message),
    );
  };

  test('templates', () => {
    refused({ ...base, principal: { op: '==', slot: '?principal' } }, /template/);
    refused({ ...base, resource: { op: 'is', entity_type: 'Doc', in: { slot: '?resource' } } }, /template/);
    refused(
      { ...base, conditions: [{ kind: 'when', body: { '==': { left: { Slot: '?principal' }, right: { Var: 'principal' } } } }] },
      /template/,
    );
  });

  test('unknown extension functions and malformed extension values', () => {
    refused({ ...base, conditions: [{ kind: 'when', body: { frobnicate: [{ Value: '1.0' }] } }] }, /not a Cedar extension function/);
    const badIp = { '==': { left: { Var: 'context' }, right: { Value: { __extn: { fn: 'ip', arg: '1.2.3' } } } } } as const;
    refused({ ...base, conditions: [{ kind: 'when', body: badIp }] }, /invalid IP/);
  });

  test('long literals a JSON number cannot carry exactly (parseCedarJson keeps them as bigint)', () => {
    refused(
      // biome-ignore lint/correctness/noPrecisionLoss: the point: a JS number cannot carry 2^63−1, so the compiler refuses it
      { ...base, conditions: [{ kind: 'when', body: { '==': { left: { Value: 9223372036854775807 }, right: { Value: 1 } } } }] },
      /±\(2\^53−1\)/,
    );
    const exact = parseCedarJson('{"Value": 9223372036854775807}') as { Value: bigint };
    assert.equal(exact.Value, 2n ** 63n - 1n);
    const body = { '>': { left: exact, right: { Value: 1 } } };
    const set = compilePolicySet([{ id: 'p', policy: { ...base, conditions: [{ kind: 'when', body }] } }]);
    const request = { principal: entityUid('U', 'a'), action: entityUid('A', 'a'), resource: entityUid('R', 'a'), context: EMPTY_RECORD };
    assert.equal(set.authorize(request, new Map()).decision, 'allow');
  });

  test('malformed input and duplicate ids', () => {
    refused({ ...base, conditions: [{ kind: 'when', body: { frobnicate: { arg: { Value: 1 } } } }] }, /unknown expression operator/);
    refused({ ...base, effect: 'maybe' }, /unknown effect/);
    assert.throws(
      () =>
        compilePolicySet([
          { id: 'x', policy: base },
          { id: 'x', policy: base },
        ]),
      /more than one policy/,
    );
  });
});

describe('values and entities', () => {
  test('longs: safe integers as numbers, beyond as bigint, canonical either way', () => {
    assert.equal(long(5n), 5);
    assert.equal(long(-0), 0);
    assert.equal(long(2n ** 60n), 2n ** 60n);
    assert.throws(() => long(2 ** 53), CedarInputError);
    assert.throws(() => long(1.5), CedarInputError);
    assert.throws(() => long(2n ** 63n), CedarInputError);
    assert.ok(valuesEqual(long(2n ** 60n), long(2n ** 60n)));
  });

  test('sets deduplicate structurally, small and large alike', () => {
    const small = cedarSet([1, 1, cedarSet([1, 2]), cedarSet([2, 1])]);
    assert.equal(small.size, 2);
    const many = Array.from({ length: 30 }, (_, i) => i % 12);
    const large = cedarSet([...many, entityUid('User', 'a'), entityUid('User', 'a'), cedarRecord({ a: 1 }), cedarRecord({ a: 1 })]);
    assert.equal(large.size, 14);
    assert.ok(large.has(11) && !large.has(12) && large.has(entityUid('User', 'a')) && large.has(cedarRecord({ a: 1 })));
    assert.ok(valuesEqual(large, cedarSet([...large.elements].reverse())));
    assert.throws(() => cedarSet([1.5]), CedarInputError);
    assert.throws(() => cedarRecord({ a: [1] as never }), CedarInputError);
  });

  test('entity uids are interned', () => {
    assert.equal(entityUid('User', 'a'), entityUid('User', 'a'));
    assert.equal(uidFromJson({ __entity: { type: 'User', id: 'a' } }), entityUid('User', 'a'));
    assert.throws(() => entityUid('Not A Type', 'a'), CedarInputError);
  });

  test('entitiesFromCedarJson refuses what Cedar refuses', () => {
    const cycle: EntityJson[] = [
      { uid: { type: 'G', id: 'a' }, parents: [{ type: 'G', id: 'b' }] },
      { uid: { type: 'G', id: 'b' }, parents: [{ type: 'G', id: 'a' }] },
    ];
    assert.throws(() => entitiesFromCedarJson(cycle), /cycle/);
    assert.throws(() => entitiesFromCedarJson([{ uid: { type: 'G', id: 'a' } }, { uid: { type: 'G', id: 'a' } }]), /more than once/);
    const withX = (x: unknown): EntityJson[] => [{ uid: { type: 'G', id: 'a' }, attrs: { x: x as EntityJson['uid'] } }];
    assert.throws(() => entitiesFromCedarJson(withX({ __extn: { fn: 'ip', arg: '1.1.1.01' } })), /invalid IP/);
    assert.throws(() => entitiesFromCedarJson(withX({ __extn: { fn: 'nope', arg: '1' } })), /unknown extension/);
    assert.throws(() => entitiesFromCedarJson([{ uid: { type: 'G', id: 'a' }, attrs: { x: null } }]), /null/);
  });

  test('entities built directly decide as the same entities from JSON', () => {
    const snapshot = entitiesFromCedarJson(ENTITIES.filter((e) => !('type' in e.uid && e.uid.id === 'alice')));
    const alice = makeEntity(
      entityUid('User', 'alice'),
      {
        attrs: {
          n: 5,
          name: 'alice',
          info: cedarRecord({ a: 1, c: cedarRecord({ a: 2 }) }),
          tags: cedarSet(['x', 'y']),
          manager: entityUid('User', 'bob'),
          plain: cedarRecord({ type: 'User', id: 'bob' }),
          big: 9007199254740991,
          addr: ipAddr('10.1.2.3'),
          since: datetime('1970-01-02'),
        },
        parents: [entityUid('Group', 'team')],
        tags: { level: 3 },
      },
      snapshot,
    );
    assert.deepEqual([...alice.ancestors].sort(), ['Group::"company"', 'Group::"dept"', 'Group::"team"']);
    const direct = overlayEntities(snapshot, [alice]);
    const fromJson = entitiesFromCedarJson(ENTITIES);
    const policies = Object.values(CASES)
      .flat()
      .map(([expression], i) => ({ id: `p${i}`, policy: converted.get(policyFor(expression))! }));
    const set = compilePolicySet(policies);
    const viaJson = set.authorize(toRequest(REQUEST), fromJson);
    const viaDirect = set.authorize(
      {
        principal: entityUid('User', 'alice'),
        action: entityUid('Action', 'read'),
        resource: entityUid('Doc', 'd1'),
        context: cedarRecord({
          flag: true,
          n: 2,
          s: 'a*b',
          set: cedarSet([1, 2]),
          entity: entityUid('User', 'alice'),
          amount: decimal('12.5'),
          at: datetime('2024-06-01T12:00:00+0200'),
          ips: cedarSet([ipAddr('10.1.2.3'), ipAddr('::1')]),
        }),
      },
      direct,
    );
    assert.deepEqual(viaDirect, viaJson);
    assert.ok(viaJson.reasons.length > 10 && viaJson.errors.length > 10);
  });

  test('with a schema, entity and context JSON is read as Cedar reads it with one', () => {
    const schema = cedarSchema({
      App: {
        commonTypes: { Net: { type: 'Record', attributes: { range: { type: 'Extension', name: 'ipaddr' } } } },
        entityTypes: {
          User: {
            shape: {
              type: 'Record',
              attributes: {
                manager: { type: 'EntityOrCommon', name: 'User' },
                net: { type: 'Net' },
                seen: { type: 'Set', element: { type: 'EntityOrCommon', name: 'datetime' } },
              },
            },
            tags: { type: 'EntityOrCommon', name: '__cedar::duration' },
          },
        },
        actions: {
          read: {
            memberOf: [{ id: 'readers' }],
            appliesTo: { context: { type: 'Record', attributes: { limit: { type: 'Extension', name: 'decimal' } } } },
          },
          readers: {},
        },
      },
    });
    const store = entitiesFromCedarJson(
      [
        {
          uid: { type: 'App::User', id: 'a' },
          attrs: {
            manager: { type: 'App::User', id: 'b' },
            net: { range: '10.0.0.0/8' },
            seen: ['2024-01-01', { fn: 'datetime', arg: '2024-01-02' }],
          },
          tags: { ttl: '1h' },
        },
      ],
      { schema },
    );
    const user = store.get('App::User::"a"')!;
    assert.equal(user.attrs.get('manager'), entityUid('App::User', 'b'));
    assert.ok(valuesEqual(user.attrs.get('net')!, cedarRecord({ range: ipAddr('10.0.0.0/8') })));
    assert.ok(valuesEqual(user.attrs.get('seen')!, cedarSet([datetime('2024-01-01'), datetime('2024-01-02')])));
    assert.ok(valuesEqual(user.tags.get('ttl')!, duration('1h')));
    // The schema's action entities join the store, with their groups.
    assert.deepEqual([...store.get('App::Action::"read"')!.ancestors], ['App::Action::"readers"']);
    const action = entityUid('App::Action', 'read');
    assert.ok(valuesEqual(contextFromJson({ limit: '2.5' }, { schema, action }), cedarRecord({ limit: decimal('2.5') })));
    assert.equal(contextFromJson({ limit: '2.5' }).attrs.get('limit'), '2.5'); // without a schema: a string
    assert.throws(() => contextFromJson({ limit: '2.50001' }, { schema, action }), /too many digits/);
    // Without a schema, { type, id } stays a record.
    const untyped = entitiesFromCedarJson([{ uid: { type: 'U', id: 'a' }, attrs: { m: { type: 'U', id: 'b' } } }]);
    assert.ok(untyped.get('U::"a"')!.attrs.get('m') instanceof CedarRecord);
  });

  test('extension values built in JS refuse what Cedar refuses', () => {
    assert.throws(() => ipAddr('010.0.0.1'), CedarInputError);
    assert.throws(() => ipAddr('::ffff:10.0.0.1'), /embedded/);
    assert.equal(ipAddr('::ffff:a00:1').v6, true);
    assert.throws(() => decimal('1.00001'), /too many digits/);
    assert.throws(() => decimal('922337203685477.5808'), /overflow/);
    assert.equal(decimal('-0.5').scaled, -5000n);
    assert.equal(datetime('2024-06-01T00:00:00.001+0100').ms, BigInt(Date.UTC(2024, 4, 31, 23, 0, 0, 1)));
    assert.equal(datetime('0001-01-01').ms, -62135596800000n);
    assert.throws(() => datetime('2024-06-01T00:00:00.1Z'), CedarInputError);
    assert.throws(() => datetime('2024-06-01 00:00:00Z'), CedarInputError);
    assert.equal(duration('-1d1ms').ms, -86400001n);
    assert.throws(() => duration('1s1m'), CedarInputError);
    assert.throws(() => long(2 ** 53), /bigint/);
  });

  test('authorize refuses requests not built with the value builders', () => {
    const set = compilePolicySet([]);
    const bad = { principal: entityUid('U', 'a'), action: entityUid('A', 'a'), resource: entityUid('R', 'a'), context: { a: 1 } };
    assert.throws(() => set.authorize(bad as unknown as AuthorizationRequest, new Map()), TypeError);
  });
});
