// Fails (exit 1, listing file:line) when a TypeScript or JavaScript line is longer than 140 characters.
// Biome's formatter wraps code to 140 but leaves long strings, template literals and comments alone; this catches those.
// A line that truly cannot be split carries a `// lines: long` marker with its reason, and is skipped.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const MAX = 140;
const ROOTS = ['src', 'test', 'bench', 'scripts', 'console/src', 'packages/sdk/src', 'packages/sdk/test', 'examples'];
const EXTENSIONS = /\.(ts|tsx|mts|cts|js|mjs|cjs|jsx)$/;
const SKIP_DIRS = new Set(['node_modules', 'dist', 'out']);
const MARKER = '// lines: long';

function walk(dir, out) {
  let names;
  try {
    names = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of names) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (!SKIP_DIRS.has(name)) walk(path, out);
    } else if (EXTENSIONS.test(name)) {
      out.push(path);
    }
  }
  return out;
}

const files = [...new Set(ROOTS.flatMap((root) => walk(root, [])))].sort();
const long = [];
for (const file of files) {
  const lines = readFileSync(file, 'utf8').split('\n');
  lines.forEach((line, i) => {
    const length = [...line.replace(/\r$/, '')].length;
    if (length > MAX && !line.includes(MARKER)) long.push(`${file}:${i + 1} (${length})`);
  });
}

if (long.length > 0) {
  console.error(`${long.length} line(s) longer than ${MAX} characters (split them, or mark one that cannot be split with "${MARKER}"):`);
  for (const entry of long) console.error(`  ${entry}`);
  process.exit(1);
}
console.log(`check-lines: ${files.length} files, no line longer than ${MAX} characters`);
