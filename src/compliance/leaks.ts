// Leaked-secret reports from scanners: gitleaks (a JSON array) and trufflehog (JSON lines, as
// `trufflehog --json` prints). Only a fingerprint (SHA-256 of the secret) and where it was found
// are kept, never the secret. A secret Mandate itself issued (a legacy static secret) is matched
// to its identity by its hash; otherwise the caller may name the identity.
import { createHash, randomBytes } from 'node:crypto';
import { MandateError, type Issue } from '../core/errors.js';
import { appendEvents } from '../ledger/log.js';
import type { Database } from '../store/db.js';

export interface LeakReport {
  detector: string;
  /** Where it was found: file:line@commit, redacted of the secret. */
  where: string;
  fingerprint: string;
  /** For matching Mandate-issued secrets (SHA-256 hex of the secret, as identity_credentials keeps it). */
  secretHash: string;
  verified: boolean | null;
}

/** The fields read from one trufflehog JSON line; each is checked before use. */
interface TrufflehogResult {
  Raw?: unknown;
  DetectorName?: unknown;
  SourceName?: unknown;
  Verified?: unknown;
  SourceMetadata?: { Data?: unknown };
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const str = (v: unknown, max = 300): string | undefined => (typeof v === 'string' && v.length > 0 ? v.slice(0, max) : undefined);

/** Parses a scanner report; throws VALIDATION_FAILED naming each bad entry, before anything is written. */
export function parseLeakReport(text: string): { format: 'gitleaks' | 'trufflehog'; leaks: LeakReport[] } {
  const trimmed = text.trim();
  if (!trimmed) throw new MandateError('VALIDATION_FAILED', 'the scanner report is empty', { field: '/' });
  const issues: Issue[] = [];
  if (trimmed.startsWith('[')) {
    let doc: unknown;
    try {
      doc = JSON.parse(trimmed);
    } catch (err) {
      throw new MandateError('VALIDATION_FAILED', `the gitleaks report is not JSON: ${(err as Error).message}`, { field: '/' });
    }
    const leaks: LeakReport[] = [];
    for (const [i, e] of (doc as unknown[]).entries()) {
      const o = e as Record<string, unknown>;
      const secret = str(o?.Secret, 10_000);
      const rule = str(o?.RuleID);
      const file = str(o?.File, 500);
      if (!secret || !rule || !file) {
        issues.push({ field: `/${i}`, reason: 'a gitleaks finding needs RuleID, File and Secret' });
        continue;
      }
      const commit = str(o.Commit)?.slice(0, 12);
      leaks.push({
        detector: `gitleaks:${rule}`,
        where: `${file}${typeof o.StartLine === 'number' ? `:${o.StartLine}` : ''}${commit ? `@${commit}` : ''}`,
        fingerprint: sha256(secret),
        secretHash: sha256(secret),
        verified: null,
      });
    }
    if (issues.length)
      throw new MandateError('VALIDATION_FAILED', `the gitleaks report has ${issues.length} bad entr${issues.length === 1 ? 'y' : 'ies'}`, {
        issues,
      });
    return { format: 'gitleaks', leaks };
  }
  const leaks: LeakReport[] = [];
  for (const [i, line] of trimmed.split('\n').entries()) {
    if (!line.trim()) continue;
    let o: TrufflehogResult;
    try {
      o = JSON.parse(line) as TrufflehogResult;
    } catch {
      issues.push({ field: `/line/${i + 1}`, reason: 'not JSON' });
      continue;
    }
    const secret = str(o.Raw, 10_000);
    const detector = str(o.DetectorName);
    if (!secret || !detector) {
      issues.push({ field: `/line/${i + 1}`, reason: 'a trufflehog result needs DetectorName and Raw' });
      continue;
    }
    const data = (o.SourceMetadata?.Data ?? {}) as Record<string, Record<string, unknown>>;
    const src = Object.values(data)[0] ?? {};
    const file = str(src.file, 500) ?? str(src.link, 500) ?? str(o.SourceName) ?? 'unknown';
    const commit = str(src.commit)?.slice(0, 12);
    leaks.push({
      detector: `trufflehog:${detector}`,
      where: `${file}${typeof src.line === 'number' ? `:${src.line}` : ''}${commit ? `@${commit}` : ''}`,
      fingerprint: sha256(secret),
      secretHash: sha256(secret),
      verified: typeof o.Verified === 'boolean' ? o.Verified : null,
    });
  }
  if (issues.length)
    throw new MandateError('VALIDATION_FAILED', `the trufflehog report has ${issues.length} bad line${issues.length === 1 ? '' : 's'}`, {
      issues,
    });
  if (!leaks.length)
    throw new MandateError(
      'VALIDATION_FAILED',
      'the scanner report holds no finding: send a gitleaks JSON array or trufflehog JSON lines',
      { field: '/' },
    );
  return { format: 'trufflehog', leaks };
}

export function leakService({ db, clock }: { db: Database; clock: () => Date }) {
  return {
    /** Records a report, all or nothing: new leaks opened, known ones seen again. */
    async ingest(
      actor: string,
      text: string,
      identity?: string,
    ): Promise<{ format: string; received: number; opened: number; seen_again: number; matched: number }> {
      const { format, leaks } = parseLeakReport(text);
      const at = clock().toISOString();
      return db.transaction(async (tx) => {
        if (identity && (await tx.all('SELECT id FROM identities WHERE id = ?', [identity])).length === 0)
          throw new MandateError('NOT_FOUND', `no identity ${identity}`, { field: '/identity' });
        const hashes = new Map(
          (
            await tx.all<{ identity_id: string; secret_hash: string }>(
              "SELECT identity_id, secret_hash FROM identity_credentials WHERE type = 'static_secret' AND secret_hash IS NOT NULL",
            )
          ).map((r) => [r.secret_hash, r.identity_id]),
        );
        let opened = 0;
        let again = 0;
        let matched = 0;
        for (const l of new Map(leaks.map((x) => [x.fingerprint, x])).values()) {
          const owner = hashes.get(l.secretHash) ?? identity ?? null;
          if (hashes.has(l.secretHash)) matched++;
          const [prior] = await tx.all<{ id: string; resolved_at: string | null }>(
            'SELECT id, resolved_at FROM leaked_secrets WHERE fingerprint = ?',
            [l.fingerprint],
          );
          const doc = { detector: l.detector, where: l.where, verified: l.verified, format };
          if (prior && !prior.resolved_at) {
            again++;
            await tx.run('UPDATE leaked_secrets SET last_seen = ?, doc = ? WHERE id = ?', [at, JSON.stringify(doc), prior.id]);
            continue;
          }
          opened++;
          const id = prior?.id ?? `leak_${randomBytes(8).toString('hex')}`;
          if (prior)
            await tx.run(
              'UPDATE leaked_secrets SET first_seen = ?, last_seen = ?, resolved_at = NULL, doc = ?, identity_id = ? WHERE id = ?',
              [at, at, JSON.stringify(doc), owner, id],
            );
          else
            await tx.run(
              'INSERT INTO leaked_secrets (id, fingerprint, identity_id, doc, first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?)',
              [id, l.fingerprint, owner, JSON.stringify(doc), at, at],
            );
          await appendEvents(tx, at, [
            {
              actor,
              action: 'leak.reported',
              subject: { type: 'leaked_secret', id },
              after: { ...doc, identity: owner, fingerprint: l.fingerprint },
            },
          ]);
        }
        return { format, received: leaks.length, opened, seen_again: again, matched };
      });
    },

    async resolve(actor: string, id: string, notes: string) {
      const at = clock().toISOString();
      await db.transaction(async (tx) => {
        const [row] = await tx.all<{ resolved_at: string | null }>('SELECT resolved_at FROM leaked_secrets WHERE id = ?', [id]);
        if (!row) throw new MandateError('NOT_FOUND', `no leaked secret ${id}`);
        if (row.resolved_at) throw new MandateError('ALREADY_DECIDED', `leaked secret ${id} was resolved at ${row.resolved_at}`);
        await tx.run('UPDATE leaked_secrets SET resolved_at = ? WHERE id = ?', [at, id]);
        await appendEvents(tx, at, [{ actor, action: 'leak.resolved', subject: { type: 'leaked_secret', id }, reason: notes }]);
      });
      return this.get(id);
    },

    async get(id: string) {
      const [r] = await db.all<{
        id: string;
        fingerprint: string;
        identity_id: string | null;
        doc: string;
        first_seen: string;
        last_seen: string;
        resolved_at: string | null;
      }>('SELECT * FROM leaked_secrets WHERE id = ?', [id]);
      return r
        ? {
            id: r.id,
            fingerprint: r.fingerprint,
            identity: r.identity_id,
            ...(JSON.parse(r.doc) as object),
            first_seen: r.first_seen,
            last_seen: r.last_seen,
            resolved_at: r.resolved_at,
          }
        : undefined;
    },

    async list(open: boolean) {
      const rows = await db.all<{ id: string }>(
        `SELECT id FROM leaked_secrets${open ? ' WHERE resolved_at IS NULL' : ''} ORDER BY first_seen DESC, id LIMIT 500`,
      );
      return Promise.all(rows.map(async (r) => (await this.get(r.id))!));
    },
  };
}
export type LeakService = ReturnType<typeof leakService>;
