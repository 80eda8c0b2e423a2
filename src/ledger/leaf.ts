// The exact bytes of a ledger leaf: one event as one line of JSON, assembled from the stored
// columns in a fixed key order. The same function runs when the event is appended and when the log
// is exported, so a verifier hashes each exported line as it stands: no canonicalisation step.
export interface LeafFields {
  seq: number;
  at: string;
  actor: string;
  action: string;
  subject_type: string;
  subject_id: string;
  /** Stored JSON text (already serialised) or null. */
  before_doc: string | null;
  after_doc: string | null;
  reason: string | null;
}

export function leafText(e: LeafFields): string {
  const s = JSON.stringify;
  return (
    `{"seq":${e.seq},"at":${s(e.at)},"actor":${s(e.actor)},"action":${s(e.action)},"subject":{"type":${s(e.subject_type)},"id":` +
    `${s(e.subject_id)}},"before":${e.before_doc ?? 'null'},"after":${e.after_doc ?? 'null'},"reason":` +
    `${e.reason === null ? 'null' : s(e.reason)}}`
  );
}
