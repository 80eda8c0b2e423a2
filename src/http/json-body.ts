// JSON request bodies, read strictly. `JSON.parse` accepts what a signed or four-eyes-approved
// change must not: a duplicate key (`{"capability":"observe","capability":"execute"}`: one
// reviewer's tool shows the first, the server takes the last) and bytes that are not UTF-8 (turned
// silently into U+FFFD). Both are refused here, with the JSON pointer of the duplicate, as are the
// prototype-poisoning keys Fastify's own parser refuses. Hand-written because no maintained JSON
// parser in the registry reports duplicate keys with their path; it runs after `JSON.parse` has
// accepted the text, so it only has to walk well-formed JSON.
import { MandateError } from '../core/errors.js';

const decoder = new TextDecoder('utf-8', { fatal: true });
const pointer = (path: readonly string[]) => path.map((p) => `/${p.replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');

/** The pointer of the first duplicate (or forbidden) key in well-formed JSON text, or undefined. */
export function firstBadKey(text: string): { pointer: string; key: string; why: 'duplicate' | 'forbidden' } | undefined {
  type Frame = { keys: Set<string>; key: string | undefined; expectKey: boolean } | { index: number };
  const stack: Frame[] = [];
  const path: string[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '{' || c === '[') {
      const top = stack[stack.length - 1];
      if (top) path.push('index' in top ? String(top.index) : top.key!);
      stack.push(c === '{' ? { keys: new Set(), key: undefined, expectKey: true } : { index: 0 });
    } else if (c === '}' || c === ']') {
      stack.pop();
      if (stack.length) path.pop();
    } else if (c === ',') {
      const top = stack[stack.length - 1];
      if (top && 'index' in top) top.index++;
      else if (top) top.expectKey = true;
    } else if (c === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      const top = stack[stack.length - 1];
      if (top && !('index' in top) && top.expectKey) {
        // Compared decoded: "a" and "\u0061" are the same key.
        const key = JSON.parse(text.slice(i, j + 1)) as string;
        if (top.keys.has(key)) return { pointer: pointer([...path, key]), key, why: 'duplicate' };
        if (key === '__proto__' || (key === 'prototype' && path[path.length - 1] === 'constructor'))
          return { pointer: pointer([...path, key]), key, why: 'forbidden' };
        top.keys.add(key);
        top.key = key;
        top.expectKey = false;
      }
      i = j;
    }
  }
  return undefined;
}

/** Parses a JSON body strictly: UTF-8, well-formed, no duplicate or prototype keys. */
export function parseJsonBody(body: Buffer): unknown {
  let text: string;
  try {
    text = decoder.decode(body);
  } catch {
    throw new MandateError('MALFORMED_BODY', 'body is not valid UTF-8', { field: '/' });
  }
  if (text.trim() === '') throw new MandateError('MALFORMED_BODY', 'body is empty; send a JSON document', { field: '/' });
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new MandateError('MALFORMED_BODY', `body is not valid JSON: ${(err as Error).message}`, { field: '/' });
  }
  const bad = firstBadKey(text);
  if (bad)
    throw new MandateError(
      'MALFORMED_BODY',
      bad.why === 'duplicate'
        ? `key ${JSON.stringify(bad.key)} appears twice at ${bad.pointer}`
        : `key ${JSON.stringify(bad.key)} is not allowed`,
      { field: bad.pointer },
    );
  return value;
}
