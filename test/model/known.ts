// Discrepancies the model found that the server still has. The random runs tolerate the ones
// listed here (the model follows what the server does, or does not generate the triggering command:
// see Model.tolerates), so they go on looking for new ones; each also has a regression test in
// regressions.test.ts marked todo. When one is fixed, its regression passes: remove it here and
// drop the todo.
export const KNOWN: readonly string[] = [];
