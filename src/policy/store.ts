// Versions of the firm's Cedar policy set. Mandate ships policies/cedar/mandate-default.cedar,
// published as version 1 the first time policies are needed; each later version is validated
// against the Cedar schema of the vocabulary in force and recorded with its full text, so what
// decided at any time is evidence.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseCedarJson, stringifyCedarJson, type PolicyJson } from '@mandate/sdk/cedar';
import { MandateError } from '../core/errors.js';
import { DEFAULT_ACTIONS, type ActionDefinition } from '../core/vocabulary.js';
import { appendEvents } from '../ledger/log.js';
import { getCustomActions } from '../state/records.js';
import type { Database, Sql } from '../store/db.js';
import { checkCedar } from './cedar-check.js';
import { cedarSchema } from './schema.js';

export const DEFAULT_POLICIES_FILE = new URL('../../policies/cedar/mandate-default.cedar', import.meta.url);

export interface PolicyVersion {
  version: number;
  digest: string;
  text: string;
  policies: { id: string; est: PolicyJson }[];
  actor: string;
  created_at: string;
}

export function policyService({ db, clock }: { db: Database; clock: () => Date }) {
  let cached: PolicyVersion | undefined;
  let seeding: Promise<PolicyVersion> | undefined;

  async function actions(): Promise<ActionDefinition[]> {
    return [...DEFAULT_ACTIONS, ...(await getCustomActions(db))];
  }

  async function schemaNow(): Promise<Record<string, unknown>> {
    return cedarSchema(await actions());
  }

  async function latest(): Promise<PolicyVersion | undefined> {
    const [row] = await db.all<{ version: number; text: string; doc: string; digest: string; actor: string; created_at: string }>(
      'SELECT version, text, doc, digest, actor, created_at FROM cedar_policies ORDER BY version DESC LIMIT 1',
    );
    if (!row) return undefined;
    if (cached?.version === Number(row.version)) return cached;
    return (cached = {
      version: Number(row.version),
      text: row.text,
      digest: row.digest,
      policies: parseCedarJson(row.doc) as PolicyVersion['policies'],
      actor: row.actor,
      created_at: row.created_at,
    });
  }

  async function validate(text: string): Promise<{ id: string; est: PolicyJson }[]> {
    const result = await checkCedar(text, await schemaNow());
    if (!result.ok)
      throw new MandateError('INVALID_POLICY', `the Cedar policies are not valid: ${result.errors.join('; ')}`, {
        field: '/text',
        issues: result.errors.map((reason) => ({ field: '/text', reason })),
      });
    return result.policies;
  }

  /** Writes a validated version in the caller's transaction, with its event. */
  async function publishIn(
    tx: Sql,
    actor: string,
    text: string,
    policies: { id: string; est: PolicyJson }[],
    at: string,
    expectVersion?: number,
    reason?: string,
  ): Promise<number> {
    const digest = `sha256:${createHash('sha256').update(text).digest('hex')}`;
    const [row] = await tx.all<{ version: number | null }>('SELECT MAX(version) AS version FROM cedar_policies');
    const before = Number(row?.version ?? 0);
    if (expectVersion !== undefined && before !== expectVersion)
      throw new MandateError('PRECONDITION_FAILED', `policies are at version ${before}, not ${expectVersion}`, { field: 'If-Match' });
    const version = before + 1;
    await tx.run('INSERT INTO cedar_policies (version, text, doc, digest, actor, created_at) VALUES (?, ?, ?, ?, ?, ?)', [
      version,
      text,
      stringifyCedarJson(policies),
      digest,
      actor,
      at,
    ]);
    await appendEvents(tx, at, [
      {
        actor,
        action: 'policies.published',
        subject: { type: 'policies', id: String(version) },
        after: { version, digest, ids: policies.map((p) => p.id), text },
        ...(reason ? { reason } : {}),
      },
    ]);
    return version;
  }

  /** Publishes at once: only for the shipped defaults (a firm's changes go through approval). */
  async function publish(actor: string, text: string, expectVersion?: number): Promise<PolicyVersion> {
    const policies = await validate(text);
    const at = clock().toISOString();
    await db.transaction((tx) => publishIn(tx, actor, text, policies, at, expectVersion));
    return (await latest())!;
  }

  return {
    /** The policy set in force; the shipped defaults become version 1 on first use. */
    async current(): Promise<PolicyVersion> {
      const found = await latest();
      if (found) return found;
      seeding ??= publish('mandate', readFileSync(DEFAULT_POLICIES_FILE, 'utf8'), 0)
        .catch(async (err) => {
          // Another server seeded first.
          const other = await latest();
          if (other) return other;
          throw err;
        })
        .finally(() => (seeding = undefined));
      return seeding;
    },
    validate,
    publish,
    publishIn,
    latest,
    schema: schemaNow,
    actions,
  };
}
export type PolicyService = ReturnType<typeof policyService>;
