// Kinds of ledger event, as plain facts over their action names (no I/O): the store announces
// commits by them (store/postgres.ts), the server wakes its followers by them (server/container.ts).

/**
 * Events that record what happened without changing anything an enforcement point or a control
 * check follows: decisions and token issuance (the hot paths), and refusals. A commit of only these
 * does not wake the enforcement hub or the check scheduler.
 */
export function isEvidenceOnly(action: string): boolean {
  return EVIDENCE_ONLY.has(action) || action.endsWith('.refused');
}
const EVIDENCE_ONLY = new Set(['decision.recorded', 'decisions.recorded', 'decisions.reported', 'token.issued']);
