// The `mandate` CLI as a child process for benchmarks (TypeScript through tsx).
import { main } from '../../src/cli/main.js';

await main(process.argv);
