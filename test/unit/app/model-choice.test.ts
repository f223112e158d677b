import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chooseModel } from '../../../main/core/app/models.js';
import { installedModelDir } from '../../../main/core/models/install.js';
import { readSettings } from '../../../main/core/models/settings.js';

let dataDir: string;
const registry = { schemaVersion: 1 as const, defaultModel: 'a', models: [] };

function install(id: string): void {
  mkdirSync(installedModelDir(id, dataDir), { recursive: true });
  writeFileSync(join(installedModelDir(id, dataDir), 'manifest.json'), '{}');
}

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'kanjian-choice-'));
  for (const id of ['a', 'b', 'c']) install(id);
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('chooseModel (the one record of a model switch, for the app and the CLI)', () => {
  it('refuses a model that is not installed and changes nothing', async () => {
    await expect(chooseModel('nope', dataDir, { registry })).rejects.toThrow(/Model nope is not installed/);
    expect(await readSettings(dataDir)).toEqual({});
  });

  it('CLI: the model chosen so far keeps answering until the new one covers the library', async () => {
    await chooseModel('a', dataDir, { registry });
    expect(await readSettings(dataDir)).toEqual({ model: 'a' });
    await chooseModel('b', dataDir, { registry });
    expect(await readSettings(dataDir)).toEqual({ model: 'b', previousModel: 'a' });
    // Choosing the current model again keeps the unfinished switch.
    await chooseModel('b', dataDir, { registry });
    expect(await readSettings(dataDir)).toEqual({ model: 'b', previousModel: 'a' });
  });

  it('app: the model that searches now is recorded, not the one that was chosen last', async () => {
    await chooseModel('b', dataDir, { registry, searching: 'a' });
    await chooseModel('c', dataDir, { registry, searching: 'a' });
    expect(await readSettings(dataDir)).toEqual({ model: 'c', previousModel: 'a' });
    // Back to the model that still searches: no switch is pending any more.
    await chooseModel('a', dataDir, { registry, searching: 'a' });
    expect(await readSettings(dataDir)).toEqual({ model: 'a' });
  });
});
