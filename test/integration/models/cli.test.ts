import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { modelsCommand, type ModelsCommandContext } from '../../../main/cli/commands/models.js';
import { installedModelDir } from '../../../main/core/models/install.js';
import { loadRegistry, type Registry } from '../../../main/core/models/registry.js';
import { readSettings } from '../../../main/core/models/settings.js';
import { FakeHub, FIXTURE_REPO, FIXTURE_REVISION, publishToyColors, toyColorsEntry } from './fake-hub.js';

let hub: FakeHub;
let dataDir: string;

beforeEach(async () => {
  hub = await new FakeHub().start();
  publishToyColors(hub);
  dataDir = await mkdtemp(join(tmpdir(), 'kanjian-cli-'));
});
afterEach(async () => {
  await hub.stop();
  await rm(dataDir, { recursive: true, force: true });
});

async function run(args: string[], extra: Partial<ModelsCommandContext> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await modelsCommand(args, {
    dataDir,
    json: false,
    out: (s) => out.push(s),
    err: (s) => err.push(s),
    endpoint: hub.url,
    progressIntervalMs: 0,
    ...extra,
  });
  return { code, out, err };
}

/** The bundled entries plus the toy package twice: once as a fixture, once downloadable. */
function testRegistry(): Registry {
  const bundled = loadRegistry();
  return loadRegistry({
    entries: [...bundled.models, toyColorsEntry(), toyColorsEntry({ id: 'toy-download', name: 'Toy (downloadable copy)', fixture: false })],
    defaultModel: bundled.defaultModel,
  });
}

describe('models list', () => {
  it('prints every registry entry as JSON, never a fixture', async () => {
    const registry = testRegistry();
    const { code, out } = await run(['list', '--json'], { registry });
    expect(code).toBe(0);
    expect(out).toHaveLength(1);
    const { models } = JSON.parse(out[0]);
    const ids = models.map((m: { id: string }) => m.id);
    for (const e of loadRegistry().models) expect(ids).toContain(e.id);
    expect(ids).toContain('toy-download');
    expect(ids).not.toContain('toy-colors');
    for (const m of models) {
      expect(typeof m.id).toBe('string');
      expect(typeof m.name).toBe('string');
      expect(Array.isArray(m.languages) && m.languages.every((l: unknown) => typeof l === 'string')).toBe(true);
      expect(Number.isInteger(m.sizeBytes) && m.sizeBytes > 0).toBe(true);
      expect(typeof m.installed).toBe('boolean');
      expect(typeof m.default).toBe('boolean');
    }
    expect(models.filter((m: { default: boolean }) => m.default).map((m: { id: string }) => m.id)).toEqual(['xlm-roberta-base-vit-b-32']);
  });

  it('honours the global --json flag and has a human table', async () => {
    const json = await run(['list'], { json: true });
    expect(JSON.parse(json.out[0]).models.length).toBe(loadRegistry().models.length);
    const table = await run(['list']);
    expect(table.out.length).toBe(loadRegistry().models.length);
    expect(table.out.join('\n')).toMatch(/xlm-roberta-base-vit-b-32 .*\[not installed, default\]/);
    expect(table.out.join('\n')).toMatch(/ernie-vil-2\.0-base-zh .*\[export only\]/);
  });
});

describe('models download', () => {
  it('installs with progress on stderr and selects the first model', async () => {
    const { code, out, err } = await run(['download', 'toy-download'], { registry: testRegistry() });
    expect(code).toBe(0);
    expect(out.join('\n')).toMatch(/Installed toy-download in .* and made it the current model/);
    expect(err.some((l) => /^\[\d\/4\] visual\/weights\.bin .*MB \/ .*MB \(\d+%\) .*\/s/.test(l))).toBe(true);
    expect(existsSync(join(installedModelDir('toy-download', dataDir), 'manifest.json'))).toBe(true);
    expect((await readSettings(dataDir)).model).toBe('toy-download');
  });

  it('refuses a fixture id and installs nothing', async () => {
    const { code, err } = await run(['download', 'toy-colors'], { registry: testRegistry() });
    expect(code).toBe(1);
    expect(err[0]).toBe('Error: toy-colors is a test fixture and cannot be installed');
    expect(existsSync(installedModelDir('toy-colors', dataDir))).toBe(false);
    expect(hub.log).toHaveLength(0);
  });

  it('exits non-zero with the HTTP status and installs nothing', async () => {
    hub.files.delete(FakeHub.key(FIXTURE_REPO, FIXTURE_REVISION, 'visual/model.onnx'));
    const { code, err } = await run(['download', 'toy-download'], { registry: testRegistry() });
    expect(code).toBe(1);
    expect(err).toContain('Error: HTTP 404 Not Found for visual/model.onnx');
    expect(err.at(-1)).toMatch(/Nothing was installed/);
    expect(existsSync(installedModelDir('toy-download', dataDir))).toBe(false);
    expect((await readSettings(dataDir)).model).toBeUndefined();
  });

  it('explains export-only and unknown models', async () => {
    const ernie = await run(['download', 'ernie-vil-2.0-base-zh']);
    expect(ernie.code).toBe(1);
    expect(ernie.err[0]).toMatch(/export_ernie_vil2\.py/);
    const unknown = await run(['download', 'nope']);
    expect(unknown.code).toBe(1);
    expect(unknown.err[0]).toMatch(/Unknown model "nope"; known models: xlm-roberta-base-vit-b-32, /);
  });
});

describe('models use / remove / usage', () => {
  it('uses only installed models and removes them', async () => {
    const registry = testRegistry();
    const notYet = await run(['use', 'toy-download'], { registry });
    expect(notYet.code).toBe(1);
    expect(notYet.err[0]).toMatch(/not installed/);
    await run(['download', 'toy-download'], { registry });
    await run(['use', 'toy-download'], { registry });
    expect((await readSettings(dataDir)).model).toBe('toy-download');
    const rm1 = await run(['remove', 'toy-download', '--json'], { registry });
    expect(rm1.code).toBe(0);
    expect(JSON.parse(rm1.out[0])).toEqual({ removed: true, id: 'toy-download' });
    expect((await readSettings(dataDir)).model).toBeUndefined();
    const list = await run(['list', '--json'], { registry });
    expect(JSON.parse(list.out[0]).models.find((m: { id: string }) => m.id === 'toy-download').installed).toBe(false);
  });

  it('answers bad usage with exit code 2', async () => {
    expect((await run([])).code).toBe(2);
    expect((await run(['download'])).code).toBe(2);
    expect((await run(['fly'])).code).toBe(2);
    expect((await run(['list', '--verbose'])).code).toBe(2);
  });
});
