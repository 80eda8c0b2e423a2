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

/**
 * Whole seconds ("1800") or a span of days, hours, minutes and seconds ("30m", "2h", "1h30m", "90s"); undefined when it is neither or not
 * positive.
 */
export function parseSpanSeconds(value: string): number | undefined {
  const v = value.trim();
  let seconds: number | undefined;
  if (/^\d+$/.test(v)) seconds = Number(v);
  else {
    const m = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(v);
    if (m && v !== '') seconds = Number(m[1] ?? 0) * 86_400 + Number(m[2] ?? 0) * 3600 + Number(m[3] ?? 0) * 60 + Number(m[4] ?? 0);
  }
  return seconds !== undefined && Number.isSafeInteger(seconds) && seconds >= 1 ? seconds : undefined;
}
