// settings.json writes are serialised: in one process and across processes no key is lost.
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readSettings, updateSettings } from '../../../main/core/models/settings.js';
import { REPO_ROOT } from '../../helpers/cli.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'kanjian-settings-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function writer(prefix: string, n: number): Promise<number | null> {
  const mod = path.join(REPO_ROOT, 'main/core/models/settings.ts');
  const code = `const { updateSettings } = await import(${JSON.stringify(mod)});
    for (let i = 0; i < ${n}; i++) await updateSettings(${JSON.stringify(dir)}, { ['${prefix}' + i]: i });`;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: REPO_ROOT, stdio: 'inherit' });
    child.on('close', resolve);
  });
}

describe('updateSettings', () => {
  it('concurrent updates in one process keep every key', async () => {
    await Promise.all(Array.from({ length: 30 }, (_, i) => updateSettings(dir, { [`k${i}`]: i })));
    const s = await readSettings(dir);
    expect(Object.keys(s)).toHaveLength(30);
    expect(readdirSync(dir).sort()).toEqual(['settings.json']); // no lock or temp file left
  });

  it('two processes writing at once keep every key', async () => {
    const codes = await Promise.all([writer('a', 25), writer('b', 25)]);
    expect(codes).toEqual([0, 0]);
    const s = await readSettings(dir);
    expect(Object.keys(s).filter((k) => k.startsWith('a'))).toHaveLength(25);
    expect(Object.keys(s).filter((k) => k.startsWith('b'))).toHaveLength(25);
    expect(readdirSync(dir).sort()).toEqual(['settings.json']);
  }, 60_000);
});
