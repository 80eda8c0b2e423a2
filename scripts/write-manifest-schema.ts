// Writes docs/manifest.schema.json from the manifest's TypeBox schema (the one the server uses).
import { writeFileSync } from 'node:fs';
import { manifestJsonSchema } from '../src/core/manifest-schema.js';

writeFileSync(new URL('../docs/manifest.schema.json', import.meta.url), `${JSON.stringify(manifestJsonSchema(), null, 2)}\n`);
