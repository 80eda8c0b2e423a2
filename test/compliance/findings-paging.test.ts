// The findings register read a page at a time and in groups, on both stores: walking the pages by
// cursor gives the whole list once, in order, under any filter; the groups by check, severity and
// owner count what the list holds under the same filters; bad input is refused with the field at
// fault; and no read of the compliance API runs the checks or writes a ledger event.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { buildApp, type MandateApp } from '../../src/app.js';
import type { Manifest } from '../../src/core/manifest.js';
import type { Database } from '../../src/store/db.js';
import { identity, smallManifest } from '../support/fixtures.js';
import { testStores } from '../support/stores.js';

const DE = { entity: 'ent-de', service: 'custody', jurisdiction: 'DE' } as const;
const FR = { entity: 'ent-de', service: 'custody', jurisdiction: 'FR' } as const;

interface Finding {
  id: string;
  check: string;
  severity: string;
  status: string;
  owner: string | null;
  scopes: string[];
  first_seen: string;
  due_at: string;
}
interface Group {
  key: string | null;
  count: number;
  by_severity: Record<string, number>;
}
const RANK = ['critical', 'high', 'medium', 'low'];

/** Enough findings for several pages, of several checks, severities, owners and member states. */
function firm(): Manifest {
  const ids = [];
  for (let i = 0; i < 14; i++)
    ids.push(
      identity(`svc-legacy-${String(i).padStart(2, '0')}`, {
        // an old static secret behind execute (two checks), a departed owner on some, FR on others
        credential: { type: 'static_secret', created: '2025-01-01T00:00:00Z' },
        owner: i % 3 === 0 ? 'bob@firm.example' : 'alice@firm.example',
        scopes: [i % 2 ? FR : DE],
      }),
    );
  ids.push(identity('svc-vendor', { vendor: 'vendor-kyc', scopes: [DE] }));
  return smallManifest(ids);
}

for (const store of testStores()) {
  describe(`findings paged and grouped on ${store.name}`, () => {
    let now = Date.parse('2026-11-22T10:00:00Z');
    let app: MandateApp;
    let db: Database;
    let token = '';
    const call = async (url: string, method: 'GET' | 'POST' = 'GET') => {
      const res = await app.inject({ method, url, headers: { authorization: `Bearer ${token}` } });
      return { status: res.statusCode, body: res.body ? JSON.parse(res.body) : undefined };
    };
    /** Every page of a list, following next_cursor; the pages' sizes too. */
    const walk = async (query: string, limit: number) => {
      const items: Finding[] = [];
      const sizes: number[] = [];
      let cursor: string | null = null;
      do {
        const r = await call(`/v1/findings?${query}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
        assert.equal(r.status, 200, JSON.stringify(r.body));
        items.push(...r.body.items);
        sizes.push(r.body.items.length);
        cursor = r.body.next_cursor;
        assert.ok(sizes.length < 100, 'the walk ends');
      } while (cursor);
      return { items, sizes };
    };
    let all: Finding[] = [];

    before(async () => {
      db = await store.open();
      app = await buildApp({ db, logger: false, clock: () => new Date(now) });
      token = (await app.services.users.bootstrap(undefined))!;
      assert.equal(
        (await app.inject({ method: 'POST', url: '/v1/import', headers: { authorization: `Bearer ${token}` }, payload: firm() }))
          .statusCode,
        200,
      );
      assert.equal((await call('/v1/checks/run', 'POST')).status, 200);
      // Acknowledge one, so a status filter has something to tell apart.
      now += 60_000;
      all = (await call('/v1/findings?limit=5000&status=open,acknowledged,resolved,accepted_risk')).body.items;
      assert.ok(all.length >= 30, `enough findings for several pages: ${all.length}`);
      const ack = await app.inject({
        method: 'POST',
        url: `/v1/findings/${encodeURIComponent(all[3]!.id)}/acknowledge`,
        headers: { authorization: `Bearer ${token}` },
        payload: { note: 'mine' },
      });
      assert.equal(ack.statusCode, 200, ack.body);
      all = (await call('/v1/findings?limit=5000&status=open,acknowledged,resolved,accepted_risk')).body.items;
    });
    after(async () => {
      await app.close();
      await store.cleanup();
    });

    test('one page holds the whole list in its order: most severe first, then oldest, then by id', () => {
      const key = (f: Finding) => [RANK.indexOf(f.severity), f.first_seen, f.id] as const;
      for (let i = 1; i < all.length; i++) {
        const [a, b] = [key(all[i - 1]!), key(all[i]!)];
        assert.ok(
          a[0] < b[0] || (a[0] === b[0] && (a[1] < b[1] || (a[1] === b[1] && a[2] < b[2]))),
          `${all[i - 1]!.id} before ${all[i]!.id}`,
        );
      }
      assert.ok(new Set(all.map((f) => f.severity)).size >= 2, 'several severities');
      assert.ok(new Set(all.map((f) => f.check)).size >= 3, 'several checks');
    });

    test('walking by cursor gives every finding once, in order, under each filter', async () => {
      const everything = 'status=open,acknowledged,resolved,accepted_risk';
      const filters: [string, (f: Finding) => boolean][] = [
        [everything, () => true],
        ['', (f) => f.status === 'open' || f.status === 'acknowledged'],
        ['status=acknowledged', (f) => f.status === 'acknowledged'],
        [`${everything}&owner=bob%40firm.example`, (f) => f.owner === 'bob@firm.example'],
        [`${everything}&unowned=true`, (f) => f.owner === null],
        [`${everything}&severity=${all[all.length - 1]!.severity}`, (f) => f.severity === all[all.length - 1]!.severity],
        [`${everything}&check=execute-on-static-secret`, (f) => f.check === 'execute-on-static-secret'],
        [`${everything}&jurisdiction=FR`, (f) => f.scopes.some((s) => s.endsWith('/FR'))],
        [`${everything}&entity=ent-de&jurisdiction=DE`, (f) => f.scopes.includes('ent-de/custody/DE')],
        [`${everything}&entity=ent-d`, () => false],
      ];
      for (const [query, keep] of filters) {
        const want = all.filter(keep).map((f) => f.id);
        for (const limit of [1, 7]) {
          const { items, sizes } = await walk(query, limit);
          assert.deepEqual(
            items.map((f) => f.id),
            want,
            `${query} by ${limit}`,
          );
          assert.ok(
            sizes.slice(0, -1).every((n) => n === limit),
            `full pages before the last: ${sizes.join(',')}`,
          );
        }
      }
      assert.ok(all.some((f) => f.owner === 'bob@firm.example') && all.some((f) => f.scopes.some((s) => s.endsWith('/FR'))));
      // The ledger's own finding (never checkpointed here) has no owner and no scope.
      assert.ok(
        all.some((f) => f.owner === null && f.scopes.length === 0),
        'a finding nobody owns, of no scope',
      );
      // A list that fits one page says there is no next.
      assert.equal((await call(`/v1/findings?${everything}&limit=5000`)).body.next_cursor, null);
    });

    test('groups by check, severity and owner count what the list holds, under the same filters', async () => {
      for (const [query, keep] of [
        ['', (f: Finding) => f.status === 'open' || f.status === 'acknowledged'],
        ['&status=open,acknowledged,resolved,accepted_risk&jurisdiction=FR', (f: Finding) => f.scopes.some((s) => s.endsWith('/FR'))],
        ['&severity=high', (f: Finding) => (f.status === 'open' || f.status === 'acknowledged') && f.severity === 'high'],
      ] as const) {
        const listed = all.filter(keep);
        for (const by of ['check', 'severity', 'owner'] as const) {
          const r = await call(`/v1/findings/groups?by=${by}${query}`);
          assert.equal(r.status, 200, JSON.stringify(r.body));
          assert.equal(r.body.by, by);
          assert.equal(r.body.total, listed.length);
          const want = new Map<string | null, Finding[]>();
          for (const f of listed) {
            const k = by === 'check' ? f.check : by === 'severity' ? f.severity : f.owner;
            want.set(k, [...(want.get(k) ?? []), f]);
          }
          const groups = r.body.items as Group[];
          assert.deepEqual(new Set(groups.map((g) => g.key)), new Set(want.keys()), `${by}${query}`);
          for (const g of groups) {
            const members = want.get(g.key)!;
            assert.equal(g.count, members.length, `${by} ${g.key}`);
            for (const s of RANK) assert.equal(g.by_severity[s], members.filter((f) => f.severity === s).length, `${by} ${g.key} ${s}`);
          }
          // The groups with the most severe findings come first.
          const worst = groups.map((g) => RANK.findIndex((s) => g.by_severity[s]! > 0));
          assert.deepEqual(
            worst,
            [...worst].sort((a, b) => a - b),
            `${by}${query}`,
          );
        }
      }
      // A group's findings are the list filtered on its key: the console pages within a group so.
      const owners = (await call('/v1/findings/groups?by=owner')).body.items as Group[];
      const alice = owners.find((g) => g.key === 'alice@firm.example')!;
      assert.equal((await walk('owner=alice%40firm.example', 5)).items.length, alice.count);
    });

    test('the findings falling due: open ones from a time on, soonest first, as the full list says', async () => {
      const open = all.filter((f) => f.status === 'open').sort((a, b) => a.due_at.localeCompare(b.due_at) || (a.id < b.id ? -1 : 1));
      assert.ok(new Set(open.map((f) => f.due_at)).size >= 2, 'findings fall due at several times');
      const due = async (query: string) => {
        const r = await call(`/v1/findings/due${query}`);
        assert.equal(r.status, 200, JSON.stringify(r.body));
        return (r.body.items as Finding[]).map((f) => f.id);
      };
      const epoch = '2000-01-01T00:00:00Z';
      assert.deepEqual(await due(`?from=${epoch}&limit=100`), open.map((f) => f.id).slice(0, 100));
      assert.deepEqual(
        await due(`?from=${epoch}&limit=3`),
        open.slice(0, 3).map((f) => f.id),
      );
      // From the second due time on: the first time's findings are left out; an acknowledged one never shows.
      const second = [...new Set(open.map((f) => f.due_at))][1]!;
      const later = open.filter((f) => f.due_at >= second).map((f) => f.id);
      assert.deepEqual(await due(`?from=${encodeURIComponent(second)}&limit=100`), later);
      // The same instant in another zone is the same answer; no `from` is now (the test's clock).
      const shifted = new Date(Date.parse(second) + 2 * 3_600_000).toISOString().replace('Z', '+02:00');
      assert.deepEqual(await due(`?from=${encodeURIComponent(shifted)}&limit=100`), later);
      const fromNow = open.filter((f) => f.due_at >= new Date(now).toISOString()).map((f) => f.id);
      assert.deepEqual(await due(''), fromNow.slice(0, 20));
    });

    test('bad input is refused with the field at fault', async () => {
      const refused = async (url: string, code: string, field: string) => {
        const r = await call(url);
        assert.equal(r.status, 400, `${url}: ${JSON.stringify(r.body)}`);
        assert.equal(r.body.code, code, url);
        assert.equal(r.body.field, field, url);
      };
      await refused('/v1/findings?cursor=not-a-cursor', 'INVALID_CURSOR', 'query:cursor');
      // A cursor of another list is not one of this list's.
      const identities = (await call('/v1/identities?limit=1')).body.next_cursor as string;
      await refused(`/v1/findings?cursor=${encodeURIComponent(identities)}`, 'INVALID_CURSOR', 'query:cursor');
      await refused('/v1/findings?status=open,gone', 'VALIDATION_FAILED', 'query:status');
      await refused('/v1/findings/groups?by=colour', 'INVALID_QUERY', 'querystring:by');
      await refused('/v1/findings/groups', 'INVALID_QUERY', 'querystring:by');
      await refused('/v1/findings/groups?by=check&status=nope', 'VALIDATION_FAILED', 'query:status');
      await refused('/v1/findings?jurisdiction=XX', 'INVALID_QUERY', 'querystring:jurisdiction');
      await refused('/v1/findings?limit=0', 'INVALID_QUERY', 'querystring:limit');
      await refused('/v1/findings/due?limit=101', 'INVALID_QUERY', 'querystring:limit');
      await refused('/v1/findings/due?from=yesterday', 'INVALID_QUERY', 'querystring:from');
      // A read never runs the checks: the parameter that asked it to is gone.
      await refused('/v1/findings?fresh=true', 'INVALID_QUERY', 'querystring:fresh');
    });

    test('no read of the compliance API runs the checks or writes to the ledger', async () => {
      const state = async () => ({
        runs: await db.all<{ id: string }>('SELECT id FROM check_runs ORDER BY id'),
        findings: await db.all<Record<string, unknown>>('SELECT * FROM compliance_findings ORDER BY id'),
        events: (await db.all<{ n: number }>('SELECT COUNT(*) AS n FROM events'))[0]!.n,
      });
      now += 3_600_000;
      const before = await state();
      // Every GET the compliance routes answer, from the OpenAPI document (so a new one is covered).
      const spec = JSON.parse(readFileSync('openapi/mandate.json', 'utf8')) as {
        paths: Record<string, Record<string, { tags?: string[] }>>;
      };
      const gets = Object.entries(spec.paths)
        .filter(([, ops]) => ops.get?.tags?.includes('compliance'))
        .map(([path]) => path);
      assert.ok(gets.includes('/v1/findings') && gets.includes('/v1/findings/groups'), gets.join(' '));
      const query: Record<string, string> = {
        '/v1/findings/groups': '?by=owner',
        '/v1/readiness/trend': '?entity=ent-de&jurisdiction=DE',
      };
      for (const path of gets) {
        const url = path.replace('{id}', encodeURIComponent(all[0]!.id)) + (query[path] ?? '');
        const r = await call(url);
        assert.equal(r.status, 200, `${url}: ${JSON.stringify(r.body)}`);
      }
      assert.deepEqual(await state(), before);
    });
  });
}
