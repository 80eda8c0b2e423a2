// Validates OSCAL assessment-results JSON files against NIST's schema (OSCAL 1.1.3, kept in
// schemas/oscal), with the settings NIST's schema needs: ajv with formats, unicode patterns.
//   npm run -s oscal:validate -- FILE...
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';

const schema = JSON.parse(readFileSync(new URL('../schemas/oscal/oscal_assessment-results_schema-1.1.3.json', import.meta.url), 'utf8'));
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
const validate = ajv.compile(schema);
const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: npm run -s oscal:validate -- FILE...');
  process.exit(2);
}
let failed = 0;
for (const file of files) {
  let doc;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    console.error(`${file}: cannot read JSON: ${err.message}`);
    failed++;
    continue;
  }
  if (validate(doc)) console.log(`${file}: valid OSCAL 1.1.3 assessment results`);
  else {
    failed++;
    console.error(`${file}: INVALID`);
    for (const e of validate.errors.slice(0, 20)) console.error(`  ${e.instancePath || '/'} ${e.message}`);
  }
}
process.exit(failed ? 1 : 0);
