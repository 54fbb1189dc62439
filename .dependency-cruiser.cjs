// Import rules for Stampede, checked by `npm run lint:deps` (part of `npm test`).
//
// Layers, bottom to top. A module may import its own layer or a lower one, never a higher one,
// and no import may close a cycle. The picture and the reasons are in docs/architecture.md.
//
// Imports that break a rule today are listed in .dependency-cruiser-known-violations.json and
// tolerated (`--ignore-known`): a new cycle or upward import fails `npm test`. Regenerate the
// list only when a known violation is removed:
//   npx depcruise runner target-app dashboard reports scenarios --config .dependency-cruiser.cjs \
//     --output-type baseline --output-to .dependency-cruiser-known-violations.json
//
// Parser: TypeScript 7 has no compiler API for dependency-cruiser to use, so files are parsed
// with @swc/core. Type-only imports are seen as imports (which is what a layer rule wants).
// dependency-cruiser's swc parser does not read TSX or declaration files, so .tsx files
// (dashboard/ui, dashboard/report) and .d.ts files take part as import targets only; their
// own imports are not checked here (tsc still checks them).

/** The k6 script loader's files, under runner/k6/ (a path regular expression after that folder). */
const K6_SCRIPT_LOADER = 'script/((detect|load-script|transform|runtime)\\.ts$|shims/)';

/** Bottom first. A path is a regular expression on the path from the repository root. */
const LAYERS = [
  { name: 'leaf', paths: ['^runner/(errors|version)\\.ts$', '^runner/time/', '^runner/bundle/', '^runner/result/', '^runner/thresholds/'] },
  // the k6 script loader (detect, compile, transform, the runtime and its shims) is one of the
  // scenario loader's sources: it imports only leaf and scenario modules, and scenario/load.ts
  // dispatches to it. (Its files still live under runner/k6/script/; see docs/architecture.md.)
  { name: 'scenario', paths: ['^runner/scenario/', `^runner/k6/${K6_SCRIPT_LOADER}`] },
  { name: 'recorder', paths: ['^runner/recorder/'] },
  { name: 'engine', paths: ['^runner/engine/'] },
  { name: 'analysis', paths: ['^runner/analysis/'] },
  { name: 'plan', paths: ['^runner/plan/'] },
  { name: 'run', paths: ['^runner/(run|ci-outputs|orchestrate)/', `^runner/k6/(?!${K6_SCRIPT_LOADER})`] },
  { name: 'planning', paths: ['^runner/(capacity|compare)/'] },
  { name: 'sink-model', paths: ['^dashboard/(model|view|ui|report)/'] },
  { name: 'sink-report', paths: ['^reports/'] },
  { name: 'sink-live', paths: ['^dashboard/(live|server)/'] },
  { name: 'cli', paths: ['^runner/(cli|demo)/', '^scenarios/'] },
  { name: 'tooling', paths: ['^(runner|dashboard|target-app)/testing/', '^runner/bench/', '^runner/k6/script/test-server\\.ts$'] },
];

const any = (paths) => `(${paths.join('|')})`;

/** The top layer's files are exempt from the rules of the folders they sit in. */
const TOP = any(LAYERS[LAYERS.length - 1].paths);

/** One rule per layer: nothing in it imports any layer above it. */
const layerRules = LAYERS.slice(0, -1).map((layer, i) => ({
  name: `upward-from-${layer.name}`,
  comment: `${layer.name} imports a higher layer (${LAYERS.slice(i + 1).map((l) => l.name).join(', ')})`,
  severity: 'error',
  from: { path: any(layer.paths), pathNot: TOP },
  to: { path: any(LAYERS.slice(i + 1).flatMap((l) => l.paths)) },
}));

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'an import closes a cycle',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    ...layerRules,
    {
      name: 'shop-independent-of-runner',
      comment: 'the shop (target-app) uses only the shared contracts of the runner: errors and result schemas',
      severity: 'error',
      from: { path: '^target-app/', pathNot: '^target-app/testing/' },
      to: { path: '^runner/', pathNot: any(LAYERS[0].paths) },
    },
    {
      name: 'shop-started-only-from-the-top',
      comment: 'only the orchestration layers (run and above) start the shop',
      severity: 'error',
      from: { path: any(LAYERS.slice(0, LAYERS.findIndex((l) => l.name === 'run')).flatMap((l) => l.paths)) },
      to: { path: '^target-app/' },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'an import that resolves to nothing',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    parser: 'swc',
    tsPreCompilationDeps: true,
    // tests import whatever they test; the rules are about the code they test
    // and the k6 script corpus is test input (it imports remote jslib URLs on purpose)
    exclude: { path: ['(^|/)node_modules/', '^reports/out/', '^dashboard/dist/', '\\.test\\.ts$', '^runner/k6/script/corpus/'] },
    doNotFollow: { path: ['(^|/)node_modules/', '\\.tsx$', '\\.d\\.ts$'] },
    // resolve packages the way Node does for an ES module (their "exports" maps)
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'node', 'default'], mainFields: ['module', 'main'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
