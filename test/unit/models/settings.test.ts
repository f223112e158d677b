import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readSettings, settingsPath, updateSettings, writeSettings } from '../../../main/core/models/settings.js';

let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'kanjian-settings-'));
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('settings.json', () => {
  it('reads as empty before anything is saved', async () => {
    expect(await readSettings(join(dataDir, 'not-yet'))).toEqual({});
  });

  it('writes atomically, leaving no temp files, and keeps keys it does not know', async () => {
    await writeSettings(dataDir, { model: 'a', window: { w: 800 } });
    await updateSettings(dataDir, { model: 'b' });
    expect(await readSettings(dataDir)).toEqual({ model: 'b', window: { w: 800 } });
    await updateSettings(dataDir, { model: undefined });
    expect(JSON.parse(readFileSync(settingsPath(dataDir), 'utf8'))).toEqual({ window: { w: 800 } });
    expect(readdirSync(dataDir)).toEqual(['settings.json']);
  });

  it('refuses a corrupt file instead of silently resetting it', async () => {
    writeFileSync(settingsPath(dataDir), '{"model": ');
    await expect(readSettings(dataDir)).rejects.toThrow(/settings\.json is not valid JSON/);
    writeFileSync(settingsPath(dataDir), '[1]');
    await expect(readSettings(dataDir)).rejects.toThrow(/must hold a JSON object/);
  });

  it('checks the keys the core reads and keeps the others as they are', async () => {
    writeFileSync(settingsPath(dataDir), JSON.stringify({ model: 42 }));
    await expect(readSettings(dataDir)).rejects.toThrow(/settings\.json: model must be a model id/);
    writeFileSync(settingsPath(dataDir), JSON.stringify({ model: 'a', theme: { dark: true } }));
    expect(await readSettings(dataDir)).toEqual({ model: 'a', theme: { dark: true } });
  });
});
