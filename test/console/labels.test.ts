// Honest labels in the console, in Debian's Chromium against a real `mandate serve --demo`: a
// break-glass identity unsealed on the emergency path reads "emergency, review pending" (nobody
// approved it), then "emergency, review done" with who reviewed, never "approved"; the ledger
// explorer's detail says what changed (before → after), not only which keys; the impact preview's
// sentence and its legend give the same numbers, also where they used to differ (an identity
// already suspended in the moved scope). axe stays clean on the pages touched.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { startServerProcess, type ServerProcess } from '../support/cli.js';
import { testStores } from '../support/stores.js';
import { personToken, providerForServer } from '../support/oidc-provider.js';
import { launchBrowser } from './browser.js';
import { consoleSession } from './session.js';

const PEOPLE = [
  ['olga', 'operator'],
  ['carla', 'compliance_officer'],
] as const;
const ADMIN = 'mdt_console_labels_bootstrap_token_0123456789abcdef';
const SHOTS = process.env.MANDATE_SCREENSHOTS ?? 'test-results/screenshots';
const SEALED = 'bg-db-superuser';
const AUTH = 'auth-de-custody-fr';

interface Approval {
  id: string;
  status: string;
  votes: unknown[];
  emergency: { review: string; reviewed_by: string | null } | null;
}

// The labels read the same on either store: the embedded one is enough here.
const store = testStores()[0]!;

describe(`honest labels in the console (${store.name})`, () => {
  let server: ServerProcess;
  let provider: Awaited<ReturnType<typeof providerForServer>> | undefined;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  const session = consoleSession({
    url: () => server.url,
    browser: () => browser,
    tokens: { admin: ADMIN },
    shots: SHOTS,
    sso: true,
  });
  const { tokens, errors, api, shot } = session;
  const open = async (page: Page, path: string) => {
    await page.goto(`${server.url}/console${path}`);
  };
  /** A call as the person signed in on this page, with their session (an act of power needs their MFA sign-in). */
  const asPerson = <T>(page: Page, method: string, path: string, body: unknown) =>
    page.evaluate<{ status: number; body: T }>(`(async () => {
      const csrf = document.cookie.split('; ').find((c) => c.startsWith('mandate_csrf='))?.slice('mandate_csrf='.length) ?? '';
      const res = await fetch(${JSON.stringify(path)}, {
        method: ${JSON.stringify(method)},
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json', 'x-csrf-token': csrf },
        body: ${JSON.stringify(JSON.stringify(body))},
      });
      return { status: res.status, body: await res.json() };
    })()`);
  const axe = async (page: Page, what: string) => {
    const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
    assert.deepEqual(
      result.violations.map((v) => `${what}: ${v.id} (${v.impact}) ${v.help}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
      [],
    );
  };

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    provider = await providerForServer(PEOPLE);
    const db = await store.open();
    await db.close();
    server = await startServerProcess(['--db', store.url(), '--demo', '--port', String(provider.port)], {
      MANDATE_BOOTSTRAP_TOKEN: ADMIN,
      ...provider.env,
    });
    for (const [user] of PEOPLE) tokens[user] = (await personToken(server.url, { login: user })).token;
    ({ browser, close: closeBrowser } = await launchBrowser());
  });
  after(async () => {
    await session.closeAll();
    await closeBrowser?.();
    await server?.stop();
    await provider?.close();
    await store.cleanup();
    assert.deepEqual(errors, [], 'no page raised an uncaught error or sent a read the API refused');
  });

  test('an emergency unseal reads "emergency, review pending", then "review done" by the reviewer, never "approved"', async () => {
    const olga = await session.signIn('olga');
    const unseal = await asPerson<{ id: string; approval_id: string; status: string }>(olga, 'POST', `/v1/break-glass/${SEALED}/unseal`, {
      reason: 'database down, clients waiting (INC-9)',
      emergency: true,
      duration_seconds: 900,
    });
    assert.equal(unseal.status, 201, JSON.stringify(unseal.body));
    const approvalId = unseal.body.approval_id;
    const approval = await api<Approval>('carla', 'GET', `/v1/approvals/${approvalId}`);
    assert.equal(approval.status, 'approved', 'the engine records the request as decided');
    assert.deepEqual(approval.votes, [], 'with no vote');

    const carla = await session.signIn('carla');
    await open(carla, '/approvals');
    const row = carla.getByTestId(`recent-${approvalId}`);
    await row.getByTestId('emergency-label').waitFor();
    assert.match(await row.innerText(), /emergency, review pending/);
    assert.match(await row.innerText(), /nobody approved it/);
    assert.doesNotMatch(await row.innerText(), /\bapproved\b(?! it)/);
    await shot(carla, 'approvals-emergency');
    await axe(carla, 'approvals');

    await api('carla', 'POST', `/v1/break-glass/activations/${unseal.body.id}/review`, { notes: 'queries checked; password rotated' });
    await open(carla, '/approvals');
    await row.getByText('emergency, review done').waitFor();
    assert.match(await row.innerText(), /emergency, review done by carla/);
    assert.doesNotMatch(await row.innerText(), /review pending/);
  });

  test("the ledger explorer's detail shows before → after, not only key names", async () => {
    const [target] = (
      await api<{ items: { id: string; status: string }[] }>(
        'carla',
        'GET',
        '/v1/identities?entity=ent-de&service=custody&status=active&limit=5',
      )
    ).items;
    assert.ok(target, 'an active identity in the moved scope');
    await api('carla', 'POST', `/v1/identities/${encodeURIComponent(target.id)}/status`, {
      status: 'suspended',
      reason: 'key handed over to the wrong team',
    });
    const carla = await session.signIn('carla');
    await open(carla, `/ledger?subject=${encodeURIComponent(target.id)}`);
    const table = carla.getByRole('table', { name: 'Events' });
    const detail = table.locator('tbody tr').filter({ hasText: 'identity.status_changed' }).getByTestId('event-detail').first();
    await detail.waitFor();
    assert.match(await detail.innerText(), /status: active → suspended/);
    assert.match(await detail.innerText(), /key handed over to the wrong team/);
    await shot(carla, 'ledger-detail');
    await axe(carla, 'ledger');

    // The impact of withdrawing the licence that identity sits in: the sentence says what the legend says.
    await open(carla, `/authorisations/${AUTH}`);
    await carla.getByLabel('New status').selectOption('withdrawn');
    await carla.getByRole('button', { name: 'Preview impact' }).click();
    const sentence = await carla.getByTestId('impact-counts').innerText();
    await carla.getByTestId('impact-graph').waitFor();
    const legend = Object.fromEntries(
      await carla
        .getByTestId('impact-legend')
        .locator('[data-outcome]')
        .evaluateAll((spans) =>
          spans.map((s) => [s.getAttribute('data-outcome'), Number(s.querySelector('[data-testid="legend-count"]')?.textContent)]),
        ),
    ) as Record<string, number>;
    const said = (re: RegExp) => Number(re.exec(sentence)?.[1] ?? 0);
    const inSentence = {
      suspend: said(/suspend (\d+)/),
      narrow: said(/narrow (\d+)/),
      return_path: said(/\((\d+) of them keep a return path\)/),
      restore: said(/restore (\d+)/),
      keep: said(/keep (\d+) identities/),
      inactive: said(/(\d+) already inactive/),
    };
    for (const [k, n] of Object.entries(inSentence))
      assert.equal(legend[k] ?? 0, n, `${k}: the sentence says ${n}, the legend ${legend[k]}`);
    // The table lists every identity: its outcomes add up to the same numbers.
    // (Under a closed <details>: not in the accessibility tree, so found by its label.)
    const outcomes = await carla
      .locator('table[aria-label="Impact by identity"] tbody tr td:nth-child(2)')
      .evaluateAll((tds) => tds.map((td) => td.textContent));
    const count = (label: string) => outcomes.filter((o) => o === label).length;
    assert.equal(inSentence.suspend, count('suspended'));
    assert.equal(inSentence.narrow, count('narrowed') + count('return path kept'));
    assert.equal(inSentence.keep, count('kept'));
    assert.equal(inSentence.inactive, count('already inactive'));
    // The case where they used to differ: an identity already suspended stays as it is; the API counts
    // it among the unchanged, the legend among the inactive. Both now say inactive.
    const impact = await api<{ counts: { unchanged: number } }>('carla', 'GET', `/v1/authorisations/${AUTH}/impact?to=withdrawn`);
    assert.ok(inSentence.inactive >= 1, `the suspended identity is counted as already inactive: ${sentence}`);
    assert.notEqual(impact.counts.unchanged, inSentence.keep, 'the raw count would have disagreed with the legend');
    await shot(carla, 'impact-labels');
    await axe(carla, 'authorisation');
  });
});
