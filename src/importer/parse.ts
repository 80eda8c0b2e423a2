// Reads a manifest document from text: JSON or YAML, the same structure either way.
import { parseDocument } from 'yaml';
import { MandateError } from '../core/errors.js';

export type ManifestFormat = 'json' | 'yaml';

export function formatFor(contentTypeOrPath: string): ManifestFormat {
  return /ya?ml/i.test(contentTypeOrPath) ? 'yaml' : 'json';
}

export function parseManifestText(text: string, format: ManifestFormat): unknown {
  if (format === 'json') {
    try {
      return JSON.parse(text) as unknown;
    } catch (err) {
      throw new MandateError('MALFORMED_BODY', `manifest is not valid JSON: ${(err as Error).message}`, { field: '/' });
    }
  }
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true, version: '1.2' });
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    throw new MandateError('MALFORMED_BODY', `manifest is not valid YAML: ${e.message.split('\n')[0]}`, { field: '/' });
  }
  try {
    // Anchors and aliases are fine for people; a bounded alias count stops expansion bombs.
    return doc.toJS({ maxAliasCount: 100 }) as unknown;
  } catch (err) {
    throw new MandateError('MALFORMED_BODY', `manifest is not valid YAML: ${(err as Error).message}`, { field: '/' });
  }
}
