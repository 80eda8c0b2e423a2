// The compiled Cedar evaluator against cedar-wasm on random extension expressions (ip, decimal,
// datetime, duration and their methods, in well- and ill-typed forms, with strings at the edges of
// each parser) and on long arithmetic near ±2^63. Each generated expression is built twice, as
// Cedar text (what cedar-wasm gets) and as Cedar's JSON policy form with exact bigint literals
// (what the compiler gets: cedar-wasm's own JSON would round longs beyond 2^53), and used as
// `permit(principal, action, resource) when { <expression> };` so every policy's outcome
// (satisfied, not, or an error) is visible in the reasons and errors.
//
// CEDAR_EXT_RUNS batches (default 150, up to 6 policies each); CEDAR_EXT_SEED replays a run.

import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import fc from 'fast-check';
import { compilePolicySet, contextFromJson, EMPTY_RECORD, entityUid, type Expr, type PolicyJson } from '@mandate/sdk/cedar';
import { CedarOracle } from '../support/cedar-oracle.js';

const RUNS = Number(process.env.CEDAR_EXT_RUNS ?? 150);
const SEED = process.env.CEDAR_EXT_SEED === undefined ? (Date.now() ^ (Math.random() * 2 ** 31)) >>> 2 : Number(process.env.CEDAR_EXT_SEED);

const oracle = new CedarOracle();
after(() => oracle.close());

/** One expression in both forms. */
interface Both {
  text: string;
  est: Expr;
}

const MIN = -(2n ** 63n);
const literalText = (v: string | boolean | bigint): string =>
  typeof v === 'string'
    ? JSON.stringify(v)
    : v === MIN
      ? '(-9223372036854775807 - 1)'
      : typeof v === 'bigint' && v < 0n
        ? `(${v})`
        : String(v);
const value = (v: string | boolean | bigint): Both => ({
  text: literalText(v),
  est:
    v === -(2n ** 63n)
      ? { '-': { left: { Value: -(2n ** 63n - 1n) }, right: { Value: 1 } } }
      : { Value: typeof v === 'bigint' && v >= -(2n ** 53n - 1n) && v <= 2n ** 53n - 1n ? Number(v) : v },
});
const CONSTRUCTORS = ['ip', 'decimal', 'datetime', 'duration'];
/** A constructor in function style, anything else as a method on its first argument. */
const call = (fn: string, ...args: Both[]): Both => ({
  text: CONSTRUCTORS.includes(fn)
    ? `${fn}(${args.map((a) => a.text).join(', ')})`
    : `(${args[0]!.text}).${fn}(${args
        .slice(1)
        .map((a) => a.text)
        .join(', ')})`,
  est: { [fn]: args.map((a) => a.est) },
});
const binary = (op: '+' | '-' | '*' | '<' | '<=' | '>' | '>=' | '==' | '!=', left: Both, right: Both): Both => ({
  text: `(${left.text} ${op} ${right.text})`,
  est: { [op]: { left: left.est, right: right.est } } as Expr,
});
const negate = (arg: Both): Both => ({ text: `(-(${arg.text}))`, est: { neg: { arg: arg.est } } });
const contextAttr = (name: string): Both => ({ text: `context.${name}`, est: { '.': { left: { Var: 'context' }, attr: name } } });

// Strings at the edges of each parser.
const IPS = [
  '10.1.2.3',
  '10.0.0.0/8',
  '10.1.2.3/24',
  '0.0.0.0/0',
  '127.0.0.1',
  '127.0.0.1/7',
  '127.1.2.3/8',
  '224.0.0.1',
  '239.255.255.255/4',
  '240.0.0.1',
  '255.255.255.255',
  '1.2.3.4/32',
  '1.2.3.4/33',
  '01.2.3.4',
  '1.2.3.04',
  '1.2.3',
  '1.2.3.4.5',
  '256.1.1.1',
  '1.2.3.4/08',
  '1.2.3.4/',
  '::',
  '::1',
  '::1/128',
  '::1/127',
  '::/0',
  'ff02::1',
  'ff00::/8',
  'fe80::1/64',
  '2001:db8::/32',
  '2001:DB8:0:0:0:0:0:1',
  '1:2:3:4:5:6:7:8',
  '1:2:3:4:5:6:7::',
  '1:2:3:4:5:6:7:8::',
  '::ffff:1.2.3.4',
  '::ffff:102:304',
  '1::2::3',
  '12345::',
  '::/129',
  '::/0128',
  'fe80::1%eth0',
  '',
  ' 1.2.3.4',
];
const DECIMALS = [
  '0.0',
  '1.0',
  '-1.0',
  '1.5',
  '1.50',
  '1.5000',
  '1.50000',
  '-0.0001',
  '0.0001',
  '12.3456',
  '922337203685477.5807',
  '922337203685477.5808',
  '-922337203685477.5808',
  '-922337203685477.5809',
  '1',
  '.5',
  '1.',
  '+1.0',
  '1e3',
  '00012.5',
];
const DATETIMES = [
  '1970-01-01',
  '2024-02-29',
  '2023-02-29',
  '2024-06-01T12:00:00Z',
  '2024-06-01T12:00:00.123Z',
  '2024-06-01T12:00:00+0200',
  '2024-06-01T12:00:00.999-2359',
  '2024-06-01T12:00:00+2400',
  '2024-06-01T24:00:00Z',
  '2024-06-01T12:60:00Z',
  '2024-06-01T12:00:60Z',
  '2024-06-01T12:00:00',
  '2024-06-01T12:00Z',
  '0000-01-01',
  '9999-12-31T23:59:59.999Z',
  '1969-12-31T23:59:59.999Z',
  '2024-13-01',
  '2024-00-10',
  '24-01-01',
  '2024-1-01',
  '2024-06-01T12:00:00.12Z',
];
const DURATIONS = [
  '0ms',
  '1ms',
  '-1ms',
  '1s',
  '1m',
  '1h',
  '1d',
  '1d2h3m4s5ms',
  '-1d2h3m4s5ms',
  '90m',
  '-90m',
  '61s',
  '1ms1s',
  '1h1d',
  '',
  '-',
  '1',
  '1x',
  '9223372036854775807ms',
  '9223372036854775808ms',
  '-9223372036854775808ms',
  '-9223372036854775809ms',
  '106751991167d',
  '106751991168d',
  '2562047788015215h',
  '-2562047788015216h',
  '1000000000000000000000ms',
];
const LONGS = [
  0n,
  1n,
  -1n,
  2n,
  3n,
  10n,
  2n ** 31n,
  2n ** 32n,
  3037000499n,
  3037000500n,
  -3037000500n,
  2n ** 53n - 1n,
  2n ** 53n,
  2n ** 53n + 1n,
  -(2n ** 53n),
  2n ** 62n,
  -(2n ** 62n),
  2n ** 63n - 1n,
  -(2n ** 63n),
  -(2n ** 63n - 1n),
  4611686018427387904n,
  86_400_000n,
];

type Op = '+' | '-' | '*' | '<' | '<=' | '>' | '>=' | '==' | '!=';
const ops = (...list: Op[]): fc.Arbitrary<Op> => fc.constantFrom(...list);

// Generators by depth (0: leaves only), so recursion always ends.
const long = (depth: number): fc.Arbitrary<Both> => {
  const leaf = fc.oneof(fc.constantFrom(...LONGS), fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n })).map(value);
  if (depth === 0) return fc.oneof(leaf, fc.constant(contextAttr('n')));
  return fc.oneof(
    leaf,
    fc.constant(contextAttr('n')),
    fc.tuple(ops('+', '-', '*'), long(depth - 1), long(depth - 1)).map(([op, l, r]) => binary(op, l, r)),
    long(depth - 1).map(negate),
    fc
      .tuple(fc.constantFrom('toMilliseconds', 'toSeconds', 'toMinutes', 'toHours', 'toDays'), duration(depth - 1))
      .map(([fn, d]) => call(fn, d)),
  );
};
const ip = (): fc.Arbitrary<Both> =>
  fc.oneof(
    fc.constantFrom(...IPS).map((s) => call('ip', value(s))),
    fc.constant(contextAttr('addr')),
  );
const decimal = (): fc.Arbitrary<Both> =>
  fc.oneof(
    fc.constantFrom(...DECIMALS).map((s) => call('decimal', value(s))),
    fc.constant(contextAttr('amount')),
  );
const datetime = (depth: number): fc.Arbitrary<Both> => {
  const leaf = fc.oneof(
    fc.constantFrom(...DATETIMES).map((s) => call('datetime', value(s))),
    fc.constant(contextAttr('at')),
  );
  if (depth === 0) return leaf;
  return fc.oneof(
    leaf,
    fc.tuple(datetime(depth - 1), duration(depth - 1)).map(([d, o]) => call('offset', d, o)),
    datetime(depth - 1).map((d) => call('toDate', d)),
  );
};
const duration = (depth: number): fc.Arbitrary<Both> => {
  const leaf = fc.constantFrom(...DURATIONS).map((s) => call('duration', value(s)));
  if (depth === 0) return leaf;
  return fc.oneof(
    leaf,
    fc.tuple(datetime(depth - 1), datetime(depth - 1)).map(([a, b]) => call('durationSince', a, b)),
    datetime(depth - 1).map((d) => call('toTime', d)),
  );
};
/** Anything, for ill-typed uses. */
const anything = (depth: number): fc.Arbitrary<Both> =>
  fc.oneof(long(depth), ip(), decimal(), datetime(depth), duration(depth), fc.constantFrom(value('1.2.3.4'), value(true)));

const boolExpr: fc.Arbitrary<Both> = fc.oneof(
  fc.tuple(ops('<', '<=', '>', '>=', '==', '!='), long(3), long(3)).map(([op, l, r]) => binary(op, l, r)),
  fc.tuple(fc.constantFrom('isIpv4', 'isIpv6', 'isLoopback', 'isMulticast'), ip()).map(([fn, a]) => call(fn, a)),
  fc.tuple(ip(), ip()).map(([a, b]) => call('isInRange', a, b)),
  fc
    .tuple(fc.constantFrom('lessThan', 'lessThanOrEqual', 'greaterThan', 'greaterThanOrEqual'), decimal(), decimal())
    .map(([fn, a, b]) => call(fn, a, b)),
  fc.tuple(ops('<', '<=', '>', '>=', '==', '!='), datetime(2), datetime(2)).map(([op, l, r]) => binary(op, l, r)),
  fc.tuple(ops('<', '<=', '>', '>=', '=='), duration(2), duration(2)).map(([op, l, r]) => binary(op, l, r)),
  // Ill-typed: operators and methods on anything.
  fc.tuple(ops('<', '==', '>='), anything(1), anything(1)).map(([op, l, r]) => binary(op, l, r)),
  fc
    .tuple(fc.constantFrom('isIpv4', 'isLoopback', 'toDays', 'toTime', 'toDate'), anything(1))
    .map(([fn, a]) => binary('==', call(fn, a), call(fn, a))),
  fc
    .tuple(fc.constantFrom('isInRange', 'lessThan', 'offset', 'durationSince'), anything(1), anything(1))
    .map(([fn, a, b]) => binary('==', call(fn, a, b), call(fn, a, b))),
);

const UIDS = { principal: { type: 'User', id: 'a' }, action: { type: 'Action', id: 'a' }, resource: { type: 'Doc', id: 'a' } };
const CONTEXT = {
  n: 9007199254740991, // 2^53 − 1 (JSON carries it exactly to cedar-wasm; 2^62 would print rounded)
  addr: { __extn: { fn: 'ip', arg: '192.168.1.7/16' } },
  amount: { __extn: { fn: 'decimal', arg: '-3.25' } },
  at: { __extn: { fn: 'datetime', arg: '2024-06-01T23:30:00-0130' } },
};

test('extension expressions and long arithmetic near ±2^63 decide exactly as cedar-wasm', async (t) => {
  t.diagnostic(`seed ${SEED} (replay with CEDAR_EXT_SEED=${SEED}), ${RUNS} batches`);
  let requests = 0;
  let satisfied = 0;
  let errors = 0;
  const request = {
    principal: entityUid('User', 'a'),
    action: entityUid('Action', 'a'),
    resource: entityUid('Doc', 'a'),
    context: contextFromJson(CONTEXT as never),
  };
  assert.notEqual(request.context, EMPTY_RECORD);
  await fc.assert(
    fc.asyncProperty(fc.array(boolExpr, { minLength: 1, maxLength: 6 }), async (expressions) => {
      const texts = expressions.map((e) => `permit(principal, action, resource) when { ${e.text} };`);
      const [answer] = await oracle.authorize({
        policies: Object.fromEntries(texts.map((text, i) => [`p${i}`, text])),
        entities: [],
        requests: [{ principal: UIDS.principal, action: UIDS.action, resource: UIDS.resource, context: CONTEXT }],
      });
      if (answer === undefined || 'failure' in answer) {
        throw new Error(`cedar-wasm refused: ${JSON.stringify(answer)}\n${texts.join('\n')}`);
      }
      const base = { effect: 'permit', principal: { op: 'All' }, action: { op: 'All' }, resource: { op: 'All' } } as const;
      const set = compilePolicySet(
        expressions.map((e, i) => ({ id: `p${i}`, policy: { ...base, conditions: [{ kind: 'when', body: e.est }] } as PolicyJson })),
      );
      const actual = set.authorize(request, new Map());
      requests++;
      satisfied += answer.reasons.length;
      errors += answer.errors.length;
      const expected = { decision: answer.decision, reasons: [...answer.reasons].sort(), errors: [...answer.errors].sort() };
      const got = { decision: actual.decision, reasons: [...actual.reasons].sort(), errors: [...actual.errors].sort() };
      const policies = texts.map((text, i) => `p${i}: ${text}`).join('\n');
      assert.deepEqual(got, expected, `policies:\n${policies}\ncedar-wasm errors: ${answer.errorMessages.join(' | ')}`);
    }),
    { numRuns: RUNS, seed: SEED },
  );
  t.diagnostic(`${requests} batches: ${satisfied} policies satisfied, ${errors} errored`);
  // A generator that only produced errors (or never did) would compare little.
  assert.ok(satisfied > RUNS / 4, 'too few satisfied policies');
  assert.ok(errors > RUNS / 4, 'too few erroring policies');
});
