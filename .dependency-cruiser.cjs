// The layering rule as code (npm run lint). Dependencies point one way:
//   renderer → main/core/api.ts ← main/core ← shells (main/cli, main/server, main/electron)
// with main/shell-common shared by the shells and knowing none of them. See docs/architecture.md.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'core-knows-no-shell',
      comment: 'main/core is the library: it runs in plain Node and knows nothing of the shells or Electron.',
      severity: 'error',
      from: { path: '^main/core/' },
      to: { path: ['^main/(cli|server|electron|shell-common)/', '(^|/)node_modules/electron/'] },
    },
    {
      name: 'renderer-only-api-types',
      comment: 'The renderer is browser code: of main/ it may import only the API contract, main/core/api.ts.',
      severity: 'error',
      from: { path: '^renderer/' },
      to: { path: '^main/', pathNot: '^main/core/api\\.ts$' },
    },
    {
      name: 'renderer-no-node-or-electron',
      comment: 'The renderer runs in a browser page: no Node built-ins, no Electron.',
      severity: 'error',
      from: { path: '^renderer/src/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'cli-not-into-other-shells',
      comment: "A shell does not import another; the CLI's serve command starting the HTTP shell is the one exception.",
      severity: 'error',
      from: { path: '^main/cli/', pathNot: '^main/cli/commands/serve\\.ts$' },
      to: { path: '^main/(server|electron)/' },
    },
    {
      name: 'cli-serve-only-http-shell',
      severity: 'error',
      from: { path: '^main/cli/commands/serve\\.ts$' },
      to: { path: '^main/electron/' },
    },
    {
      name: 'server-not-into-other-shells',
      severity: 'error',
      from: { path: '^main/server/' },
      to: { path: '^main/(cli|electron)/' },
    },
    {
      name: 'electron-not-into-other-shells',
      severity: 'error',
      from: { path: '^main/electron/' },
      to: { path: '^main/(cli|server)/' },
    },
    {
      name: 'shell-common-knows-no-shell',
      comment: 'main/shell-common is what the shells share; it imports none of them (nor Electron).',
      severity: 'error',
      from: { path: '^main/shell-common/' },
      to: { path: ['^main/(cli|server|electron)/', '(^|/)node_modules/electron/'] },
    },
    {
      name: 'electron-only-in-electron-shell',
      comment: 'Only main/electron/ imports electron.',
      severity: 'error',
      from: { pathNot: '^main/electron/' },
      to: { path: '(^|/)node_modules/electron/' },
    },
    {
      name: 'tags-not-through-duplicates',
      comment: 'Tagging and duplicate finding are siblings: what both need (model, stored vectors) lives below them.',
      severity: 'error',
      from: { path: '^main/core/tags/' },
      to: { path: '^main/core/duplicates/' },
    },
    {
      name: 'no-circular',
      comment: 'No import circles: a circle means two modules are one module, or a type lives in the wrong place.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)dist/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.svelte', '.json', '.d.ts'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
