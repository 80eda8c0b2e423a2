// The pure rules of single sign-on (src/core/signin.ts): roles from the provider's groups, session
// validity under idle and absolute timeouts, and step-up, with properties over generated input.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { ROLES, type Role } from '../../src/core/roles.js';
import { claimAt, MFA_METHODS, parseRoleMap, rolesFromClaims, sessionState, stepUp, type RoleMap } from '../../src/core/signin.js';

const MAP: RoleMap = { 'mandate-admins': ['admin'], 'mandate-approvers': ['approver'], ops: ['operator', 'viewer'] };
const MIN = 60_000;
const HOUR = 60 * MIN;

test("roles: the union of the mapped groups' roles, in the order of ROLES; unmapped groups give nothing", () => {
  assert.deepEqual(rolesFromClaims({ groups: ['ops', 'mandate-approvers', 'other'] }, 'groups', MAP), {
    ok: true,
    roles: ['viewer', 'operator', 'approver'],
    groups: ['ops', 'mandate-approvers', 'other'],
  });
  assert.deepEqual(rolesFromClaims({ groups: 'mandate-admins' }, 'groups', MAP), {
    ok: true,
    roles: ['admin'],
    groups: ['mandate-admins'],
  });
  // Keycloak's realm roles, by a dotted path; a claim literally named with a dot wins.
  assert.deepEqual(rolesFromClaims({ realm_access: { roles: ['ops'] } }, 'realm_access.roles', MAP).ok, true);
  assert.equal(claimAt({ 'https://x.example/groups': ['a'] }, 'https://x.example/groups') !== undefined, true);
});

test('roles: a missing, malformed or unmapped groups claim is refused with the reason', () => {
  const missing = rolesFromClaims({ sub: 'x' }, 'groups', MAP);
  assert.equal(missing.ok, false);
  assert.match(!missing.ok ? missing.reason : '', /no "groups" claim.*MANDATE_OIDC_GROUPS_CLAIM/);
  const bad = rolesFromClaims({ groups: [1, 2] }, 'groups', MAP);
  assert.match(!bad.ok ? bad.reason : '', /not a list of group names/);
  const none = rolesFromClaims({ groups: ['finance'] }, 'groups', MAP);
  assert.match(!none.ok ? none.reason : '', /none of your groups \("finance"\)/);
  const empty = rolesFromClaims({ groups: [] }, 'groups', MAP);
  assert.match(!empty.ok ? empty.reason : '', /claim is empty/);
});

test('roles (property): exactly the roles some group of the person maps to, never another, no duplicates', () => {
  const groupNames = fc.constantFrom('a', 'b', 'c', 'd', 'e', '__proto__', 'constructor');
  const map = fc.dictionary(fc.constantFrom('a', 'b', 'c'), fc.uniqueArray(fc.constantFrom(...ROLES), { minLength: 1 }));
  fc.assert(
    fc.property(map, fc.array(groupNames, { maxLength: 8 }), (m, groups) => {
      const r = rolesFromClaims({ groups }, 'groups', m);
      const expected = new Set(groups.flatMap((g) => (Object.hasOwn(m, g) ? m[g]! : [])));
      if (expected.size === 0) return assert.equal(r.ok, false);
      assert.ok(r.ok);
      assert.deepEqual(new Set(r.roles), expected);
      assert.equal(new Set(r.roles).size, r.roles.length);
      assert.deepEqual(
        r.roles,
        ROLES.filter((x) => expected.has(x)),
      );
    }),
  );
});

test('the role map: JSON from a group to known roles; anything else is a clear error', () => {
  assert.deepEqual(parseRoleMap('{"g":["admin","admin"]}'), { map: { g: ['admin'] } });
  assert.match((parseRoleMap('{') as { error: string }).error, /not JSON/);
  assert.match((parseRoleMap('[]') as { error: string }).error, /JSON object/);
  assert.match((parseRoleMap('{"g":[]}') as { error: string }).error, /non-empty array/);
  assert.match((parseRoleMap('{"g":["root"]}') as { error: string }).error, /unknown role "root"/);
  assert.match((parseRoleMap('{}') as { error: string }).error, /maps no group/);
});

test('session (property): valid exactly while unused for less than the idle timeout and younger than the maximum', () => {
  const limits = { idleMs: 30 * MIN, maxMs: 12 * HOUR };
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 13 * HOUR }),
      fc.integer({ min: 0, max: 13 * HOUR }),
      fc.boolean(),
      (seenAfter, nowAfter, ended) => {
        const created = 1_700_000_000_000;
        const lastSeen = created + Math.min(seenAfter, nowAfter);
        const now = created + nowAfter;
        const s = sessionState({ createdAt: created, lastSeenAt: lastSeen, endedAt: ended ? created : null }, now, limits);
        if (ended) return assert.deepEqual(s, { valid: false, reason: 'ended' });
        const idleEnd = lastSeen + limits.idleMs;
        const maxEnd = created + limits.maxMs;
        if (now >= Math.min(idleEnd, maxEnd))
          return assert.deepEqual(s, { valid: false, reason: idleEnd < maxEnd ? 'idle_timeout' : 'absolute_timeout' });
        assert.ok(s.valid);
        assert.ok(s.idleExpiresAt > now && s.idleExpiresAt <= s.expiresAt);
      },
    ),
  );
});

test('step-up: an MFA amr or the configured acr, no older than the maximum age', () => {
  const now = 1_700_000_000_000;
  const rule = { maxAgeMs: 10 * MIN };
  assert.deepEqual(stepUp({ amr: ['pwd', 'otp'], authTime: now - 5 * MIN }, now, rule), { satisfied: true });
  const pwd = stepUp({ amr: ['pwd'], acr: 'pwd', authTime: now }, now, rule);
  assert.equal(!pwd.satisfied && pwd.need, 'mfa');
  const old = stepUp({ amr: ['mfa'], authTime: now - 11 * MIN }, now, rule);
  assert.equal(!old.satisfied && old.need, 'recent_sign_in');
  assert.match(!old.satisfied ? old.reason : '', /11 minutes ago/);
  const unknown = stepUp({ amr: ['hwk'], authTime: null }, now, rule);
  assert.equal(!unknown.satisfied && unknown.need, 'recent_sign_in');
  assert.deepEqual(stepUp({ amr: [], acr: 'urn:firm:loa:high', authTime: now }, now, { ...rule, acr: 'urn:firm:loa:high' }), {
    satisfied: true,
  });
  assert.equal(stepUp({ amr: [], acr: 'urn:firm:loa:low', authTime: now }, now, { ...rule, acr: 'urn:firm:loa:high' }).satisfied, false);
});

test('step-up (property): satisfied iff strong (an MFA method, or the acr) and recent', () => {
  const methods = fc.constantFrom(...MFA_METHODS, 'pwd', 'pin', 'kba', 'user', 'rba', 'geo');
  fc.assert(
    fc.property(
      fc.array(methods, { maxLength: 4 }),
      fc.option(fc.constantFrom('mfa', 'pwd', 'gold')),
      fc.option(fc.constantFrom('gold')),
      fc.integer({ min: -MIN, max: 30 * MIN }),
      (amr, acr, wanted, age) => {
        const now = 1_700_000_000_000;
        const r = stepUp({ amr, acr, authTime: now - age }, now, { maxAgeMs: 10 * MIN, ...(wanted ? { acr: wanted } : {}) });
        const strong = amr.some((m) => (MFA_METHODS as readonly string[]).includes(m)) || (wanted !== null && acr === wanted);
        assert.equal(r.satisfied, strong && age <= 10 * MIN);
      },
    ),
  );
});

test('roles named in the map are Mandate roles', () => {
  for (const roles of Object.values(MAP)) for (const r of roles) assert.ok(ROLES.includes(r as Role));
});
