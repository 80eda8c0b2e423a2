// JSON text read and written without losing Cedar longs. `JSON.parse` turns 9223372036854775807 into the float
// 9223372036854776000, which is a different long (and not a safe integer, so valueFromJson refuses
// it). parseCedarJson reads integers beyond ±(2^53−1) as bigint and everything else exactly as
// JSON.parse does. The common case (no such integer) costs one scan of the text plus JSON.parse.

// Captured at load: callers may wrap the global (the conformance run does, around cedar-wasm).
const jsonParse = JSON.parse;

/** JSON.parse, except that integer literals outside ±(2^53−1) become bigints. */
export function parseCedarJson(text: string): unknown {
  const big = bigIntegerTokens(text);
  if (big.length === 0) return jsonParse(text);
  // Rewrite each big integer as a string with a marker no string in the text contains, then
  // revive the marked strings. The marker is chosen so it cannot collide.
  let marker = '\u0000bigint:';
  while (text.includes(marker)) marker += '\u0000';
  let rewritten = '';
  let last = 0;
  for (const [start, end] of big) {
    rewritten += text.slice(last, start) + JSON.stringify(marker + text.slice(start, end));
    last = end;
  }
  rewritten += text.slice(last);
  return jsonParse(rewritten, (_key, value: unknown) =>
    typeof value === 'string' && value.startsWith(marker) ? BigInt(value.slice(marker.length)) : value,
  );
}

/**
 * JSON.stringify that writes bigints as JSON integers (what parseCedarJson reads back as bigints),
 * so a Cedar long beyond ±(2^53−1) survives a round trip through JSON text. No bigint: JSON.stringify.
 */
export function stringifyCedarJson(value: unknown): string {
  // The common case (no bigint) at JSON.stringify's own speed: it throws a TypeError on a bigint.
  try {
    return JSON.stringify(value);
  } catch (err) {
    if (!(err instanceof TypeError)) throw err;
  }
  // Each bigint is written as a marked string, then the marks are replaced by the digits. A string
  // in the value that happens to equal a mark would be replaced too: counted, and then the marker
  // is made longer until it is unique (in practice the first try).
  for (let pad = 1; ; pad++) {
    const marker = `\u0000big${'\u0000'.repeat(pad)}`;
    const digits: string[] = [];
    const text = JSON.stringify(value, (_key, inner: unknown) => {
      if (typeof inner !== 'bigint') return inner;
      digits.push(inner.toString());
      return `${marker}${digits.length - 1}\u0000`;
    });
    if (digits.length === 0) return text;
    const mark = new RegExp(`"${JSON.stringify(marker).slice(1, -1).replace(/\\/g, '\\\\')}(\\d+)\\\\u0000"`, 'g');
    let found = 0;
    const out = text.replace(mark, (_, index: string) => {
      found++;
      return digits[Number(index)]!;
    });
    if (found === digits.length) return out;
  }
}

/** [start, end) of every integer token (outside strings) whose value a double cannot hold
 *  exactly. Tokens with a fraction or an exponent are left to JSON.parse (floats: not longs). */
function bigIntegerTokens(text: string): [number, number][] {
  const found: [number, number][] = [];
  const length = text.length;
  let i = 0;
  while (i < length) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      i++;
      while (i < length) {
        const d = text.charCodeAt(i);
        if (d === 92 /* \ */) i += 2;
        else if (d === 34) break;
        else i++;
      }
      i++;
      continue;
    }
    if (c === 45 /* - */ || (c >= 48 && c <= 57)) {
      const start = i;
      if (c === 45) i++;
      const digitsStart = i;
      while (i < length && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) i++;
      const digits = i - digitsStart;
      const next = i < length ? text.charCodeAt(i) : 0;
      const isInteger = next !== 46 /* . */ && next !== 101 /* e */ && next !== 69; /* E */
      // 16 digits or more may exceed 2^53−1 (9007199254740991 has 16).
      if (isInteger && digits >= 16 && !Number.isSafeInteger(Number(text.slice(start, i)))) found.push([start, i]);
      while (i < length && /[0-9.eE+-]/.test(text[i]!)) i++;
      continue;
    }
    i++;
  }
  return found;
}
