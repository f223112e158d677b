// Imported first by the CLI entry, before any library loads: stdout belongs to the CLI's own
// output (`--json` is a contract scripts parse). Libraries that talk through console.log —
// libheif's wasm build prints "Could not parse HEIF file …" for a broken HEIC and binds
// console.log when it loads — are sent to stderr instead.
import { format } from 'node:util';

const toStderr = (...args: unknown[]) => {
  process.stderr.write(format(...args) + '\n');
};
console.log = toStderr;
console.info = toStderr;
console.debug = toStderr;
