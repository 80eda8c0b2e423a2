// Lifecycle rule versions: the shipped default, and each version a firm uploads (recorded as an
// event with the whole document, so what was in force at any time is evidence).
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { MandateError } from '../core/errors.js';
import { checkRules, type LifecycleRules } from '../core/lifecycle.js';
import { appendEvents } from '../ledger/log.js';
import type { Database, Sql } from '../store/db.js';

const DEFAULT_RULES_FILE = new URL('../../policies/lifecycle/mica-default.yaml', import.meta.url);

let shippedRules: LifecycleRules | undefined;

/** The lifecycle rules Mandate ships (policies/lifecycle/mica-default.yaml), read once. */
export function defaultRules(): LifecycleRules {
  if (shippedRules) return shippedRules;
  const { rules, issues } = checkRules(parse(readFileSync(DEFAULT_RULES_FILE, 'utf8')));
  if (!rules) throw new Error(`the shipped lifecycle rules are invalid: ${JSON.stringify(issues)}`);
  return (shippedRules = rules);
}

export interface RulesVersion {
  version: number;
  rules: LifecycleRules;
  actor: string;
  created_at: string;
}

/**
 * The lifecycle rules in force, read in the caller's transaction (the shipped default while no
 * version was published). `cached`: a version read before, reused when it is still the newest.
 * The one reader of the current rules: the LifecycleRulesStore, the power refresh and the checks use it.
 */
export async function currentRules(sql: Sql, cached?: RulesVersion): Promise<RulesVersion> {
  const [row] = await sql.all<{ version: number; doc: string; actor: string; created_at: string }>(
    'SELECT version, doc, actor, created_at FROM lifecycle_rules ORDER BY version DESC LIMIT 1',
  );
  if (!row) return { version: 0, rules: defaultRules(), actor: 'mandate', created_at: '1970-01-01T00:00:00.000Z' };
  if (cached?.version === Number(row.version)) return cached;
  return { version: Number(row.version), rules: JSON.parse(row.doc) as LifecycleRules, actor: row.actor, created_at: row.created_at };
}

/** The lifecycle rules store: the versions in force (not the approval rules, nor the record checks). */
export function lifecycleRulesStore({ db }: { db: Database; clock: () => Date }) {
  let cached: RulesVersion | undefined;
  defaultRules(); // read at start: invalid shipped rules stop the server there, not at a first cascade

  async function current(sql: Sql = db): Promise<RulesVersion> {
    const got = await currentRules(sql, cached);
    if (got.version > 0) cached = got;
    return got;
  }

  return {
    current,
    /** Writes a new version in the caller's transaction, with its event. */
    async pushIn(tx: Sql, actor: string, rules: LifecycleRules, at: string, reason?: string): Promise<RulesVersion> {
      const before = await current(tx);
      const version = before.version + 1;
      await tx.run('INSERT INTO lifecycle_rules (version, rules_id, doc, actor, created_at) VALUES (?, ?, ?, ?, ?)', [
        version,
        rules.id,
        JSON.stringify(rules),
        actor,
        at,
      ]);
      await appendEvents(tx, at, [
        {
          actor,
          action: 'lifecycle_rules.published',
          subject: { type: 'lifecycle_rules', id: String(version) },
          before: { version: before.version, id: before.rules.id },
          after: rules,
          ...(reason ? { reason } : {}),
        },
      ]);
      return { version, rules, actor, created_at: at };
    },
    /** Checks a rules document; answers the rules or throws with every issue. */
    check(doc: unknown): LifecycleRules {
      const { rules, issues } = checkRules(doc);
      if (!rules)
        throw new MandateError(
          'VALIDATION_FAILED',
          `lifecycle rules are not valid: ${issues.map((i) => `${i.field} ${i.reason}`).join('; ')}`,
          { issues: issues.map((i) => ({ ...i, field: `/rules${i.field}` })) },
        );
      return rules;
    },
  };
}
export type LifecycleRulesStore = ReturnType<typeof lifecycleRulesStore>;
