// The CRA Article 14 reports from the command line, against a real server process (SQLite): open a
// report, list and show it with its deadlines, record milestones (refusals exit non-zero with the
// server's word and write nothing), see the blast radius, revoke the product's tokens, close it.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCli, startServerProcess, type ServerProcess } from '../support/cli.js';
import { testStores } from '../support/stores.js';
import { productFirm } from './fixtures.js';

const TOKEN = 'mdt_test_bootstrap_token_cra_cli_0123456789';
const store = testStores()[0]!;

describe('mandate cra (sqlite)', () => {
  let server: ServerProcess;
  let env: Record<string, string>;
  const cli = (...args: string[]) => runCli(args, env);
  let id = '';

  before(async () => {
    const db = await store.open();
    await db.close();
    server = await startServerProcess(['--db', store.url()], { MANDATE_BOOTSTRAP_TOKEN: TOKEN });
    env = { MANDATE_URL: server.url, MANDATE_TOKEN: TOKEN };
    const file = join(mkdtempSync(join(tmpdir(), 'mandate-cra-cli-')), 'firm.json');
    writeFileSync(file, JSON.stringify(productFirm()));
    const imported = await cli('import', file);
    assert.equal(imported.code, 0, imported.stderr);
  });
  after(async () => {
    await server?.stop();
    await store.cleanup();
  });

  const ledgerSize = async () => {
    const res = await fetch(`${server.url}/v1/events?order=desc&limit=1`, { headers: { authorization: `Bearer ${TOKEN}` } });
    return ((await res.json()) as { items: { seq: number }[] }).items[0]?.seq ?? 0;
  };

  test('report, reports, show, milestone, blast-radius, revoke-tokens, close', async () => {
    const aware = new Date(Date.now() - 3_600_000).toISOString();
    const opened = await cli(
      '--json',
      'cra',
      'report',
      '--product',
      'hw-wallet',
      '--kind',
      'exploited_vulnerability',
      '--title',
      'Signature bypass',
      '--owner',
      'alice@firm.example',
      '--aware-at',
      aware,
    );
    assert.equal(opened.code, 0, opened.stderr);
    id = JSON.parse(opened.stdout).id;
    assert.match(id, /^cra_/);

    const listed = await cli('cra', 'reports', '--product', 'hw-wallet');
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, new RegExp(`${id}\\s+hw-wallet\\s+exploited_vulnerability\\s+open`));
    assert.match(listed.stdout, /early_warning due /);

    const ew = await cli('cra', 'milestone', id, '--milestone', 'early_warning', '--reference', 'SRP-EW-7');
    assert.equal(ew.code, 0, ew.stderr);
    assert.match(ew.stdout, /early_warning recorded on cra_\w+ \(met, due /);

    // Out of order: the server refuses, the CLI exits non-zero with its word, nothing is written.
    const size = await ledgerSize();
    const early = await cli('cra', 'milestone', id, '--milestone', 'final_report', '--reference', 'x');
    assert.equal(early.code, 1);
    assert.match(early.stderr, /INVALID_TRANSITION/);
    assert.match(early.stderr, /record that first/);
    const unknown = await cli(
      'cra',
      'report',
      '--product',
      'nope',
      '--kind',
      'severe_incident',
      '--title',
      't',
      '--owner',
      'alice@firm.example',
    );
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /INVALID_RECORD/);
    assert.equal(await ledgerSize(), size);

    const shown = await cli('cra', 'show', id);
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, /early_warning\s+Art\. 14\(2\)\(a\)\s+\S+\s+\S+\s+met/);
    assert.match(shown.stdout, /notification\s+Art\. 14\(2\)\(b\)\s+\S+\s+pending/);
    assert.match(shown.stdout, /final_report\s+Art\. 14\(2\)\(c\)\s+\(waiting\)\s+waiting/);

    const radius = await cli('cra', 'blast-radius', id);
    assert.equal(radius.code, 0, radius.stderr);
    assert.match(radius.stdout, /^3 identities can touch hw-wallet: 3 active/);
    assert.match(radius.stdout, /fw-updates\s+update_distribution\s+execute\s+active\s+beta/);
    assert.match(radius.stdout, /fw-signer\s+release_engineering\s+execute\s+active\s+\*/);

    const noReason = await cli('cra', 'revoke-tokens', id);
    assert.equal(noReason.code, 2, 'a required option is missing: usage');
    const revoked = await cli('cra', 'revoke-tokens', id, '--reason', 'signing key may be exposed');
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.match(revoked.stdout, /^tokens of 3 identities of hw-wallet revoked at /);

    const closed = await cli('cra', 'close', id, '--reason', 'false positive');
    assert.equal(closed.code, 0, closed.stderr);
    assert.equal(closed.stdout.trim(), `report ${id} closed`);
    const twice = await cli('cra', 'close', id, '--reason', 'again');
    assert.equal(twice.code, 1);
    assert.match(twice.stderr, /already closed/);
  });
});
