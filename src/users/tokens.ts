// API tokens: 256 random bits, shown once, stored only as a SHA-256 digest. A fast digest is the
// right tool here (unlike passwords): with 256 bits of entropy there is nothing to brute-force,
// and every API call pays for the check.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const TOKEN_PREFIX = 'mdt_';

export function newToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

export function newTokenId(): string {
  return `tok_${randomBytes(9).toString('base64url')}`;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function sameDigest(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}

/** A bootstrap token given by the operator must be as strong as a generated one. */
export function checkBootstrapToken(token: string): string | undefined {
  if (token.length < 32) return 'MANDATE_BOOTSTRAP_TOKEN must be at least 32 characters';
  if (!/^[\x21-\x7e]+$/.test(token)) return 'MANDATE_BOOTSTRAP_TOKEN must be printable ASCII without spaces';
  return undefined;
}
