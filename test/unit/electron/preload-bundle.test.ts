// The preload must run in a sandboxed renderer: one CommonJS file that requires only 'electron'.
// Build it the way `build:electron` does and run it with a require() that knows nothing else.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { build } from 'vite';
import { afterAll, describe, expect, it } from 'vitest';
import { API_METHODS } from '../../../main/core/api.js';

const config = fileURLToPath(new URL('../../../main/electron/vite.preload.config.ts', import.meta.url));
const out = mkdtempSync(path.join(os.tmpdir(), 'kanjian-preload-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('preload bundle', () => {
  it('is a single CommonJS file that only requires electron and exposes window.kanjian', async () => {
    process.env.KANJIAN_PRELOAD_OUT = out;
    try {
      await build({ configFile: config, logLevel: 'silent' });
    } finally {
      delete process.env.KANJIAN_PRELOAD_OUT;
    }
    const code = readFileSync(path.join(out, 'preload.cjs'), 'utf8');
    expect(code).not.toMatch(/^\s*(import|export)\s/m);
    const required = [...code.matchAll(/require\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]);
    expect(new Set(required)).toEqual(new Set(['electron']));

    const exposed: Record<string, unknown> = {};
    const invoked: [string, unknown[]][] = [];
    const fakeElectron = {
      contextBridge: { exposeInMainWorld: (name: string, api: unknown) => (exposed[name] = api) },
      ipcRenderer: {
        invoke: async (ch: string, ...args: unknown[]) => void invoked.push([ch, args]),
        on: () => undefined,
        removeListener: () => undefined,
      },
      webUtils: { getPathForFile: () => '/x' },
    };
    const sandbox = {
      require: (id: string) => {
        if (id !== 'electron') throw new Error(`sandboxed preload cannot require ${id}`);
        return fakeElectron;
      },
      module: { exports: {} },
      exports: {},
    };
    vm.runInNewContext(code, sandbox, { filename: 'preload.cjs' });
    const k = exposed.kanjian as Record<string, unknown> & { desktop: Record<string, unknown> };
    expect(k).toBeTruthy();
    expect(k.shell).toBe('electron');
    for (const m of API_METHODS) expect(typeof k[m], m).toBe('function');
    for (const d of ['pickFolder', 'showInFolder', 'openWithDefault', 'pathForFile']) expect(typeof k.desktop[d], d).toBe('function');
    // Trashing is the API method trashPhotos only (native confirm in the main process).
    expect(Object.keys(k.desktop).sort()).toEqual(['openWithDefault', 'pathForFile', 'pickFolder', 'showInFolder']);
    await (k.search as (a: unknown) => Promise<unknown>)({ query: 'red' });
    expect(invoked).toEqual([['kanjian:search', [{ query: 'red' }]]]);
  });
});
