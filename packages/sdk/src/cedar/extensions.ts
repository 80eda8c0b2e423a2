// Cedar's extension types and functions, as Cedar 4 defines them (cedar-policy-core's
// extensions/{ipaddr,decimal,datetime}.rs):
//   ipaddr   ip(s), isIpv4, isIpv6, isLoopback, isMulticast, isInRange
//   decimal  decimal(s) (i64 scaled by 10^4), lessThan, lessThanOrEqual, greaterThan, greaterThanOrEqual
//   datetime datetime(s) (i64 milliseconds since the epoch), offset, durationSince, toDate, toTime
//   duration duration(s) (i64 milliseconds), toMilliseconds, toSeconds, toMinutes, toHours, toDays
// plus `<`, `<=`, `>`, `>=` between two datetimes or two durations (compile.ts). Values hold
// bigints: exact over i64, and off the hot path (policies without extensions never see them).
// Every function checks its argument types and ranges as Cedar does; a failure is a
// CedarEvaluationError, i.e. the policy errors.

import type { CedarValue } from './values.js';
import { typeName } from './values.js';

/** An error while evaluating one policy (Cedar's evaluation errors: type errors, missing
 *  attributes or entities, overflow, a bad extension argument). Deliberately not an Error
 *  subclass: throwing must be cheap. */
export class CedarEvaluationError {
  constructor(readonly message: string) {}
}

export type ExtensionTypeName = 'ipaddr' | 'decimal' | 'datetime' | 'duration';

const I64_MIN = -(2n ** 63n);
const I64_MAX = 2n ** 63n - 1n;
const SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const inI64 = (n: bigint): boolean => n >= I64_MIN && n <= I64_MAX;
/** A Cedar long in the evaluator's canonical form (see values.ts); n must be within i64. */
const longOf = (n: bigint): number | bigint => (n >= -SAFE && n <= SAFE ? Number(n) : n);

/** A value of one of Cedar's extension types. Immutable; equal values are `equals`. */
export abstract class ExtensionValue {
  abstract readonly extension: ExtensionTypeName;
  abstract equals(other: CedarValue): boolean;
}

export class IpAddr extends ExtensionValue {
  readonly extension = 'ipaddr';
  /** @internal use ipAddr() */
  constructor(
    readonly v6: boolean,
    /** The address as an unsigned 32- or 128-bit integer (not masked by the prefix, as in Cedar). */
    readonly address: bigint,
    readonly prefix: number,
  ) {
    super();
  }
  equals(other: CedarValue): boolean {
    return other instanceof IpAddr && other.v6 === this.v6 && other.address === this.address && other.prefix === this.prefix;
  }
  override toString(): string {
    return `ip(${JSON.stringify(`${this.v6 ? this.address.toString(16) : this.address}/${this.prefix}`)})`;
  }
}

export class Decimal extends ExtensionValue {
  readonly extension = 'decimal';
  /** @internal use decimal() */
  constructor(/** The value times 10^4, within i64. */ readonly scaled: bigint) {
    super();
  }
  equals(other: CedarValue): boolean {
    return other instanceof Decimal && other.scaled === this.scaled;
  }
  override toString(): string {
    const abs = this.scaled < 0n ? -this.scaled : this.scaled;
    return `decimal("${this.scaled < 0n ? '-' : ''}${abs / 10000n}.${String(abs % 10000n).padStart(4, '0')}")`;
  }
}

export class Datetime extends ExtensionValue {
  readonly extension = 'datetime';
  /** @internal use datetime() */
  constructor(/** Milliseconds since 1970-01-01T00:00:00Z, within i64. */ readonly ms: bigint) {
    super();
  }
  equals(other: CedarValue): boolean {
    return other instanceof Datetime && other.ms === this.ms;
  }
  override toString(): string {
    return `datetime("1970-01-01").offset(duration("${this.ms}ms"))`;
  }
}

export class Duration extends ExtensionValue {
  readonly extension = 'duration';
  /** @internal use duration() */
  constructor(/** Milliseconds, within i64. */ readonly ms: bigint) {
    super();
  }
  equals(other: CedarValue): boolean {
    return other instanceof Duration && other.ms === this.ms;
  }
  override toString(): string {
    return `duration("${this.ms}ms")`;
  }
}

function fail(fn: string, message: string): CedarEvaluationError {
  return new CedarEvaluationError(`${fn}: ${message}`);
}

function expectString(fn: string, value: CedarValue): string {
  if (typeof value !== 'string') throw new CedarEvaluationError(`type error: ${fn} expects a string, got ${typeName(value)}`);
  return value;
}

function expect<T extends ExtensionValue>(fn: string, value: CedarValue, type: abstract new (...args: never[]) => T, name: string): T {
  if (!(value instanceof type)) throw new CedarEvaluationError(`type error: ${fn} expects ${name}, got ${typeName(value)}`);
  return value;
}

// ---------------------------------------------------------------------------------------------
// ipaddr: Rust's std::net parsers (no leading zeros in IPv4 octets; no IPv4 embedded in IPv6,
// which Cedar refuses before parsing), then an optional /prefix without leading zeros.

const IPV4_OCTET = /^(?:0|[1-9][0-9]{0,2})$/;
const IPV6_GROUP = /^[0-9a-fA-F]{1,4}$/;

function parseIpv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let address = 0n;
  for (const part of parts) {
    if (!IPV4_OCTET.test(part)) return undefined;
    const octet = Number(part);
    if (octet > 255) return undefined;
    address = (address << 8n) | BigInt(octet);
  }
  return address;
}

function ipv6Groups(text: string): bigint[] | undefined {
  if (text === '') return [];
  const groups: bigint[] = [];
  for (const part of text.split(':')) {
    if (!IPV6_GROUP.test(part)) return undefined;
    groups.push(BigInt(`0x${part}`));
  }
  return groups;
}

function parseIpv6(text: string): bigint | undefined {
  const gap = text.indexOf('::');
  let groups: bigint[];
  if (gap < 0) {
    const all = ipv6Groups(text);
    if (all === undefined || all.length !== 8) return undefined;
    groups = all;
  } else {
    const head = ipv6Groups(text.slice(0, gap));
    const tail = ipv6Groups(text.slice(gap + 2));
    // `::` stands for at least one zero group.
    if (head === undefined || tail === undefined || head.length + tail.length > 7) return undefined;
    groups = [...head, ...new Array<bigint>(8 - head.length - tail.length).fill(0n), ...tail];
  }
  let address = 0n;
  for (const group of groups) address = (address << 16n) | group;
  return address;
}

function atLeastTwo(text: string, char: string): boolean {
  const first = text.indexOf(char);
  return first >= 0 && text.indexOf(char, first + 1) >= 0;
}

export function parseIpAddr(text: string): IpAddr | string {
  // Cedar limits the UTF-8 length; a longer string with the same number of UTF-16 units has a
  // non-ASCII character, invalid anyway.
  if (text.length > 43) return 'the string is too long for an IP address';
  if (atLeastTwo(text, ':') && atLeastTwo(text, '.')) return 'IPv4 embedded in IPv6 is not accepted';
  const slash = text.indexOf('/');
  const addressText = slash < 0 ? text : text.slice(0, slash);
  const v4 = parseIpv4(addressText);
  const v6 = v4 === undefined ? parseIpv6(addressText) : undefined;
  if (v4 === undefined && v6 === undefined) return `invalid IP address ${JSON.stringify(addressText)}`;
  const isV6 = v4 === undefined;
  const max = isV6 ? 128 : 32;
  if (slash < 0) return new IpAddr(isV6, (v4 ?? v6)!, max);
  const prefixText = text.slice(slash + 1);
  if (prefixText.length > (isV6 ? 3 : 2) || !/^(?:0|[1-9][0-9]*)$/.test(prefixText) || Number(prefixText) > max) {
    return `invalid prefix ${JSON.stringify(prefixText)}`;
  }
  return new IpAddr(isV6, (v4 ?? v6)!, Number(prefixText));
}

function inRange(child: IpAddr, parent: IpAddr): boolean {
  if (child.v6 !== parent.v6) return false;
  const bits = child.v6 ? 128n : 32n;
  const all = (1n << bits) - 1n;
  const netmask = (prefix: number) => (all << (bits - BigInt(prefix))) & all;
  const hostmask = (prefix: number) => all >> BigInt(prefix);
  const childNetwork = child.address & netmask(child.prefix);
  const parentNetwork = parent.address & netmask(parent.prefix);
  const childBroadcast = child.address | hostmask(child.prefix);
  const parentBroadcast = parent.address | hostmask(parent.prefix);
  return parentNetwork <= childNetwork && childBroadcast <= parentBroadcast;
}

// ---------------------------------------------------------------------------------------------
// decimal: -?digits.digits, at most 4 fractional digits, within i64 once scaled.

export function parseDecimal(text: string): Decimal | string {
  const match = /^(-?[0-9]+)\.([0-9]+)$/.exec(text);
  if (match === null) return `${JSON.stringify(text)} is not a well-formed decimal`;
  const [, whole, fraction] = match as unknown as [string, string, string];
  if (fraction.length > 4) return `too many digits after the decimal point in ${JSON.stringify(text)}`;
  const integral = BigInt(whole);
  if (!inI64(integral)) return 'overflow when converting to decimal';
  const scaledWhole = integral * 10000n;
  const scaledFraction = BigInt(fraction) * 10n ** BigInt(4 - fraction.length);
  const scaled = whole.startsWith('-') ? scaledWhole - scaledFraction : scaledWhole + scaledFraction;
  if (!inI64(scaledWhole) || !inI64(scaled)) return 'overflow when converting to decimal';
  return new Decimal(scaled);
}

// ---------------------------------------------------------------------------------------------
// datetime: YYYY-MM-DD, optionally THH:MM:SS then Z, .SSSZ, (+|-)hhmm or .SSS(+|-)hhmm.
// duration: -? then quantity-unit pairs in the order d h m s ms, each optional, not all absent.

const DAY_MS = 86_400_000n;

/** Days from 1970-01-01 to the (proleptic Gregorian) date; H. Hinnant's days_from_civil. */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

const DATETIME =
  /^([0-9]{4})-([0-9]{2})-([0-9]{2})(?:T([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]{3}))?(?:(Z)|([+-])([0-9]{2})([0-9]{2})))?$/;

export function parseDatetime(text: string): Datetime | string {
  const match = DATETIME.exec(text);
  if (match === null) return `${JSON.stringify(text)} is not a well-formed datetime`;
  const number = (i: number) => (match[i] === undefined ? 0 : Number(match[i]));
  const [year, month, day, hour, minute, second, milli] = [1, 2, 3, 4, 5, 6, 7].map(number) as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return `invalid date in ${JSON.stringify(text)}`;
  if (hour > 23 || minute > 59 || second > 59) return `invalid time in ${JSON.stringify(text)}`;
  let offsetMinutes = 0;
  if (match[9] !== undefined) {
    const offsetHours = number(10);
    const offsetMins = number(11);
    if (offsetHours >= 24 || offsetMins >= 60) return `invalid offset in ${JSON.stringify(text)}`;
    offsetMinutes = (match[9] === '+' ? 1 : -1) * (offsetHours * 60 + offsetMins);
  }
  const ms = daysFromCivil(year, month, day) * 86_400_000 + ((hour * 60 + minute - offsetMinutes) * 60 + second) * 1000 + milli;
  return new Datetime(BigInt(ms)); // |ms| < 2^49: exact
}

const DURATION = /^-?(?:([0-9]+)d)?(?:([0-9]+)h)?(?:([0-9]+)m)?(?:([0-9]+)s)?(?:([0-9]+)ms)?$/;
const DURATION_UNITS = [DAY_MS, 3_600_000n, 60_000n, 1000n, 1n];

export function parseDuration(text: string): Duration | string {
  const match = text === '' || text === '-' ? null : DURATION.exec(text);
  if (match === null) return `${JSON.stringify(text)} is not a well-formed duration`;
  let total = 0n;
  DURATION_UNITS.forEach((unit, i) => {
    if (match[i + 1] !== undefined) total += BigInt(match[i + 1]!) * unit;
  });
  if (text.startsWith('-')) total = -total;
  // All the terms have one sign, so Cedar's step-by-step checked arithmetic overflows exactly
  // when the total is outside i64.
  if (!inI64(total)) return 'the duration overflows i64 milliseconds';
  return new Duration(total);
}

// ---------------------------------------------------------------------------------------------
// The function table

export type ArgType = 'string' | ExtensionTypeName;

export interface ExtensionFunction {
  readonly name: string;
  readonly args: readonly ArgType[];
  /** Arguments already evaluated; unary functions ignore the second. */
  readonly call: (first: CedarValue, second: CedarValue | undefined) => CedarValue;
}

function constructorFunction<T extends ExtensionValue>(name: string, parse: (text: string) => T | string): ExtensionFunction {
  return {
    name,
    args: ['string'],
    call: (value) => {
      const parsed = parse(expectString(name, value));
      if (typeof parsed === 'string') throw fail(name, parsed);
      return parsed;
    },
  };
}

const asIp = (fn: string, value: CedarValue) => expect(fn, value, IpAddr, 'ipaddr');
const asDecimal = (fn: string, value: CedarValue) => expect(fn, value, Decimal, 'decimal');
const asDatetime = (fn: string, value: CedarValue) => expect(fn, value, Datetime, 'datetime');
const asDuration = (fn: string, value: CedarValue) => expect(fn, value, Duration, 'duration');

function ipTest(name: string, test: (ip: IpAddr) => boolean): ExtensionFunction {
  return { name, args: ['ipaddr'], call: (value) => test(asIp(name, value)) };
}

function decimalComparison(name: string, compare: (a: bigint, b: bigint) => boolean): ExtensionFunction {
  return { name, args: ['decimal', 'decimal'], call: (a, b) => compare(asDecimal(name, a).scaled, asDecimal(name, b!).scaled) };
}

function durationIn(name: string, unit: bigint): ExtensionFunction {
  // BigInt division truncates toward zero, as Rust's.
  return { name, args: ['duration'], call: (value) => longOf(asDuration(name, value).ms / unit) };
}

const FUNCTIONS: readonly ExtensionFunction[] = [
  constructorFunction('ip', parseIpAddr),
  ipTest('isIpv4', (ip) => !ip.v6),
  ipTest('isIpv6', (ip) => ip.v6),
  ipTest('isLoopback', (ip) => (ip.v6 ? ip.address === 1n && ip.prefix >= 128 : ip.address >> 24n === 127n && ip.prefix >= 8)),
  ipTest('isMulticast', (ip) => (ip.v6 ? ip.address >> 120n === 0xffn && ip.prefix >= 8 : ip.address >> 28n === 0xen && ip.prefix >= 4)),
  { name: 'isInRange', args: ['ipaddr', 'ipaddr'], call: (a, b) => inRange(asIp('isInRange', a), asIp('isInRange', b!)) },
  constructorFunction('decimal', parseDecimal),
  decimalComparison('lessThan', (a, b) => a < b),
  decimalComparison('lessThanOrEqual', (a, b) => a <= b),
  decimalComparison('greaterThan', (a, b) => a > b),
  decimalComparison('greaterThanOrEqual', (a, b) => a >= b),
  constructorFunction('datetime', parseDatetime),
  constructorFunction('duration', parseDuration),
  {
    name: 'offset',
    args: ['datetime', 'duration'],
    call: (a, b) => {
      const ms = asDatetime('offset', a).ms + asDuration('offset', b!).ms;
      if (!inI64(ms)) throw fail('offset', 'overflow when adding the duration');
      return new Datetime(ms);
    },
  },
  {
    name: 'durationSince',
    args: ['datetime', 'datetime'],
    call: (a, b) => {
      const ms = asDatetime('durationSince', a).ms - asDatetime('durationSince', b!).ms;
      if (!inI64(ms)) throw fail('durationSince', 'overflow when computing the duration');
      return new Duration(ms);
    },
  },
  {
    name: 'toDate',
    args: ['datetime'],
    call: (value) => {
      const ms = asDatetime('toDate', value).ms;
      const date = ms - (((ms % DAY_MS) + DAY_MS) % DAY_MS);
      if (!inI64(date)) throw fail('toDate', 'overflow when computing the date');
      return new Datetime(date);
    },
  },
  { name: 'toTime', args: ['datetime'], call: (value) => new Duration(((asDatetime('toTime', value).ms % DAY_MS) + DAY_MS) % DAY_MS) },
  durationIn('toMilliseconds', 1n),
  durationIn('toSeconds', 1000n),
  durationIn('toMinutes', 60_000n),
  durationIn('toHours', 3_600_000n),
  durationIn('toDays', DAY_MS),
];

export const EXTENSION_FUNCTIONS: ReadonlyMap<string, ExtensionFunction> = new Map(FUNCTIONS.map((fn) => [fn.name, fn]));

/** The one-argument constructor of each extension type (what a bare string means where a
 *  schema expects that type). */
export const CONSTRUCTORS: Readonly<Record<ExtensionTypeName, ExtensionFunction>> = {
  ipaddr: EXTENSION_FUNCTIONS.get('ip')!,
  decimal: EXTENSION_FUNCTIONS.get('decimal')!,
  datetime: EXTENSION_FUNCTIONS.get('datetime')!,
  duration: EXTENSION_FUNCTIONS.get('duration')!,
};

/** `<` or `<=` (swap the operands for `>`, `>=`) on two datetimes or two durations; anything
 *  else that is not two longs is a type error. */
export function compareExtensions(left: CedarValue, right: CedarValue, orEqual: boolean): boolean {
  if ((left instanceof Datetime && right instanceof Datetime) || (left instanceof Duration && right instanceof Duration)) {
    return orEqual ? left.ms <= right.ms : left.ms < right.ms;
  }
  throw new CedarEvaluationError(`type error: cannot compare ${typeName(left)} with ${typeName(right)}`);
}
