// Just-in-time access, exceptions and break-glass, end to end over the API on both stores: the
// approval engine's separation of duties, grants that show in decisions and tokens at once and
// stop on their own, cuts on a licence change or a suspension, findings, notifications, and bad
// input that changes nothing and is recorded.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { buildApp, type MandateApp } from '../../src/app.js';
import type { Manifest } from '../../src/core/manifest.js';
import { identity, smallManifest } from '../support/fixtures.js';
import { testStores } from '../support/stores.js';

const CUSTODY_DE = { entity: 'ent-de', service: 'custody', jurisdiction: 'DE' } as const;
const CUSTODY_FR = { entity: 'ent-de', service: 'custody', jurisdiction: 'FR' } as const;
const ATTESTED = { attested: true, device_posture: 'compliant', session_purpose: 'ops', environment: 'production' } as const;

function firm(): Manifest {
  return smallManifest([
    // An AI agent that may read and reconcile; withdrawals need just-in-time access.
    identity('agent-ops', {
      kind: 'ai_agent',
      actions: ['read', 'reconcile'],
      scopes: [CUSTODY_DE, CUSTODY_FR],
      revocation: { connector: 'manual', target: 'agents' },
    }),
    identity('svc-report', { function: 'reporting', capability: 'observe', scopes: [CUSTODY_DE] }),
    identity('bg-custody', {
      break_glass: true,
      scopes: [CUSTODY_DE],
      credential: { type: 'certificate', created: '2026-01-01T00:00:00Z' },
    }),
    identity('bg-infra', {
      break_glass: true,
      function: 'infrastructure',
      scopes: [{ entity: 'ent-de', service: 'execution', jurisdiction: 'DE' }],
      actions: ['read'],
    }),
  ]);
}

for (const store of testStores()) {
  describe(`just-in-time access, exceptions and break-glass on ${store.name}`, () => {
    let now = Date.parse('2026-11-22T10:00:00Z');
    let app: MandateApp;
    const tokens: Record<string, string> = {};
    const call = async (who: string | undefined, method: string, url: string, body?: unknown, bearer?: string) => {
      const auth = bearer ?? (who ? tokens[who] : undefined);
      const res = await app.inject({
        method: method as 'GET',
        url,
        headers: auth ? { authorization: `Bearer ${auth}` } : {},
        ...(body === undefined ? {} : { payload: body as object }),
      });
      return { status: res.statusCode, body: res.body ? JSON.parse(res.body) : undefined };
    };
    const decide = (identityId: string, action: string, scope: object = CUSTODY_DE, context: object = ATTESTED) =>
      call('enf', 'POST', '/v1/decisions', { principal: { identity: identityId }, action, resource: scope, context });
    const eventsOf = async (id: string) =>
      (await call('admin', 'GET', `/v1/events?subject_id=${encodeURIComponent(id)}&limit=200`)).body.items as {
        action: string;
        after: any;
        actor: string;
      }[];
    const jit = (over: object = {}) => ({
      identity: 'agent-ops',
      actions: ['withdraw_to_client'],
      scope: CUSTODY_DE,
      duration_seconds: 1800,
      justification: 'stuck withdrawal INC-42',
      ticket: 'INC-42',
      ...over,
    });

    before(async () => {
      app = await buildApp({
        db: await store.open(),
        logger: false,
        clock: () => new Date(now),
        notificationReceivers: ['https://hooks.firm.example/mandate'],
      });
      tokens.admin = (await app.services.users.bootstrap(undefined))!;
      const users: [string, string[]][] = [
        ['olga', ['operator']],
        ['alice@firm.example', ['approver']],
        ['anton', ['approver']],
        ['alma', ['approver']],
        ['vic', ['viewer']],
        ['carla', ['compliance_officer']],
        ['enf', ['enforcer']],
        ['opal', ['operator']],
      ];
      for (const [user, roles] of users) {
        await app.services.users.createUser('test', { id: user, name: user, roles: roles as never });
        tokens[user] = (await app.services.users.createToken('test', user, {})).token;
      }
      const res = await call('admin', 'POST', '/v1/import', firm());
      assert.equal(res.status, 200, JSON.stringify(res.body));
    });
    after(async () => {
      await app.close();
      await store.cleanup();
    });

    test('a just-in-time grant for an AI agent: two approvers, never the requester or the owner; allowed until it expires', async () => {
      const before = await decide('agent-ops', 'withdraw_to_client');
      assert.equal(before.body.decision, 'deny');

      const req = await call('olga', 'POST', '/v1/access-requests', jit());
      assert.equal(req.status, 201, JSON.stringify(req.body));
      assert.equal(req.body.status, 'pending');
      const id = req.body.id as string;
      // Execute where client assets move: the rule asks two approvers.
      assert.equal(req.body.approval.required, 2);
      assert.equal(req.body.approval.rule, 'access-execute-client-assets');

      // The inbox shows it to approvers who may decide it, not to its requester or the agent's owner.
      assert.ok((await call('anton', 'GET', '/v1/approvals?mine=pending')).body.items.some((a: any) => a.id === id));
      assert.ok(!(await call('alice@firm.example', 'GET', '/v1/approvals?mine=pending')).body.items.some((a: any) => a.id === id));
      assert.ok(!(await call('olga', 'GET', '/v1/approvals?mine=pending')).body.items.some((a: any) => a.id === id));

      const owner = await call('alice@firm.example', 'POST', `/v1/approvals/${id}/approve`, {});
      assert.equal(owner.status, 403);
      assert.equal(owner.body.code, 'SEPARATION_OF_DUTIES');
      const self = await call('olga', 'POST', `/v1/approvals/${id}/approve`, {});
      assert.equal(self.body.code, 'SEPARATION_OF_DUTIES');
      const wrongRole = await call('carla', 'POST', `/v1/approvals/${id}/approve`, {});
      assert.equal(wrongRole.status, 403);
      assert.equal(wrongRole.body.code, 'FORBIDDEN');

      const first = await call('anton', 'POST', `/v1/approvals/${id}/approve`, { reason: 'checked INC-42' });
      assert.equal(first.status, 200, JSON.stringify(first.body));
      assert.equal(first.body.status, 'pending');
      const twice = await call('anton', 'POST', `/v1/approvals/${id}/approve`, {});
      assert.equal(twice.body.code, 'SEPARATION_OF_DUTIES');
      assert.equal((await decide('agent-ops', 'withdraw_to_client')).body.decision, 'deny', 'one approval of two grants nothing');

      const second = await call('alma', 'POST', `/v1/approvals/${id}/approve`, {});
      assert.equal(second.body.status, 'approved');
      const active = await call('vic', 'GET', `/v1/access-requests/${id}`);
      assert.equal(active.body.status, 'active');
      assert.equal(active.body.expires_at, new Date(now + 1800_000).toISOString());

      // At once: the decision allows and says why; the refusals above are recorded; so are the votes.
      const during = await decide('agent-ops', 'withdraw_to_client');
      assert.equal(during.body.decision, 'allow', JSON.stringify(during.body));
      assert.deepEqual(during.body.relied_on, [{ type: 'access', id, expires_at: active.body.expires_at }]);
      assert.match(during.body.reasons[0], /just-in-time grant/);
      assert.equal(during.body.recorded, true);
      assert.equal((await decide('agent-ops', 'withdraw_to_client', CUSTODY_FR)).body.decision, 'deny', 'only in the scope granted');
      assert.equal((await decide('agent-ops', 'initiate_transfer')).body.decision, 'deny', 'only the actions granted');
      assert.equal(
        (await decide('agent-ops', 'withdraw_to_client', CUSTODY_DE, { ...ATTESTED, attested: false })).body.decision,
        'deny',
        'the firm’s policies still apply',
      );
      const events = await eventsOf(id);
      for (const action of ['approval.requested', 'approval.approve.refused', 'approval.vote_approved', 'approval.approved'])
        assert.ok(
          events.some((e) => e.action === action),
          `${action} recorded`,
        );
      assert.equal(events.filter((e) => e.action === 'approval.approve.refused').length, 4);
      assert.ok((await eventsOf(id)).length > 0);
      assert.equal((await call('vic', 'GET', '/v1/identities/agent-ops/grants')).body.items.length, 1);

      // Expiry: the decision denies at once by the clock, and the scheduler records the end.
      now += 1800_000 + 1;
      assert.equal((await decide('agent-ops', 'withdraw_to_client')).body.decision, 'deny');
      assert.equal(await app.services.grants.endDue(), 1);
      assert.equal((await call('vic', 'GET', `/v1/access-requests/${id}`)).body.status, 'expired');
      assert.ok((await eventsOf(id)).some((e) => e.action === 'grant.ended' && e.after.end === 'expired'));
      // Notifications for the request, the decision and the expiry went to the outbox, signed on delivery.
      const outbox = (await call('admin', 'GET', '/v1/outbox?limit=500')).body.items as { channel: string; reason: string }[];
      assert.ok(outbox.filter((o) => o.channel === 'notify').length >= 3);
    });

    test('bad requests are refused with the field at fault, grant nothing, and are recorded', async () => {
      const over = await call('olga', 'POST', '/v1/access-requests', jit({ duration_seconds: 3 * 3600 }));
      assert.equal(over.status, 400);
      assert.equal(over.body.field, '/duration_seconds');
      const observe = await call('olga', 'POST', '/v1/access-requests', jit({ identity: 'svc-report' }));
      assert.equal(observe.status, 400);
      assert.equal(observe.body.field, '/actions/0');
      const unknown = await call('olga', 'POST', '/v1/access-requests', jit({ actions: ['launder'] }));
      assert.equal(unknown.body.field, '/actions/0');
      const bg = await call('olga', 'POST', '/v1/access-requests', jit({ identity: 'bg-custody' }));
      assert.equal(bg.status, 400);
      const noScope = await call(
        'olga',
        'POST',
        '/v1/access-requests',
        jit({ scope: { entity: 'ent-de', service: 'custody', jurisdiction: 'IT' } }),
      );
      assert.equal(noScope.status, 409);
      assert.equal(noScope.body.code, 'SCOPE_NOT_LAWFUL');
      const viewer = await call('vic', 'POST', '/v1/access-requests', jit());
      assert.equal(viewer.status, 403, 'a viewer who does not own the identity cannot ask for it');
      const malformed = await call('olga', 'POST', '/v1/access-requests', { ...jit(), extra: 1 });
      assert.equal(malformed.status, 400);
      const refused = (await eventsOf('agent-ops')).filter((e) => e.action === 'access_request.refused');
      assert.ok(refused.length >= 3);
      assert.ok(refused.some((e) => e.after.code === 'SCOPE_NOT_LAWFUL'));
      assert.equal((await call('vic', 'GET', '/v1/identities/agent-ops/grants')).body.items.length, 0);
      assert.equal((await call('vic', 'GET', '/v1/access-requests?status=pending')).body.items.length, 0);
    });

    test('expired and decided requests cannot be approved; a rejection ends a request', async () => {
      const r = await call('olga', 'POST', '/v1/access-requests', jit({ actions: ['read'], scope: CUSTODY_FR }));
      assert.equal(r.body.approval.required, 1, 'observe access needs one approver');
      now += 25 * 3600_000;
      const late = await call('anton', 'POST', `/v1/approvals/${r.body.id}/approve`, {});
      assert.equal(late.status, 409);
      assert.equal(late.body.code, 'REQUEST_EXPIRED');
      assert.equal((await call('vic', 'GET', `/v1/access-requests/${r.body.id}`)).body.status, 'expired');
      const again = await call('alma', 'POST', `/v1/approvals/${r.body.id}/approve`, {});
      assert.equal(again.body.code, 'ALREADY_DECIDED');

      const r2 = await call('olga', 'POST', '/v1/access-requests', jit());
      const no = await call('anton', 'POST', `/v1/approvals/${r2.body.id}/reject`, { reason: 'use the runbook' });
      assert.equal(no.body.status, 'rejected');
      assert.equal((await call('vic', 'GET', `/v1/access-requests/${r2.body.id}`)).body.status, 'rejected');
      assert.equal((await call('alma', 'POST', `/v1/approvals/${r2.body.id}/approve`, {})).body.code, 'ALREADY_DECIDED');
      assert.equal((await decide('agent-ops', 'withdraw_to_client')).body.decision, 'deny');

      // The scheduler expires what nobody decides.
      const r3 = await call('olga', 'POST', '/v1/access-requests', jit());
      now += 9 * 3600_000;
      assert.ok((await app.services.approvals.expireDue()) >= 1);
      assert.equal((await call('vic', 'GET', `/v1/approvals/${r3.body.id}`)).body.status, 'expired');
    });

    test('a grant is cut when its identity is suspended, and when the authorisation behind it changes', async () => {
      const grant = async (scope: object) => {
        const r = await call('olga', 'POST', '/v1/access-requests', jit({ scope }));
        await call('anton', 'POST', `/v1/approvals/${r.body.id}/approve`, {});
        const done = await call('alma', 'POST', `/v1/approvals/${r.body.id}/approve`, {});
        assert.equal(done.body.status, 'approved', JSON.stringify(done.body));
        return r.body.id as string;
      };
      const fr = await grant(CUSTODY_FR);
      assert.equal((await decide('agent-ops', 'withdraw_to_client', CUSTODY_FR)).body.decision, 'allow');
      // The French passport is restricted: the grant made under it is cut (even though returns stay lawful).
      const p = await call('carla', 'POST', '/v1/authorisations/auth-de-custody-fr/transitions', {
        to: 'restricted',
        denied_actions: ['initiate_transfer'],
        reason: 'AMF conditions',
        reference: 'AMF 2026/1',
      });
      assert.equal(p.status, 201, JSON.stringify(p.body));
      const t = await call('anton', 'POST', `/v1/transitions/${p.body.id}/approve`, {});
      assert.equal(t.body.status, 'applied', JSON.stringify(t.body));
      assert.equal((await call('vic', 'GET', `/v1/access-requests/${fr}`)).body.status, 'ended');
      assert.ok((await eventsOf(fr)).some((e) => e.action === 'grant.ended' && e.after.end === 'cut'));
      assert.equal((await decide('agent-ops', 'withdraw_to_client', CUSTODY_FR)).body.decision, 'deny');

      const de = await grant(CUSTODY_DE);
      assert.equal((await decide('agent-ops', 'withdraw_to_client')).body.decision, 'allow');
      assert.equal(
        (await call('olga', 'POST', '/v1/identities/agent-ops/status', { status: 'suspended', reason: 'agent misbehaved' })).status,
        200,
      );
      assert.equal((await call('vic', 'GET', `/v1/access-requests/${de}`)).body.status, 'ended');
      assert.equal((await call('olga', 'POST', '/v1/identities/agent-ops/status', { status: 'active', reason: 'fixed' })).status, 200);
      assert.equal((await decide('agent-ops', 'withdraw_to_client')).body.decision, 'deny', 'reactivation does not bring a grant back');
      // A suspended identity cannot be granted anything.
      await call('olga', 'POST', '/v1/identities/agent-ops/status', { status: 'suspended', reason: 'again' });
      assert.equal((await call('olga', 'POST', '/v1/access-requests', jit())).status, 409);
      await call('olga', 'POST', '/v1/identities/agent-ops/status', { status: 'active', reason: 'back' });
    });

    test('an identity asks for access for itself with its Mandate token, never for another', async () => {
      const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
      const reg = await call('admin', 'POST', '/v1/identities/agent-ops/credentials', { type: 'jwk', jwk: await exportJWK(publicKey) });
      assert.equal(reg.status, 201, JSON.stringify(reg.body));
      const assertion = await new SignJWT({})
        .setProtectedHeader({ alg: 'EdDSA' })
        .setIssuer('agent-ops')
        .setSubject('agent-ops')
        .setAudience('http://mandate.local/v1/token')
        .setIssuedAt(Math.floor(now / 1000))
        .setExpirationTime(Math.floor(now / 1000) + 120)
        .setJti(`j${now}`)
        .sign(privateKey);
      const tok = await call(undefined, 'POST', '/v1/token', { grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion });
      assert.equal(tok.status, 200, JSON.stringify(tok.body));
      const own = await call(undefined, 'POST', '/v1/access-requests', jit(), tok.body.access_token);
      assert.equal(own.status, 201, JSON.stringify(own.body));
      assert.equal(own.body.requester, 'identity:agent-ops');
      const other = await call(
        undefined,
        'POST',
        '/v1/access-requests',
        jit({ identity: 'svc-report', actions: ['read'] }),
        tok.body.access_token,
      );
      assert.equal(other.status, 403);
      // The owner may not approve what their agent asked for; two approvers may.
      assert.equal(
        (await call('alice@firm.example', 'POST', `/v1/approvals/${own.body.id}/approve`, {})).body.code,
        'SEPARATION_OF_DUTIES',
      );
      await call('anton', 'POST', `/v1/approvals/${own.body.id}/approve`, {});
      assert.equal((await call('alma', 'POST', `/v1/approvals/${own.body.id}/approve`, {})).body.status, 'approved');
      // A token issued now carries the grant (and the decision sees it through the token too).
      const assertion2 = await new SignJWT({})
        .setProtectedHeader({ alg: 'EdDSA' })
        .setIssuer('agent-ops')
        .setSubject('agent-ops')
        .setAudience('http://mandate.local/v1/token')
        .setIssuedAt(Math.floor(now / 1000))
        .setExpirationTime(Math.floor(now / 1000) + 120)
        .setJti(`k${now}`)
        .sign(privateKey);
      const tok2 = await call(undefined, 'POST', '/v1/token', {
        grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
        assertion: assertion2,
      });
      const claims = JSON.parse(Buffer.from(tok2.body.access_token.split('.')[1], 'base64url').toString());
      assert.deepEqual(
        claims.mdt.grants.map((g: any) => [g.id, g.kind, g.actions]),
        [[own.body.id, 'access', ['withdraw_to_client']]],
      );
      // The token says the workload was not attested (a key, not a platform token): the caller
      // cannot claim otherwise, and the default policy's attestation rule still applies under the grant.
      const claimed = await call('enf', 'POST', '/v1/decisions', {
        principal: { token: tok2.body.access_token },
        action: 'withdraw_to_client',
        resource: CUSTODY_DE,
        context: { ...ATTESTED, attested: true },
      });
      assert.equal(claimed.body.decision, 'deny', JSON.stringify(claimed.body));
      assert.deepEqual(claimed.body.policies, ['builtin:context-conflicts-with-token']);
      const { attested: _a, session_purpose: _p, environment: _e, ...own_context } = ATTESTED as Record<string, unknown>;
      const viaToken = await call('enf', 'POST', '/v1/decisions', {
        principal: { token: tok2.body.access_token },
        action: 'withdraw_to_client',
        resource: CUSTODY_DE,
        context: own_context,
      });
      assert.equal(viaToken.body.decision, 'deny', JSON.stringify(viaToken.body));
      assert.ok(!viaToken.body.policies.some((p: string) => p.startsWith('builtin:')), JSON.stringify(viaToken.body));
      // Revoking the grant early also revokes the tokens that carry it.
      assert.equal((await call('olga', 'POST', `/v1/access-requests/${own.body.id}/revoke`, { reason: 'done' })).body.status, 'ended');
      const afterRevoke = await call('enf', 'POST', '/v1/decisions', {
        principal: { token: tok2.body.access_token },
        action: 'withdraw_to_client',
        resource: CUSTODY_DE,
        context: ATTESTED,
      });
      assert.equal(afterRevoke.body.decision, 'deny');
    });

    test(
      'an exception documents a waived control with compensating controls; decisions say they rely on it; expiry is a finding until ' +
        'closed',
      async () => {
        const body = {
          identity: 'agent-ops',
          control: 'workload_attestation',
          actions: ['reconcile'],
          scope: CUSTODY_DE,
          justification: 'legacy reconciliation host cannot attest until the platform migration (PLAT-9)',
          compensating_controls: { extra_monitoring: true, manual_approval_per_action: true, note: 'IP allow-list on the host' },
          expires_at: new Date(now + 7 * 86_400_000).toISOString(),
          ticket: 'RISK-77',
        };
        const noAttest = { ...ATTESTED, attested: false, device_posture: 'unknown' };
        assert.equal((await decide('agent-ops', 'reconcile', CUSTODY_DE, noAttest)).body.decision, 'deny');
        assert.equal((await call('olga', 'POST', '/v1/exceptions', body)).status, 403, 'an operator cannot register exceptions');
        const tooLong = await call('carla', 'POST', '/v1/exceptions', {
          ...body,
          expires_at: new Date(now + 400 * 86_400_000).toISOString(),
        });
        assert.equal(tooLong.body.field, '/expires_at');
        const ex = await call('carla', 'POST', '/v1/exceptions', body);
        assert.equal(ex.status, 201, JSON.stringify(ex.body));
        assert.equal(ex.body.status, 'pending');
        const a = await call('anton', 'GET', `/v1/approvals/${ex.body.approval_id}`);
        assert.equal(a.body.required, 2);
        await call('anton', 'POST', `/v1/approvals/${ex.body.approval_id}/approve`, {});
        assert.equal((await call('alma', 'POST', `/v1/approvals/${ex.body.approval_id}/approve`, {})).body.status, 'approved');
        const d = await decide('agent-ops', 'reconcile', CUSTODY_DE, noAttest);
        assert.equal(d.body.decision, 'allow', JSON.stringify(d.body));
        assert.deepEqual(
          d.body.relied_on.map((r: any) => [r.type, r.id]),
          [['exception', ex.body.id]],
        );
        assert.match(d.body.reasons[0], /waives workload_attestation/);
        assert.deepEqual(d.body.obligations.map((o: any) => o.type).sort(), ['manual_approval', 'monitor']);
        // An observe decision under it is recorded too (extra monitoring): the exception is on every such answer.
        assert.equal((await decide('agent-ops', 'reconcile', CUSTODY_FR, noAttest)).body.decision, 'deny', 'only in its scope');

        now += 7 * 86_400_000 + 1;
        assert.equal((await decide('agent-ops', 'reconcile', CUSTODY_DE, noAttest)).body.decision, 'deny', 'it stops applying on its own');
        await app.services.grants.endDue();
        assert.equal((await call('vic', 'GET', `/v1/exceptions/${ex.body.id}`)).body.status, 'expired');
        assert.equal((await call('carla', 'POST', '/v1/checks/run')).status, 200);
        const findings = (await call('vic', 'GET', '/v1/findings')).body.items as { id: string; rule: string }[];
        assert.ok(findings.some((f) => f.id === `exception-expired-open:${ex.body.id}`));
        const closed = await call('carla', 'POST', `/v1/exceptions/${ex.body.id}/close`, { notes: 'host migrated; attests now' });
        assert.equal(closed.body.status, 'closed');
        assert.equal((await call('carla', 'POST', '/v1/checks/run')).status, 200);
        assert.ok(!(await call('vic', 'GET', '/v1/findings')).body.items.some((f: any) => f.id === `exception-expired-open:${ex.body.id}`));
        assert.equal((await call('carla', 'POST', `/v1/exceptions/${ex.body.id}/close`, { notes: 'again' })).body.code, 'ALREADY_DECIDED');
      },
    );

    test(
      'break-glass: sealed by default; unsealed by approval for a window; ' + 'the use opens a review; unreviewed use is a finding',
      async () => {
        const sealed = await decide('bg-custody', 'read');
        assert.equal(sealed.body.decision, 'deny');
        assert.deepEqual(sealed.body.policies, ['builtin:break-glass-sealed']);

        const u = await call('olga', 'POST', '/v1/break-glass/bg-custody/unseal', {
          reason: 'custody API down, clients waiting (INC-7)',
          duration_seconds: 1800,
          ticket: 'INC-7',
        });
        assert.equal(u.status, 201, JSON.stringify(u.body));
        assert.equal(u.body.status, 'pending');
        assert.equal((await call('olga', 'POST', '/v1/break-glass/bg-custody/unseal', { reason: 'again' })).body.code, 'ALREADY_EXISTS');
        assert.equal(
          (await call('alice@firm.example', 'POST', `/v1/approvals/${u.body.approval_id}/approve`, {})).body.code,
          'SEPARATION_OF_DUTIES',
          'the owner does not approve',
        );
        await call('anton', 'POST', `/v1/approvals/${u.body.approval_id}/approve`, {});
        assert.equal((await call('alma', 'POST', `/v1/approvals/${u.body.approval_id}/approve`, {})).body.status, 'approved');
        const act = (await call('vic', 'GET', `/v1/break-glass/activations/${u.body.id}`)).body;
        assert.equal(act.status, 'active');
        assert.equal(act.review.status, 'open');
        const open = await decide('bg-custody', 'withdraw_to_client');
        assert.equal(open.body.decision, 'allow', JSON.stringify(open.body));
        assert.deepEqual(
          open.body.relied_on.map((r: any) => r.type),
          ['break_glass'],
        );
        assert.equal((await call('carla', 'POST', '/v1/checks/run')).status, 200);
        assert.ok(
          !(await call('vic', 'GET', '/v1/findings')).body.items.some((f: any) => f.check === 'break-glass-unreviewed'),
          'not a finding while the window is open',
        );

        now += 1800_000 + 1;
        assert.equal((await decide('bg-custody', 'withdraw_to_client')).body.decision, 'deny', 'sealed again when the window closes');
        await app.services.grants.endDue();
        assert.ok((await eventsOf('bg-custody')).some((e) => e.action === 'break_glass.resealed'));
        assert.equal((await call('carla', 'POST', '/v1/checks/run')).status, 200);
        const finding = (await call('vic', 'GET', '/v1/findings')).body.items.find(
          (f: any) => f.id === `break-glass-unreviewed:${u.body.id}`,
        );
        assert.equal(finding?.severity, 'high');
        assert.equal(
          (await call('olga', 'POST', `/v1/break-glass/activations/${u.body.id}/review`, { notes: 'mine' })).body.code,
          'SEPARATION_OF_DUTIES',
        );
        assert.equal((await call('vic', 'POST', `/v1/break-glass/activations/${u.body.id}/review`, { notes: 'x' })).status, 403);
        const reviewed = await call('carla', 'POST', `/v1/break-glass/activations/${u.body.id}/review`, {
          notes: 'withdrawals INC-7 checked against the ledger; credential rotated',
        });
        assert.equal(reviewed.body.review.status, 'done');
        assert.equal((await call('carla', 'POST', '/v1/checks/run')).status, 200);
        assert.ok(!(await call('vic', 'GET', '/v1/findings')).body.items.some((f: any) => f.id === `break-glass-unreviewed:${u.body.id}`));
      },
    );

    test('break-glass emergency path: at once, short, notified, and a critical finding until reviewed', async () => {
      const tooLong = await call('opal', 'POST', '/v1/break-glass/bg-infra/unseal', {
        reason: 'outage',
        emergency: true,
        duration_seconds: 7200,
      });
      assert.equal(tooLong.body.field, '/duration_seconds');
      const u = await call('opal', 'POST', '/v1/break-glass/bg-infra/unseal', {
        reason: 'database outage, pager P1',
        emergency: true,
        duration_seconds: 900,
      });
      assert.equal(u.status, 201, JSON.stringify(u.body));
      assert.equal(u.body.status, 'active');
      assert.equal(u.body.emergency, true);
      // Nobody approved it: the request says so, with the review it owes, rather than a bare "approved".
      const bypassed = await call('carla', 'GET', `/v1/approvals/${u.body.approval_id}`);
      assert.equal(bypassed.body.status, 'approved');
      assert.deepEqual(bypassed.body.votes, []);
      assert.deepEqual(bypassed.body.emergency, { review: 'open', reviewed_by: null, reviewed_at: null });
      assert.equal(
        (await decide('bg-infra', 'read', { entity: 'ent-de', service: 'execution', jurisdiction: 'DE' })).body.decision,
        'allow',
      );
      const outbox = (await call('admin', 'GET', '/v1/outbox?limit=500')).body.items as {
        channel: string;
        payload?: any;
        reason: string;
      }[];
      assert.ok(outbox.some((o) => o.channel === 'notify' && /emergency/.test(o.reason)));
      assert.equal((await call('carla', 'POST', '/v1/checks/run')).status, 200);
      const f = (await call('vic', 'GET', '/v1/findings')).body.items.find((x: any) => x.id === `break-glass-unreviewed:${u.body.id}`);
      assert.equal(f?.severity, 'critical');
      const sealedEarly = await call('opal', 'POST', `/v1/break-glass/activations/${u.body.id}/seal`, { reason: 'outage over' });
      assert.equal(sealedEarly.body.status, 'ended');
      assert.equal(
        (await decide('bg-infra', 'read', { entity: 'ent-de', service: 'execution', jurisdiction: 'DE' })).body.decision,
        'deny',
      );
      assert.ok((await eventsOf('bg-infra')).some((e) => e.action === 'break_glass.emergency_unsealed'));
      assert.equal(
        (
          await call('alice@firm.example', 'POST', `/v1/break-glass/activations/${u.body.id}/review`, {
            notes: 'P1 handled; superuser password rotated',
          })
        ).body.review.status,
        'done',
      );
      const reviewed = (await call('carla', 'GET', '/v1/approvals?kind=break_glass&limit=500')).body.items as any[];
      assert.deepEqual(reviewed.find((a) => a.id === u.body.approval_id)?.emergency, {
        review: 'done',
        reviewed_by: 'alice@firm.example',
        reviewed_at: (await call('carla', 'GET', `/v1/break-glass/activations/${u.body.id}`)).body.review.at,
      });
      assert.ok(
        reviewed.filter((a) => a.votes.length > 0).every((a) => a.emergency === null),
        'a request decided by votes is no emergency',
      );
    });

    test('policy and lifecycle-rule changes wait for an approver other than who asked', async () => {
      const cur = await call('vic', 'GET', '/v1/policies');
      const text =
        `${cur.body.text}\n@id("deny-staging-transfers")\nforbid (principal, action == ` +
        'Mandate::Action::"initiate_transfer", resource) when { context.environment == "staging" };\n';
      const bad = await call('carla', 'POST', '/v1/policies', { text: 'permit (principal, action == Mandate::Action::"nope", resource);' });
      assert.equal(bad.status, 422);
      const cr = await call('carla', 'POST', '/v1/policies', { text });
      assert.equal(cr.status, 202, JSON.stringify(cr.body));
      assert.equal(cr.body.status, 'pending');
      assert.equal((await call('vic', 'GET', '/v1/policies')).body.version, cur.body.version, 'nothing published yet');
      assert.equal((await call('carla', 'POST', `/v1/approvals/${cr.body.approval.id}/approve`, {})).body.code, 'SEPARATION_OF_DUTIES');
      assert.equal((await call('anton', 'POST', `/v1/approvals/${cr.body.approval.id}/approve`, {})).body.status, 'approved');
      const pub = await call('vic', 'GET', '/v1/policies');
      assert.equal(pub.body.version, cur.body.version + 1);
      assert.ok(pub.body.ids.includes('deny-staging-transfers'));
      assert.equal((await call('vic', 'GET', `/v1/changes/${cr.body.id}`)).body.status, 'applied');

      const rules = (await call('vic', 'GET', '/v1/lifecycle-rules')).body;
      const rc = await call('carla', 'PUT', '/v1/lifecycle-rules', { rules: { ...rules.rules, description: 'reviewed 2026-11' } });
      assert.equal(rc.status, 202, JSON.stringify(rc.body));
      // A change asked on top of an older version cannot be published over a newer one.
      const rc2 = await call('carla', 'PUT', '/v1/lifecycle-rules', { rules: { ...rules.rules, description: 'other' } });
      assert.equal((await call('anton', 'POST', `/v1/approvals/${rc.body.approval.id}/approve`, {})).body.status, 'approved');
      assert.equal((await call('vic', 'GET', '/v1/lifecycle-rules')).body.version, rules.version + 1);
      const stale = await call('anton', 'POST', `/v1/approvals/${rc2.body.approval.id}/approve`, {});
      assert.equal(stale.status, 412);
      assert.equal(
        (await call('vic', 'GET', `/v1/approvals/${rc2.body.approval.id}`)).body.status,
        'pending',
        'the failed approval changed nothing',
      );
    });
  });
}
