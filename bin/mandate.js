#!/usr/bin/env node
// The package's bin: runs the compiled CLI (npm run build writes dist/).
import('../dist/cli/main.js').then((m) => m.main(process.argv)).catch((err) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
