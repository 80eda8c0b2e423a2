// Timestamps in records are ISO 8601 strings; these helpers keep comparisons honest.

/** Milliseconds since the epoch, or NaN when the string is not a real calendar date/time. A bare date is midnight UTC. */
export function parseTimestamp(s: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(s);
  if (!m) return NaN;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const probe = new Date(Date.UTC(y, mo - 1, d));
  if (probe.getUTCFullYear() !== y || probe.getUTCMonth() !== mo - 1 || probe.getUTCDate() !== d) return NaN;
  return Date.parse(s.length === 10 ? `${s}T00:00:00Z` : s);
}

export function isValidTimestamp(s: string): boolean {
  return Number.isFinite(parseTimestamp(s));
}
