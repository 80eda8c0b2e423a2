// Canonical JSON: object keys sorted, no insignificant white space. Two records are "the same"
// exactly when their canonical forms are equal; the ledger hashes this form too.

export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[k];
      if (v !== undefined) out[k] = sortKeys(v);
    }
    return out;
  }
  return value;
}

export interface FieldChange {
  field: string;
  before: unknown;
  after: unknown;
}

/** Top-level field differences between two records (arrays and objects compared whole). */
export function diffRecords(before: object | undefined, after: object): FieldChange[] {
  const b = (before ?? {}) as Record<string, unknown>;
  const a = after as Record<string, unknown>;
  const fields = [...new Set([...Object.keys(b), ...Object.keys(a)])].sort();
  const changes: FieldChange[] = [];
  for (const f of fields) {
    if (canonicalJson(b[f]) !== canonicalJson(a[f])) changes.push({ field: f, before: b[f], after: a[f] });
  }
  return changes;
}
