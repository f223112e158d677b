// Lets ES modules in the core process run helper binaries that ship inside the app's asar.
//
// The core moves files to the OS trash with the `trash` package, which on macOS and Windows
// execFile()s a helper next to its own module (node_modules/trash/lib/macos-trash,
// windows-trash.exe). Packaged, that path points into app.asar, a file, so spawning it fails
// with ENOTDIR. electron-builder.yml unpacks the helpers to app.asar.unpacked, and Electron's
// asar support rewrites an asar path given to child_process.execFile to the unpacked copy, but:
//   1. Electron patches child_process lazily, the first time it is loaded through CommonJS
//      require(), and the ESM-only core never does that;
//   2. `import { execFile } from 'node:child_process'` (what `trash` does) is bound to the
//      ESM facade of the module, which does not see later changes to its CommonJS exports until
//      module.syncBuiltinESMExports() copies them over.
// Calling this once at start of the core process does both. Outside Electron it changes nothing.
import { createRequire, syncBuiltinESMExports } from 'node:module';

export function enableAsarExecFile(load: (id: string) => unknown = createRequire(import.meta.url)): void {
  // 'child_process' without the node: prefix: older Electron releases match only that name.
  load('child_process');
  syncBuiltinESMExports();
}
