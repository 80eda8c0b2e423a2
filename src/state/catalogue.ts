// The control catalogue (controls/catalogue.yaml): the controls of OWASP NHI Top 10, NIST CSF 2.0,
// MiCA, DORA and the CRA that Mandate's checks map to, as versioned data. Read once, checked
// against a schema, then shared: findings, reports and OSCAL exports name controls by these ids.
import { readFileSync } from 'node:fs';
import { Type, type Static } from '@sinclair/typebox';
import { parse } from 'yaml';
import type { Control } from '../core/evidence.js';
import { Enum } from '../core/model.js';
import { ajvIssues, compileBody } from '../core/schema.js';

const DEFAULT_CATALOGUE_FILE = new URL('../../controls/catalogue.yaml', import.meta.url);

/** Control ids: `<scheme>:<identifier>`, e.g. `owasp-nhi:NHI7`, `dora:rts-2024-1774:art-21`. */
export const CONTROL_ID = /^[a-z-]+:[A-Za-z0-9.:-]+$/;

/** The id scheme (the part before the first colon) each framework's controls use. */
const SCHEMES = {
  'owasp-nhi': 'owasp-nhi-2025',
  'nist-csf': 'nist-csf-2.0',
  mica: 'mica',
  dora: 'dora',
  cra: 'cra',
} as const satisfies Record<string, Control['framework']>;

const FRAMEWORKS = Object.values(SCHEMES) as Control['framework'][];

const Line = (maxLength: number) => Type.String({ minLength: 1, maxLength, pattern: '\\S' });

const ControlSchema = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 128 }),
    framework: Enum(FRAMEWORKS),
    ref: Line(100),
    title: Line(200),
    description: Line(2000),
  },
  { additionalProperties: false },
);

const CatalogueSchema = Type.Object(
  {
    version: Line(40),
    controls: Type.Array(ControlSchema, { minItems: 1, maxItems: 1000 }),
  },
  { additionalProperties: false },
);

export type Catalogue = Static<typeof CatalogueSchema> & { controls: Control[] };

const loaded = new Map<string, Catalogue>();

/**
 * The catalogue at `path` (by default the shipped controls/catalogue.yaml), read and checked once
 * per file. Throws an Error naming the file and the field at fault when the document is invalid.
 */
export function loadCatalogue(path: URL = DEFAULT_CATALOGUE_FILE): Catalogue {
  const cached = loaded.get(path.href);
  if (cached) return cached;
  const where = path.protocol === 'file:' ? decodeURIComponent(path.pathname) : path.href;
  let doc: unknown;
  try {
    doc = parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`the control catalogue ${where} cannot be read: ${(err as Error).message}`, { cause: err });
  }
  const catalogue = checkCatalogue(doc, where);
  loaded.set(path.href, catalogue);
  return catalogue;
}

/** The ids of every control in the shipped catalogue. */
export function controlIds(): Set<string> {
  return new Set(loadCatalogue().controls.map((c) => c.id));
}

function checkCatalogue(doc: unknown, where: string): Catalogue {
  const validate = compileBody(CatalogueSchema);
  if (!validate(doc)) {
    const issues = ajvIssues(validate.errors);
    throw new Error(`the control catalogue ${where} is invalid: ${issues.map((i) => `${i.field || '/'} ${i.reason}`).join('; ')}`);
  }
  const catalogue = doc as Catalogue;
  const seen = new Map<string, number>();
  catalogue.controls.forEach((control, i) => {
    const field = `/controls/${i}/id`;
    if (!CONTROL_ID.test(control.id)) {
      throw new Error(`the control catalogue ${where} is invalid: ${field} "${control.id}" does not match ${CONTROL_ID.source}`);
    }
    const first = seen.get(control.id);
    if (first !== undefined) {
      throw new Error(`the control catalogue ${where} is invalid: ${field} duplicates id "${control.id}" (first at /controls/${first}/id)`);
    }
    seen.set(control.id, i);
    const scheme = control.id.slice(0, control.id.indexOf(':'));
    const expected = (SCHEMES as Record<string, Control['framework'] | undefined>)[scheme];
    if (expected !== control.framework) {
      throw new Error(
        `the control catalogue ${where} is invalid: ${field} "${control.id}" does not belong to framework ${control.framework}` +
          (expected ? ` (the ${scheme}: scheme is ${expected})` : ` (unknown scheme ${scheme}:)`),
      );
    }
  });
  return deepFreeze(catalogue);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
