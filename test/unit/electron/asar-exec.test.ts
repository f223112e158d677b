import { createRequire, syncBuiltinESMExports } from 'node:module';
import { afterEach, describe, expect, it } from 'vitest';
import { enableAsarExecFile } from '../../../main/electron/asar-exec.js';

const require = createRequire(import.meta.url);
const cjs = require('child_process') as typeof import('node:child_process');
const original = cjs.execFile;

describe('enableAsarExecFile', () => {
  afterEach(() => {
    cjs.execFile = original;
    syncBuiltinESMExports();
  });

  it('loads child_process through require() and lets ESM imports see what that load patched', async () => {
    const esm = await import('node:child_process');
    const loaded: string[] = [];
    const patched = (() => undefined) as unknown as typeof original;
    // Stands in for Electron's Module._load hook, which patches child_process on its first require().
    enableAsarExecFile((id) => {
      loaded.push(id);
      cjs.execFile = patched;
      return cjs;
    });
    expect(loaded).toEqual(['child_process']);
    expect(esm.execFile).toBe(patched);
  });

  it('is harmless outside Electron', async () => {
    enableAsarExecFile();
    const esm = await import('node:child_process');
    expect(esm.execFile).toBe(original);
  });
});
