// The shipped control catalogue (controls/catalogue.yaml) loads, has the controls other code names
// by id, and a broken copy of it is refused with a message naming what is wrong.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, describe, test } from 'node:test';
import { parse, stringify } from 'yaml';
import { controlIds, loadCatalogue } from '../../src/state/catalogue.js';

const SHIPPED = new URL('../../controls/catalogue.yaml', import.meta.url);

describe('the shipped control catalogue', () => {
  const catalogue = loadCatalogue();

  test('has a version string and is read once', () => {
    assert.equal(typeof catalogue.version, 'string');
    assert.equal(catalogue.version, '2026.12');
    assert.equal(loadCatalogue(), catalogue);
  });

  // NIST CSF: GV.RR-02, GV.SC-04…10 (7), ID.AM-02, PR.AA-01…05 (5), PR.PS-04, DE.CM-03, DE.CM-06, RS.MI-01.
  test('counts per framework', () => {
    const counts: Record<string, number> = {};
    for (const c of catalogue.controls) counts[c.framework] = (counts[c.framework] ?? 0) + 1;
    assert.deepEqual(counts, { 'owasp-nhi-2025': 10, 'nist-csf-2.0': 18, mica: 6, dora: 7, cra: 8 });
  });

  test('ids are unique, well-formed, and include those other code references', () => {
    const ids = catalogue.controls.map((c) => c.id);
    assert.equal(new Set(ids).size, ids.length);
    for (const id of ids) assert.match(id, /^[a-z-]+:[A-Za-z0-9.:-]+$/);
    const set = controlIds();
    assert.equal(set.size, ids.length);
    for (let n = 1; n <= 10; n++) assert.ok(set.has(`owasp-nhi:NHI${n}`), `owasp-nhi:NHI${n}`);
    for (let n = 4; n <= 10; n++) assert.ok(set.has(`nist-csf:GV.SC-${String(n).padStart(2, '0')}`), `GV.SC-${n}`);
    for (let n = 1; n <= 5; n++) assert.ok(set.has(`nist-csf:PR.AA-0${n}`), `PR.AA-0${n}`);
    for (const id of [
      'nist-csf:GV.RR-02',
      'nist-csf:ID.AM-02',
      'nist-csf:PR.PS-04',
      'nist-csf:DE.CM-03',
      'nist-csf:DE.CM-06',
      'nist-csf:RS.MI-01',
      'mica:art-59-conditions',
      'mica:art-65-passport',
      'mica:art-64-withdrawal',
      'mica:art-74-wind-down',
      'mica:art-70-75-custody',
      'mica:art-94-suspension',
      'dora:art-9-4-c',
      'dora:art-9-4-d',
      'dora:art-9-4-e',
      'dora:rts-2024-1774:art-12',
      'dora:rts-2024-1774:art-20',
      'dora:rts-2024-1774:art-21',
      'dora:art-28',
      'cra:annex-i:2-d',
      'cra:annex-i:2-f',
      'cra:annex-i:2-l',
      'cra:annex-i:2-m',
      'cra:art-13-1',
      'cra:annex-i:ii-7',
      'cra:annex-i:ii-8',
      'cra:art-14',
    ])
      assert.ok(set.has(id), id);
  });

  test('every control has a ref, a title and a non-empty description', () => {
    for (const c of catalogue.controls) {
      assert.ok(c.ref.trim().length > 0, `${c.id} ref`);
      assert.ok(c.title.trim().length > 0, `${c.id} title`);
      assert.ok(c.description.trim().length > 0, `${c.id} description`);
    }
  });
});

describe('a broken catalogue is refused', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mandate-catalogue-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  let n = 0;

  /** Writes a changed copy of the shipped catalogue and answers its URL. */
  function brokenCopy(change: (doc: { version: unknown; controls: Record<string, unknown>[] }) => void): URL {
    const doc = parse(readFileSync(SHIPPED, 'utf8')) as { version: unknown; controls: Record<string, unknown>[] };
    change(doc);
    const file = join(dir, `catalogue-${++n}.yaml`);
    writeFileSync(file, stringify(doc));
    return pathToFileURL(file);
  }

  test('an unchanged copy loads', () => {
    assert.equal(loadCatalogue(brokenCopy(() => {})).controls.length, loadCatalogue().controls.length);
  });

  test('a duplicate id', () => {
    const url = brokenCopy((doc) => {
      doc.controls[3]!.id = doc.controls[1]!.id;
    });
    assert.throws(() => loadCatalogue(url), /\/controls\/3\/id duplicates id "owasp-nhi:NHI2" \(first at \/controls\/1\/id\)/);
  });

  test('a missing title', () => {
    const url = brokenCopy((doc) => {
      delete doc.controls[5]!.title;
    });
    assert.throws(() => loadCatalogue(url), /is invalid: \/controls\/5\/title is required/);
  });

  test('an empty description', () => {
    const url = brokenCopy((doc) => {
      doc.controls[0]!.description = '  ';
    });
    assert.throws(() => loadCatalogue(url), /\/controls\/0\/description/);
  });

  test('an ill-formed id, an id under the wrong framework, an unknown framework, a numeric version', () => {
    assert.throws(
      () =>
        loadCatalogue(
          brokenCopy((doc) => {
            doc.controls[0]!.id = 'OWASP NHI1';
          }),
        ),
      /\/controls\/0\/id "OWASP NHI1" does not match/,
    );
    assert.throws(
      () =>
        loadCatalogue(
          brokenCopy((doc) => {
            doc.controls[0]!.framework = 'dora';
          }),
        ),
      /\/controls\/0\/id "owasp-nhi:NHI1" does not belong to framework dora/,
    );
    assert.throws(
      () =>
        loadCatalogue(
          brokenCopy((doc) => {
            doc.controls[0]!.framework = 'iso-27001';
          }),
        ),
      /\/controls\/0\/framework must be one of/,
    );
    assert.throws(
      () =>
        loadCatalogue(
          brokenCopy((doc) => {
            doc.version = 2026.11;
          }),
        ),
      /\/version must be string/,
    );
  });

  test('an unknown field', () => {
    assert.throws(
      () =>
        loadCatalogue(
          brokenCopy((doc) => {
            doc.controls[2]!.severity = 'high';
          }),
        ),
      /\/controls\/2\/severity unknown field/,
    );
  });
});
