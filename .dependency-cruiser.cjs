// The house rules of src/, checked in CI (`npm run lint:deps`). docs/architecture.md explains them.
//
// Layers, lowest first; each may import only the layers below it and itself:
//   core      the domain, pure (no I/O, no clock; test/architecture/boundaries.test.ts checks that too)
//   store     the database contract, its adapters and migrations
//   ledger    the ledger writer and its mathematics (Merkle tree, checkpoints, verification)
//   http      the HTTP error contract and helpers every route uses
//   state     tables several capabilities share (records, grants, token generations, transitions,
//             lifecycle rules, stored power, the outbox, approvals) and the one engine over each
//   delivery  what leaves the process after commit: outbox deliverer, connectors, CAEP, notifications
//   features  one folder per capability (inventory, regulatory, tokens, …): they import the layers
//             above, never another feature at run time. A feature that needs another's service
//             takes it as a narrowed dependency (a `Pick<>` of a type), wired in src/app.ts.
//   wiring    src/app.ts, src/server, src/cli: may import anything.
// Type-only imports are erased at build time, so they are allowed between features (that is how a
// narrowed dependency names its type); every other import must follow the layers, and no module
// may reach itself again through run-time imports.
const FEATURES = [
  'approvals', 'audit', 'compliance', 'cra', 'console', 'decisions', 'demo', 'discovery', 'enforcement', 'evidence', 'grants',
  'importer', 'inventory', 'keys', 'policy', 'regulatory', 'reviews', 'siem', 'signin', 'ssf', 'tokens', 'users',
];
const F = `(${FEATURES.join('|')})`;
const WIRING = '^src/(app\\.ts|config\\.ts|server/|cli/)';
// Where signing keys live (src/keys/signer.ts, pkcs11.ts): below the ledger, importing only core,
// so the ledger, the delivery layer and the capabilities all sign through it.
const KEY_STORE = '^src/keys/(signer|pkcs11)\\.ts$';
const layer = (name, from, mayImport, alsoMay = []) => ({
  name,
  severity: 'error',
  comment: `${from} may import only ${mayImport.join(', ')}`,
  from: { path: `^src/${from}/` },
  to: { path: '^src/', pathNot: [`^src/${from}/`, ...mayImport.map((l) => `^src/${l}/`), ...alsoMay], dependencyTypesNot: ['type-only'] },
});

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'no module reaches itself again through run-time imports',
      from: { path: '^src/' },
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    layer('core-is-pure', 'core', []),
    layer('store-layer', 'store', ['core']),
    {
      name: 'key-store-layer',
      severity: 'error',
      comment: 'the key store (src/keys/signer.ts, pkcs11.ts) may import only core',
      from: { path: KEY_STORE },
      to: { path: '^src/', pathNot: ['^src/core/', KEY_STORE], dependencyTypesNot: ['type-only'] },
    },
    layer('ledger-layer', 'ledger', ['core', 'store'], [KEY_STORE]),
    layer('http-layer', 'http', ['core']),
    layer('state-layer', 'state', ['core', 'store', 'ledger'], [KEY_STORE]),
    layer('delivery-layer', 'delivery', ['core', 'store', 'ledger', 'http', 'state'], [KEY_STORE]),
    {
      name: 'features-do-not-import-features',
      severity: 'error',
      comment: 'a feature imports the layers below it, never another feature (type-only imports of a narrowed dependency excepted)',
      from: { path: `^src/${F}/` },
      to: { path: `^src/${F}/`, pathNot: ['^src/$1/', KEY_STORE], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'nothing-imports-wiring',
      severity: 'error',
      comment: 'only the wiring imports the wiring',
      from: { path: '^src/', pathNot: WIRING },
      to: { path: WIRING, pathNot: '^src/config\\.ts$', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'features-import-only-lower-layers',
      severity: 'error',
      comment: 'a feature imports core, store, ledger, http, state and delivery',
      from: { path: `^src/${F}/` },
      to: { path: WIRING, pathNot: '^src/config\\.ts$', dependencyTypesNot: ['type-only'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    includeOnly: '^src/',
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['mandate-source', 'import', 'node', 'default'], extensions: ['.ts', '.js'] },
  },
};
