// The one JSON Schema validator configuration, shared by manifest import and the HTTP API, so a
// record is judged the same way whichever door it comes through.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsImport from 'ajv-formats';
import type { TSchema } from '@sinclair/typebox';
import type { Issue } from './errors.js';

// ajv-formats ships CommonJS; under NodeNext its default export arrives wrapped.
const addFormats = addFormatsImport as unknown as (ajv: Ajv) => Ajv;

export interface AjvOptions {
  /** Query strings and path parameters arrive as text and may be coerced; bodies never are. */
  coerceTypes: boolean;
}

export function createAjv({ coerceTypes }: AjvOptions): Ajv {
  const ajv = new Ajv({
    allErrors: true,
    coerceTypes,
    // Never silently drop unknown fields: an unknown field is an error the caller must see.
    removeAdditional: false,
    useDefaults: false,
    strict: false,
  });
  addFormats(ajv);
  return ajv;
}

const bodyAjv = createAjv({ coerceTypes: false });
const cache = new WeakMap<TSchema, ValidateFunction>();

export function compileBody(schema: TSchema): ValidateFunction {
  let fn = cache.get(schema);
  if (!fn) {
    fn = bodyAjv.compile(schema);
    cache.set(schema, fn);
  }
  return fn;
}

/** Turns Ajv's errors into issues that name the field at fault as a JSON pointer. */
export function ajvIssues(errors: readonly ErrorObject[] | null | undefined, prefix = ''): Issue[] {
  const out: Issue[] = [];
  for (const e of errors ?? []) {
    const params = e.params as Record<string, unknown>;
    let field = prefix + e.instancePath;
    let reason = e.message ?? 'is invalid';
    if (e.keyword === 'additionalProperties') {
      field += `/${String(params.additionalProperty)}`;
      reason = 'unknown field';
    } else if (e.keyword === 'required') {
      field += `/${String(params.missingProperty)}`;
      reason = 'is required';
    } else if (e.keyword === 'enum') {
      reason = `must be one of: ${(params.allowedValues as unknown[]).join(', ')}`;
    } else if (e.keyword === 'pattern') {
      reason = 'has the wrong format';
    }
    // Record-shaped keys (e.g. label names) are reported by Ajv against the parent; keep that.
    if (!out.some((o) => o.field === field && o.reason === reason)) out.push({ field, reason });
  }
  return out;
}
