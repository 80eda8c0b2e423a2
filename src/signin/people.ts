// The people single sign-on brings in: a provider's (issuer, subject) is linked to one Mandate
// user, made at the first sign-in; the user's roles follow the provider's groups at every sign-in
// and refresh. A new person never takes over an existing user of the same name (a local user, an
// API client, or one linked to another provider): they get an id of their own.
import { createHash } from 'node:crypto';
import { MandateError } from '../core/errors.js';
import type { Role } from '../core/roles.js';
import type { NewEvent } from '../ledger/log.js';
import type { Sql } from '../store/db.js';

const ID = /^[A-Za-z0-9][A-Za-z0-9._:@-]*$/;

export interface Person {
  issuer: string;
  subject: string;
  claims: Readonly<Record<string, unknown>>;
  roles: Role[];
}

/** The ids a person may get, best first: their username, their e-mail address, their subject. */
function candidates(p: Person): string[] {
  const out: string[] = [];
  for (const c of [p.claims.preferred_username, p.claims.email, p.subject]) {
    if (typeof c !== 'string') continue;
    const id = c
      .trim()
      .replace(/[^A-Za-z0-9._:@-]/g, '-')
      .replace(/^[^A-Za-z0-9]+/, '')
      .slice(0, 100);
    if (id && ID.test(id) && !out.includes(id)) out.push(id);
  }
  const tag = createHash('sha256').update(`${p.issuer}\n${p.subject}`).digest('hex').slice(0, 8);
  out.push(`${out[0] ?? 'person'}-${tag}`);
  return out;
}

const nameOf = (p: Person, id: string) => {
  const n = [p.claims.name, p.claims.preferred_username, p.claims.email].find((v) => typeof v === 'string' && v.trim() !== '') as
    | string
    | undefined;
  return (n ?? id).trim().slice(0, 200);
};

/**
 * The Mandate user a signed-in person is, in `tx`: linked at first sign-in (user.provisioned), their
 * roles set to what their groups give now (user.roles_changed when they change). Answers the user
 * id and the events to append. A disabled user is refused.
 */
export async function linkPerson(tx: Sql, at: string, p: Person, why: string): Promise<{ userId: string; events: NewEvent[] }> {
  const [link] = await tx.all<{ user_id: string }>('SELECT user_id FROM external_identities WHERE issuer = ? AND subject = ?', [
    p.issuer,
    p.subject,
  ]);
  if (link) {
    const [user] = await tx.all<{ roles: string; status: string }>('SELECT roles, status FROM users WHERE id = ?', [link.user_id]);
    if (!user) throw new Error(`external identity linked to missing user ${link.user_id}`);
    if (user.status !== 'active') throw new MandateError('SIGNIN_FAILED', `user ${link.user_id} is disabled in Mandate`);
    await tx.run('UPDATE external_identities SET last_signin_at = ? WHERE issuer = ? AND subject = ?', [at, p.issuer, p.subject]);
    const before = JSON.parse(user.roles) as Role[];
    const events: NewEvent[] = [];
    if (before.join(',') !== p.roles.join(',')) {
      await tx.run('UPDATE users SET roles = ?, updated_at = ? WHERE id = ?', [JSON.stringify(p.roles), at, link.user_id]);
      events.push({
        actor: 'mandate',
        action: 'user.roles_changed',
        subject: { type: 'user', id: link.user_id },
        before: { roles: before },
        after: { roles: p.roles },
        reason: why,
      });
    }
    return { userId: link.user_id, events };
  }
  let userId: string | undefined;
  for (const id of candidates(p)) {
    const [taken] = await tx.all('SELECT id FROM users WHERE id = ?', [id]);
    if (!taken) {
      userId = id;
      break;
    }
  }
  if (!userId) throw new MandateError('SIGNIN_FAILED', 'no free user id for this person: ask an administrator');
  const name = nameOf(p, userId);
  await tx.run('INSERT INTO users (id, name, roles, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)', [
    userId,
    name,
    JSON.stringify(p.roles),
    'active',
    at,
    at,
  ]);
  await tx.run('INSERT INTO external_identities (issuer, subject, user_id, created_at, last_signin_at) VALUES (?, ?, ?, ?, ?)', [
    p.issuer,
    p.subject,
    userId,
    at,
    at,
  ]);
  return {
    userId,
    events: [
      {
        actor: 'mandate',
        action: 'user.provisioned',
        subject: { type: 'user', id: userId },
        after: { id: userId, name, roles: p.roles, issuer: p.issuer, subject: p.subject },
        reason: 'first sign-in through the identity provider',
      },
    ],
  };
}

/** Sets a linked user's roles in `tx` (they lost every group that gives one); answers the event, if they changed. */
export async function setRoles(tx: Sql, at: string, userId: string, roles: Role[], why: string): Promise<NewEvent[]> {
  const [user] = await tx.all<{ roles: string }>('SELECT roles FROM users WHERE id = ?', [userId]);
  if (!user) return [];
  const before = JSON.parse(user.roles) as Role[];
  if (before.join(',') === roles.join(',')) return [];
  await tx.run('UPDATE users SET roles = ?, updated_at = ? WHERE id = ?', [JSON.stringify(roles), at, userId]);
  return [
    {
      actor: 'mandate',
      action: 'user.roles_changed',
      subject: { type: 'user', id: userId },
      before: { roles: before },
      after: { roles },
      reason: why,
    },
  ];
}
