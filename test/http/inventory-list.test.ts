// The identity list as the console uses it (search, sorts, counts, keyset pages), the inventory
// summary and /v1/me, on both stores. The list is checked against an in-memory model of the same
// identities: whatever the filters, sort, order and page size, walking every page yields exactly
// the model's rows in the model's order, each once.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import type { Identity, IdentityInput, Stored } from '../../src/core/model.js';
import { PERMISSIONS, ROLE_PERMISSIONS } from '../../src/core/roles.js';
import {
  AUTHORISATION_STATUSES,
  CAPABILITIES,
  ENVIRONMENTS,
  IDENTITY_FUNCTIONS,
  IDENTITY_KINDS,
  IDENTITY_STATUSES,
} from '../../src/core/vocabulary.js';
import { listRecords, sortValue, type ListFilter } from '../../src/state/records.js';
import { identity, smallManifest } from '../support/fixtures.js';
import { testApp, type TestApp } from '../support/app.js';
import { testStores } from '../support/stores.js';

const SORTS = ['id', 'owner', 'status', 'kind', 'function', 'capability', 'environment', 'updated_at'] as const;
// Owners whose order differs between code point and linguistic collations (case, accents).
const PEOPLE = ['alice@firm.example', 'Bob@firm.example', 'bob@firm.example', 'Émile@firm.example', 'zoe@firm.example', 'Zed@firm.example'];
const SCOPES = [
  { entity: 'ent-de', service: 'custody', jurisdiction: 'DE' },
  { entity: 'ent-de', service: 'custody', jurisdiction: 'FR' },
  { entity: 'ent-de', service: 'transfer', jurisdiction: 'DE' },
  { entity: 'ent-ie', service: 'custody', jurisdiction: 'IE' },
] as const;
// Words with LIKE wildcards, a backslash, mixed case and letters outside ASCII.
const WORDS = ['Signs', 'withdrawals', 'HOT', 'wallet', '100%', 'under_score', 'back\\slash', 'Émile', 'straße', 'ÖL', 'öl', 'x'];
const ID_PREFIXES = ['svc', 'SVC', 'Svc', 'a', 'B', 'z9', 'x_y', 'x-y', 'x.y', 'x:y', 'x@y', '0'];

/** What the model keeps of an identity: what the list filters, searches and sorts on. */
interface Row {
  id: string;
  kind: string;
  function: string;
  capability: string;
  owner?: string;
  purpose?: string;
  status: string;
  environment: string;
  scopes: readonly { entity: string; service: string; jurisdiction: string }[];
  updated_at: string;
}

const identityArb = (n: number) =>
  fc
    .record({
      prefix: fc.constantFrom(...ID_PREFIXES),
      kind: fc.constantFrom(...IDENTITY_KINDS),
      function: fc.constantFrom(...IDENTITY_FUNCTIONS),
      capability: fc.constantFrom(...CAPABILITIES),
      environment: fc.constantFrom(...ENVIRONMENTS),
      owner: fc.option(fc.constantFrom(...PEOPLE), { freq: 4 }),
      purpose: fc.option(
        fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 4 }).map((w) => w.join(' ')),
        { freq: 5 },
      ),
      scopes: fc.subarray([...SCOPES], { minLength: 1 }),
    })
    .map((r): IdentityInput => {
      // Identities without an owner or purpose cannot be active: those are imported suspended.
      const complete = r.owner !== null && r.purpose !== null;
      return identity(`${r.prefix}-${n}`, {
        kind: r.kind,
        function: r.function,
        capability: r.capability,
        environment: r.environment,
        scopes: [...r.scopes],
        ...(r.owner !== null ? { owner: r.owner } : { owner: undefined }),
        ...(r.purpose !== null ? { purpose: r.purpose } : { purpose: undefined }),
        ...(complete ? {} : { status: 'suspended' }),
      });
    });

/** Code point order (UTF-8 bytes), as both stores compare. */
const cmp = (a: string, b: string) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

interface Query {
  filters: Partial<
    Record<'kind' | 'function' | 'capability' | 'status' | 'environment' | 'owner' | 'entity' | 'service' | 'jurisdiction', string>
  >;
  q?: string;
  sort?: (typeof SORTS)[number];
  order?: 'asc' | 'desc';
  limit: number;
  count: boolean;
}

function expected(rows: readonly Row[], query: Query): string[] {
  const f = query.filters;
  const term = query.q?.toLowerCase();
  const matching = rows.filter(
    (r) =>
      (['kind', 'function', 'capability', 'status', 'environment', 'owner'] as const).every((k) => f[k] === undefined || r[k] === f[k]) &&
      ((f.entity === undefined && f.service === undefined && f.jurisdiction === undefined) ||
        r.scopes.some(
          (s) =>
            (f.entity ?? s.entity) === s.entity &&
            (f.service ?? s.service) === s.service &&
            (f.jurisdiction ?? s.jurisdiction) === s.jurisdiction,
        )) &&
      (term === undefined || [r.id, r.owner ?? '', r.purpose ?? ''].some((x) => x.toLowerCase().includes(term))),
  );
  const sort = query.sort ?? 'id';
  const key = (r: Row) => (sort === 'owner' ? (r.owner ?? '') : r[sort]);
  const sign = query.order === 'desc' ? -1 : 1;
  return matching.sort((a, b) => sign * (cmp(key(a), key(b)) || cmp(a.id, b.id))).map((r) => r.id);
}

const queryString = (query: Query, cursor?: string | null) => {
  const p = new URLSearchParams({ ...query.filters, limit: String(query.limit) });
  if (query.q !== undefined) p.set('q', query.q);
  if (query.sort !== undefined) p.set('sort', query.sort);
  if (query.order !== undefined) p.set('order', query.order);
  if (query.count) p.set('count', 'true');
  if (cursor) p.set('cursor', cursor);
  return p.toString();
};

const flipCase = (s: string, mask: number) => [...s].map((c, i) => ((mask >> (i % 30)) & 1 ? c.toUpperCase() : c.toLowerCase())).join('');

function queryArb(rows: readonly Row[]): fc.Arbitrary<Query> {
  // Search terms: a piece of some row's id, owner or purpose in any case, or text with wildcards.
  const piece = fc
    .tuple(fc.constantFrom(...rows), fc.constantFrom('id', 'owner', 'purpose'), fc.nat(), fc.integer({ min: 1, max: 6 }), fc.nat())
    .map(([r, field, start, len, mask]) => {
      const text = (field === 'id' ? r.id : field === 'owner' ? r.owner : r.purpose) ?? r.id;
      const from = start % text.length;
      return flipCase(text.slice(from, from + len), mask);
    });
  const q = fc.oneof(piece, fc.constantFrom('%', '_', '\\', '0%', 'e_s', 'ö', 'É', 'STRASSE', 'nothing-matches'));
  return fc.record(
    {
      // Up to three filters: more would leave most walks empty.
      filters: fc
        .uniqueArray(
          fc.oneof(
            fc.constantFrom(...IDENTITY_KINDS).map((v) => ['kind', v]),
            fc.constantFrom(...IDENTITY_FUNCTIONS).map((v) => ['function', v]),
            fc.constantFrom(...CAPABILITIES).map((v) => ['capability', v]),
            fc.constantFrom(...IDENTITY_STATUSES).map((v) => ['status', v]),
            fc.constantFrom(...ENVIRONMENTS).map((v) => ['environment', v]),
            fc.constantFrom(...PEOPLE).map((v) => ['owner', v]),
            fc.constantFrom('ent-de', 'ent-ie').map((v) => ['entity', v]),
            fc.constantFrom('custody', 'transfer').map((v) => ['service', v]),
            fc.constantFrom('DE', 'FR', 'IE').map((v) => ['jurisdiction', v]),
          ),
          { maxLength: 3, selector: ([k]) => k },
        )
        .map((pairs) => Object.fromEntries(pairs)),
      q: fc.option(q, { nil: undefined, freq: 2 }),
      sort: fc.option(fc.constantFrom(...SORTS), { nil: undefined, freq: 6 }),
      order: fc.option(fc.constantFrom('asc' as const, 'desc' as const), { nil: undefined }),
      limit: fc.oneof(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 10, max: 500 })),
      count: fc.boolean(),
    },
    { requiredKeys: ['filters', 'limit', 'count'] },
  ) as fc.Arbitrary<Query>;
}

function assertProblem(res: { status: number; body: any; headers: Record<string, unknown> }, status: number, code: string, field: string) {
  assert.equal(res.status, status, JSON.stringify(res.body));
  assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
  assert.equal(res.body.code, code);
  assert.equal(res.body.field, field, JSON.stringify(res.body));
  assert.ok(res.body.detail.length > 0);
}

// PostgreSQL with a linguistic default collation ('alice' < 'Bob' there, 'Bob' < 'alice' by code
// point): the sorted pages must still come in SQLite's order.
for (const store of testStores({ postgresLocale: 'en-US' })) {
  describe(`identity lists, summary and /v1/me on ${store.name}`, () => {
    let t: TestApp;
    let now = Date.parse('2026-11-22T10:00:00Z');
    const rows: Row[] = [];
    before(async () => {
      t = await testApp(await store.open(), () => new Date(now));
      const [dataset] = fc.sample(fc.tuple(...Array.from({ length: 300 }, (_, n) => identityArb(n))), { numRuns: 1, seed: 20261122 });
      const manifest = smallManifest(dataset!);
      manifest.people = PEOPLE.map((id) => ({ id, name: id.split('@')[0]!, status: 'active' as const }));
      manifest.authorisations!.push({
        id: 'auth-de-transfer-de',
        entity: 'ent-de',
        service: 'transfer',
        jurisdiction: 'DE',
        status: 'applied',
        basis: 'home',
        reference: 'BaFin 2026/2',
      });
      const res = await t.call('POST', '/v1/import', t.admin, JSON.stringify(manifest), { 'content-type': 'application/json' });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      // The bootstrap import applies the lifecycle: identities with no lawful execute power left
      // (all of it in the applied transfer scope) come out suspended. The server's statuses count.
      const stored = new Map<string, string>();
      for (let cursor: string | null = null, first = true; first || cursor; first = false) {
        const page: any = await t.call('GET', `/v1/identities?limit=500${cursor ? `&cursor=${cursor}` : ''}`, t.admin);
        for (const r of page.body.items) stored.set(r.id, r.status);
        cursor = page.body.next_cursor;
      }
      for (const i of dataset!) {
        rows.push({
          id: i.id,
          kind: i.kind,
          function: i.function,
          capability: i.capability,
          status: stored.get(i.id)!,
          environment: i.environment,
          scopes: i.scopes as { entity: string; service: string; jurisdiction: string }[],
          updated_at: new Date(now).toISOString(),
          ...(i.owner ? { owner: i.owner } : {}),
          ...(i.purpose ? { purpose: i.purpose } : {}),
        });
      }
      // Later changes, three at a time: updated_at has ties among them too, and statuses a spread.
      for (const [n, r] of rows.entries()) {
        if (n % 7 !== 3) continue;
        if (n % 21 === 3) now += 60_000;
        const to = r.status === 'active' ? (n % 2 ? 'revoked' : 'suspended') : 'decommissioned';
        const changed = await t.app.services.inventory.changeStatus('user:test', r.id, to, 'test spread');
        r.status = changed.record.status;
        r.updated_at = changed.updated_at;
      }
      // Their connector deliveries append events: let them land before a test compares the log.
      await t.app.services.outbox.drain();
    });
    after(async () => {
      await t.app.close();
      await store.cleanup();
    });

    test('every page walk equals the in-memory filter and sort: no row skipped or repeated; total is the count', async () => {
      // How many walks found rows, and took several pages: the property must not pass on empty lists.
      const seenRuns = { all: 0, nonEmpty: 0, multiPage: 0 };
      await fc.assert(
        fc.asyncProperty(queryArb(rows), async (query) => {
          const want = expected(rows, query);
          const seen: string[] = [];
          let cursor: string | null = null;
          let pages = 0;
          do {
            const res: any = await t.call('GET', `/v1/identities?${queryString(query, cursor)}`, t.admin);
            assert.equal(res.status, 200, JSON.stringify(res.body));
            assert.ok(res.body.items.length <= query.limit);
            if (query.count) assert.equal(res.body.total, want.length, 'total');
            else assert.equal(res.body.total, undefined);
            seen.push(...res.body.items.map((i: any) => i.id));
            cursor = res.body.next_cursor;
            assert.ok(++pages <= want.length + 1, 'the walk ends');
          } while (cursor);
          assert.deepEqual(seen, want, queryString(query));
          seenRuns.all++;
          if (want.length) seenRuns.nonEmpty++;
          if (pages > 2) seenRuns.multiPage++;
        }),
        { numRuns: 100, seed: store.name === 'sqlite' ? 1 : 2 },
      );
      assert.ok(seenRuns.nonEmpty >= 50 && seenRuns.multiPage >= 20, JSON.stringify(seenRuns));
    });

    test(
      'with a short walk, so filtered sorted pages also find their rows the ' + 'other way, the store query equals the model too',
      async () => {
        const spread = { walked: 0, gathered: 0 };
        await fc.assert(
          fc.asyncProperty(queryArb(rows), fc.integer({ min: 1, max: 40 }), async (query, walk) => {
            const want = expected(rows, query);
            const filter: ListFilter = { columns: {}, scope: {}, ...(query.q !== undefined ? { search: query.q } : {}) };
            for (const [k, v] of Object.entries(query.filters)) {
              if (k === 'entity' || k === 'service' || k === 'jurisdiction') filter.scope![k] = v;
              else filter.columns[k] = v;
            }
            const sort = query.sort === 'id' ? undefined : query.sort;
            const seen: string[] = [];
            let after: Stored<Identity> | undefined;
            for (;;) {
              const page = await listRecords(t.db, 'identity', filter, after?.record.id, query.limit + 1, {
                ...(sort ? { sort, ...(after ? { afterKey: sortValue('identity', sort, after) } : {}) } : {}),
                desc: query.order === 'desc',
                walk,
              });
              seen.push(...page.slice(0, query.limit).map((s) => s.record.id));
              if (page.length <= query.limit) break;
              after = page[query.limit - 1];
            }
            assert.deepEqual(seen, want, JSON.stringify({ query, walk }));
            if (sort && want.length > walk) spread.walked++;
            if (sort && want.length && want.length < rows.length / 4) spread.gathered++;
          }),
          { numRuns: 100, seed: store.name === 'sqlite' ? 3 : 4 },
        );
        assert.ok(spread.walked >= 10 && spread.gathered >= 10, JSON.stringify(spread));
      },
    );

    test('the cases the property might miss: null owners, ties, wildcards taken literally', async () => {
      const walk = async (qs: string) => {
        const out: string[] = [];
        let cursor: string | null = null;
        do {
          const res: any = await t.call('GET', `/v1/identities?${qs}&limit=7${cursor ? `&cursor=${cursor}` : ''}`, t.admin);
          assert.equal(res.status, 200, JSON.stringify(res.body));
          out.push(...res.body.items.map((i: any) => i.id));
          cursor = res.body.next_cursor;
        } while (cursor);
        return out;
      };
      const q = (query: Partial<Query>) => ({ filters: {}, limit: 7, count: false, ...query });
      assert.ok(
        rows.some((r) => r.owner === undefined),
        'the data has identities without an owner',
      );
      for (const order of ['asc', 'desc'] as const) {
        assert.deepEqual(await walk(`sort=owner&order=${order}`), expected(rows, q({ sort: 'owner', order })));
        assert.deepEqual(
          await walk(`sort=updated_at&order=${order}&entity=ent-de`),
          expected(rows, q({ sort: 'updated_at', order, filters: { entity: 'ent-de' } })),
        );
        assert.deepEqual(
          await walk(`order=${order}&entity=ent-de&service=custody`),
          expected(rows, q({ order, filters: { entity: 'ent-de', service: 'custody' } })),
        );
      }
      for (const term of ['100%', '_', 'under_score', '\\', 'ÉMILE', 'STRAẞE', 'öL']) {
        const got = await walk(`q=${encodeURIComponent(term)}`);
        assert.deepEqual(got, expected(rows, q({ q: term })), term);
      }
      assert.ok((await walk('q=100%25')).length > 0);
      assert.deepEqual(await walk('q=%25%25'), [], '%% is two percent signs, not a wildcard');
    });

    test('bad input: 400 problem with a stable code and the field; nothing changes', async () => {
      const eventsBefore = await t.db.all('SELECT seq FROM events');
      const first: any = await t.call('GET', '/v1/identities?sort=owner&limit=2', t.admin);
      const ownerCursor = first.body.next_cursor as string;
      const idCursor = (await t.call('GET', '/v1/identities?limit=2', t.admin)).body.next_cursor as string;
      const descCursor = (await t.call('GET', '/v1/identities?sort=owner&order=desc&limit=2', t.admin)).body.next_cursor as string;
      const cases: [string, string, string][] = [
        ['sort=colour', 'INVALID_QUERY', 'querystring:sort'],
        ['order=sideways', 'INVALID_QUERY', 'querystring:order'],
        ['count=maybe', 'INVALID_QUERY', 'querystring:count'],
        [`q=${'x'.repeat(129)}`, 'INVALID_QUERY', 'querystring:q'],
        ['q=', 'INVALID_QUERY', 'querystring:q'],
        ['q=a%0Ab', 'INVALID_QUERY', 'querystring:q'],
        ['colour=red', 'INVALID_QUERY', 'querystring:colour'],
        [`sort=status&cursor=${ownerCursor}`, 'INVALID_CURSOR', 'query:cursor'],
        [`cursor=${ownerCursor}`, 'INVALID_CURSOR', 'query:cursor'],
        [`sort=owner&cursor=${idCursor}`, 'INVALID_CURSOR', 'query:cursor'],
        [`sort=owner&order=desc&cursor=${ownerCursor}`, 'INVALID_CURSOR', 'query:cursor'],
        [`sort=owner&cursor=${descCursor}`, 'INVALID_CURSOR', 'query:cursor'],
        [`order=desc&cursor=${idCursor}`, 'INVALID_CURSOR', 'query:cursor'],
        ['cursor=garbage', 'INVALID_CURSOR', 'query:cursor'],
        [
          `sort=owner&cursor=${Buffer.from(JSON.stringify({ a: 'x', s: 'owner' })).toString('base64url')}`,
          'INVALID_CURSOR',
          'query:cursor',
        ],
      ];
      for (const [qs, code, field] of cases) assertProblem(await t.call('GET', `/v1/identities?${qs}`, t.admin), 400, code, field);
      const refused = await t.call('GET', `/v1/identities?sort=status&cursor=${ownerCursor}`, t.admin);
      assert.match(refused.body.detail, /sort=owner.*sort=status/);
      // The same cursor still works where it came from.
      const second: any = await t.call('GET', `/v1/identities?sort=owner&limit=2&cursor=${ownerCursor}`, t.admin);
      assert.equal(second.status, 200);
      assert.deepEqual(
        [...first.body.items, ...second.body.items].map((i: any) => i.id),
        expected(rows, { filters: {}, sort: 'owner', limit: 4, count: false }).slice(0, 4),
      );
      assert.deepEqual(await t.db.all('SELECT seq FROM events'), eventsBefore);
    });

    test('summary: counts by function × capability, status, kind, environment; totals', async () => {
      const res: any = await t.call('GET', '/v1/inventory/summary', await t.tokenFor(['viewer']));
      assert.equal(res.status, 200, JSON.stringify(res.body));
      const tally = (values: readonly string[], of: (r: Row) => string, from: readonly Row[] = rows) =>
        Object.fromEntries(values.map((v) => [v, from.filter((r) => of(r) === v).length]));
      assert.deepEqual(res.body.identities, {
        total: rows.length,
        by_function_capability: Object.fromEntries(
          IDENTITY_FUNCTIONS.map((f) => [
            f,
            tally(
              CAPABILITIES,
              (r) => r.capability,
              rows.filter((r) => r.function === f),
            ),
          ]),
        ),
        by_status: tally(IDENTITY_STATUSES, (r) => r.status),
        by_kind: tally(IDENTITY_KINDS, (r) => r.kind),
        by_environment: tally(ENVIRONMENTS, (r) => r.environment),
      });
      assert.deepEqual(res.body.authorisations, {
        total: 3,
        by_status: { ...Object.fromEntries(AUTHORISATION_STATUSES.map((s) => [s, 0])), authorised: 2, applied: 1 },
      });
      assert.deepEqual([res.body.entities, res.body.people, res.body.vendors], [{ total: 2 }, { total: PEOPLE.length }, { total: 1 }]);
    });

    test("/v1/me: the union of the roles' permissions, and the display name", async () => {
      const both = await t.tokenFor(['viewer', 'approver']);
      const me: any = await t.call('GET', '/v1/me', both);
      assert.equal(me.status, 200);
      assert.deepEqual(me.body.roles, ['viewer', 'approver']);
      assert.deepEqual(me.body.permissions, ['inventory:read', 'transitions:approve', 'approvals:read']);
      assert.deepEqual(new Set(me.body.permissions), new Set([...ROLE_PERMISSIONS.viewer, ...ROLE_PERMISSIONS.approver]));
      assert.match(me.body.name, /viewer-approver/);
      const admin: any = await t.call('GET', '/v1/me', t.admin);
      assert.deepEqual(admin.body, { user: 'admin', name: 'Bootstrap administrator', roles: ['admin'], permissions: [...PERMISSIONS] });
    });
  });
}
