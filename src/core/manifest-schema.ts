// The published JSON Schema of the firm manifest (docs/manifest.schema.json), derived from the
// schema the server validates with, so the two cannot drift.
import { Manifest } from './manifest.js';

export function manifestJsonSchema(): Record<string, unknown> {
  // A JSON round trip drops TypeBox's internal symbols and keeps plain JSON Schema.
  const schema = JSON.parse(JSON.stringify(Manifest)) as Record<string, unknown>;
  return { $schema: 'https://json-schema.org/draft/2020-12/schema', ...schema };
}
