// Small helpers the built-in sources share: dates to ISO 8601, fingerprints that never expose a
// secret, reading a whole export file with a clear error. Kept apart from source.ts so a firm's
// module can use them too.
import { createHash, createHmac } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';

/** ISO 8601 of a Date, epoch seconds, or a parseable string; undefined for nothing or nonsense. */
export function iso(value: unknown): string | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  let d: Date;
  if (value instanceof Date) d = value;
  else if (typeof value === 'number' || typeof value === 'bigint') d = new Date(Number(value) * 1000);
  else if (typeof value === 'string') {
    if (/^(infinity|n\/a|not_supported|no_information|none|null)$/i.test(value)) return undefined;
    d = new Date(value);
  } else return undefined;
  const t = d.getTime();
  return Number.isFinite(t) ? d.toISOString() : undefined;
}

/** `sha256:<hex>` of a public value (a public key blob, a certificate): safe to store and compare. */
export function publicFingerprint(value: string | Buffer): string {
  return `sha256:${createHash('sha256').update(value).digest('hex')}`;
}

/**
 * OpenSSH's fingerprint of a public key line (`ssh-ed25519 AAAA… comment`): `SHA256:` + unpadded
 * base64 of the SHA-256 of the key blob, the form GitHub and `ssh-keygen -l` show.
 */
export function sshFingerprint(line: string): string | undefined {
  const blob = line.trim().split(/\s+/)[1];
  if (!blob || !/^[A-Za-z0-9+/]+=*$/.test(blob)) return undefined;
  return `sha256:${createHash('sha256').update(Buffer.from(blob, 'base64')).digest('base64').replace(/=+$/, '')}`;
}

/**
 * A visible secret's fingerprint under the firm's key: comparable across sources and runs with the
 * same key, useless to anyone without it. No key, no fingerprint (a bare hash could be cracked).
 */
export function secretFingerprint(secret: string, key: Buffer | undefined): string | undefined {
  if (!key || key.length < 16) return undefined;
  return `hmac-sha256:${createHmac('sha256', key).update(secret).digest('hex').slice(0, 32)}`;
}

/** The whole text of an export, refused above `maxBytes` (JSON.parse holds it all in memory). */
export async function readExport(path: string, maxBytes: number): Promise<string> {
  const s = await stat(path);
  if (s.size > maxBytes) throw new Error(`${path} is ${s.size} bytes, more than the ${maxBytes} this export is read whole up to`);
  return readFile(path, 'utf8');
}

/** JSON-pointer escaping of one path segment. */
export const seg = (s: string | number) => String(s).replace(/~/g, '~0').replace(/\//g, '~1');
