// Starting one of core's worker threads (OCR, duplicate grouping) from its module beside the
// caller. Built code (dist/, the packaged app) has `<name>.js` beside the caller. Run from
// TypeScript sources (tsx for the CLI, vitest), the worker registers tsx itself first: a worker
// does not inherit the loader the main thread was started with.
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** `callerUrl`: the caller's import.meta.url; `name`: the worker module's name without extension. */
export function spawnWorker(callerUrl: string, name: string, workerData: unknown): Worker {
  if (!callerUrl.endsWith('.ts')) return new Worker(new URL(`./${name}.js`, callerUrl), { workerData });
  const tsxApi = pathToFileURL(tsxEsmApi(callerUrl)).href;
  const entry = new URL(`./${name}.ts`, callerUrl).href;
  const boot =
    `import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); ` +
    `return import(${JSON.stringify(entry)}); });`;
  return new Worker(boot, { eval: true, workerData });
}

/** tsx's ESM register API (its CommonJS build cannot register from inside a worker). */
function tsxEsmApi(from: string): string {
  const require = createRequire(from);
  const pkgFile = require.resolve('tsx/package.json');
  const pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as { exports: Record<string, { import: { default: string } }> };
  return path.join(path.dirname(pkgFile), pkg.exports['./esm/api'].import.default);
}
