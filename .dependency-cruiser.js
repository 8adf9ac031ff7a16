// Import rules of DESIGN.md section 2, checked by `npm run depcruise` (dependency-cruiser 17).
//   foundation  config/, lifecycle/, util/, errors.ts: import nothing else of the project
//               (they may use each other, never in a cycle)
//   capability  state/ ... scheduler/: the foundation and themselves, never each other
//               (where two must cooperate, runtime/ passes one's result to the other)
//   runtime/    the foundation and the capability modules
//   api/        runtime/, the foundation, and capability contracts (<module>/types.ts)
//   cli/        api/ (the client), the foundation, and registry/reference.ts + registry/auth
//               (credentials files are handled by the CLI, as docker does); never runtime/
//   main.ts, bin/  the wiring: nothing imports them (bin/ may import main.ts)
// Type-only imports count: a contract is part of the architecture too.

const CAPABILITIES = [
  'state', 'registry', 'fs', 'security', 'engine', 'network', 'mesh', 'rpc',
  'metrics', 'trace', 'attestation', 'contract', 'dna', 'scheduler',
];
const CAP = `(${CAPABILITIES.join('|')})`;
const FOUNDATION = '^src/((config|lifecycle|util)/|errors\\.ts$)';

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'Cycles make modules impossible to understand, test or load on their own. A cycle that ' +
        'closes only through `import type` (runtime/context.ts naming the classes it holds) ' +
        'vanishes at compile time and is allowed.',
      from: { path: '^src/' },
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'foundation-imports-only-foundation',
      severity: 'error',
      comment: 'config/, lifecycle/, util/ and errors.ts import nothing else of the project.',
      from: { path: FOUNDATION },
      to: { path: '^src/', pathNot: FOUNDATION },
    },
    {
      name: 'capability-imports-only-foundation-and-itself',
      severity: 'error',
      comment:
        'A capability module imports only config/, lifecycle/, util/, errors.ts and its own files; ' +
        'never another capability module, runtime/, api/ or cli/. Let runtime/ compose them.',
      from: { path: `^src/${CAP}/` },
      to: { path: '^src/', pathNot: [FOUNDATION, '^src/$1/'] },
    },
    {
      name: 'runtime-not-to-api-cli',
      severity: 'error',
      comment: 'runtime/ composes capability modules; api/ and cli/ sit on top of it.',
      from: { path: '^src/runtime/' },
      to: { path: '^src/(api|cli|bin)/' },
    },
    {
      name: 'api-only-runtime-and-contracts',
      severity: 'error',
      comment:
        'api/ calls runtime/ and may use capability contracts (<module>/types.ts), not their ' +
        'implementations; it never imports cli/.',
      from: { path: '^src/api/' },
      to: {
        path: [`^src/${CAP}/`, '^src/(cli|bin)/'],
        pathNot: `^src/${CAP}/types\\.ts$`,
      },
    },
    {
      name: 'cli-only-api-client-and-foundation',
      severity: 'error',
      comment:
        'cli/ is a thin client of the API: it imports api/, the foundation, and only ' +
        'registry/reference.ts, registry/types.ts and registry/auth (credentials files) of the capability modules.',
      from: { path: '^src/cli/' },
      to: {
        path: [`^src/${CAP}/`, '^src/(runtime|bin)/'],
        pathNot: '^src/registry/(reference\\.ts$|types\\.ts$|auth(\\.ts$|/))',
      },
    },
    {
      name: 'network-host-access-in-adapters-only',
      severity: 'error',
      comment:
        'network/ (issue 7): only its Linux adapters (network/linux/) and the CNI plugin executor ' +
        'start processes; conflists, subnets and /etc/hosts rendering stay pure and unit-tested.',
      from: { path: '^src/network/', pathNot: '^src/network/(linux/|cni/plugin-exec\\.ts$|index\\.ts$)' },
      to: { path: '^child_process$|^node:child_process$', dependencyTypes: ['core'] },
    },
    {
      name: 'nothing-imports-main',
      severity: 'error',
      comment: 'src/main.ts wires concrete implementations together; only the entry points in bin/ load it.',
      from: { pathNot: '^src/bin/' },
      to: { path: '^src/main\\.ts$' },
    },
    {
      name: 'nothing-imports-bin',
      severity: 'error',
      comment: 'src/bin/ holds entry points; nothing imports them (but the launcher, which runs the CLI entry when there is no bundle).',
      from: { pathNot: '^src/bin/forgeone[.]ts$' },
      to: { path: '^src/bin/' },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'An import that does not resolve is a typo or a missing dependency.',
      from: { path: '^src/' },
      to: { couldNotResolve: true },
    },
    {
      name: 'not-to-dev-dep',
      severity: 'error',
      comment: 'Code in src/ runs in production: it must not need devDependencies (types excepted).',
      from: { path: '^src/' },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'], pathNot: '^node_modules/@types/' },
    },
    {
      name: 'no-non-package-json',
      severity: 'error',
      comment: 'Every npm module src/ uses must be declared in package.json.',
      from: { path: '^src/' },
      to: { dependencyTypes: ['npm-no-pkg', 'npm-unknown'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|node_modules)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.json', '.d.ts'],
    },
    reporterOptions: {
      text: { highlightFocused: true },
    },
  },
};
