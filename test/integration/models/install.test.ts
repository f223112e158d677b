import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chooseModel } from '../../../main/core/app/models.js';
import { loadModelPackage } from '../../../main/core/embed/manifest.js';
import { DownloadError } from '../../../main/core/models/download.js';
import {
  installedModelDir,
  installModel,
  listModels,
  ModelError,
  removeModel,
  type InstallProgress,
} from '../../../main/core/models/install.js';
import { buildManifest, loadRegistry, type Registry } from '../../../main/core/models/registry.js';
import { readSettings, writeSettings } from '../../../main/core/models/settings.js';
import { FakeHub, FIXTURE_REPO, FIXTURE_REVISION, publishToyColors, toyColorsEntry } from './fake-hub.js';

let hub: FakeHub;
let dataDir: string;
let registry: Registry;
let published: ReturnType<typeof publishToyColors>;

beforeEach(async () => {
  hub = await new FakeHub().start();
  published = publishToyColors(hub);
  dataDir = await mkdtemp(join(tmpdir(), 'kanjian-install-'));
  registry = loadRegistry({ entries: [toyColorsEntry()] });
});
afterEach(async () => {
  await hub.stop();
  await rm(dataDir, { recursive: true, force: true });
});

const base = () => ({ dataDir, registry, endpoint: hub.url, allowFixtures: true });

async function failure(p: Promise<unknown>): Promise<Error> {
  const e = await p.then(
    () => null,
    (err) => err,
  );
  expect(e).toBeInstanceOf(Error);
  return e as Error;
}

function listTree(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? listTree(join(dir, d.name), `${prefix}${d.name}/`) : [`${prefix}${d.name}`],
  );
}

describe('installModel', () => {
  it('downloads, verifies and installs a package the runtime can load', async () => {
    const progress: InstallProgress[] = [];
    const r = await installModel('toy-colors', { ...base(), onProgress: (p) => progress.push(p) });
    const dir = installedModelDir('toy-colors', dataDir);
    expect(r.dir).toBe(dir);
    expect(r.alreadyInstalled).toBe(false);
    expect(existsSync(`${dir}.partial`)).toBe(false);
    // The listed external-data file comes along; the ARM NN graph and the sub-folder do not.
    expect(listTree(dir).sort()).toEqual(
      ['SHA256SUMS', 'manifest.json', 'textual/model.onnx', 'textual/tokenizer.json', 'visual/model.onnx', 'visual/weights.bin'].sort(),
    );
    expect(readFileSync(join(dir, 'visual/weights.bin')).equals(published.weights)).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'))).toEqual(buildManifest(registry.models[0]));
    const pkg = await loadModelPackage(dir);
    expect(pkg.manifest.id).toBe('toy-colors');
    expect(pkg.manifest.source).toEqual({ registryId: 'toy-colors', repo: FIXTURE_REPO, revision: FIXTURE_REVISION });
    // weights.bin had no registry hash; the listing's LFS oid verified it.
    expect(r.files.find((f) => f.file === 'visual/weights.bin')?.verifiedBy).toBe('hub-sha256');
    expect(r.files.find((f) => f.file === 'textual/model.onnx')?.verifiedBy).toBe('registry-sha256');
    const last = progress.at(-1)!;
    expect(last.fileCount).toBe(4);
    expect(last.overallTotalBytes).toBe(last.overallBytes);

    const again = await installModel('toy-colors', base());
    expect(again.alreadyInstalled).toBe(true);
  });

  it('follows a paged folder listing', async () => {
    hub.treePageSize = 1;
    await installModel('toy-colors', base());
    expect(existsSync(join(installedModelDir('toy-colors', dataDir), 'visual/weights.bin'))).toBe(true);
    expect(hub.log.filter((l) => l.url.includes('/api/models/')).length).toBeGreaterThan(2);
  });

  it('installs nothing when a file is missing, and says which and why', async () => {
    hub.files.delete(FakeHub.key(FIXTURE_REPO, FIXTURE_REVISION, 'textual/model.onnx'));
    const e = await failure(installModel('toy-colors', base()));
    expect(e).toBeInstanceOf(DownloadError);
    expect(e.message).toBe('HTTP 404 Not Found for textual/model.onnx');
    expect(existsSync(installedModelDir('toy-colors', dataDir))).toBe(false);
    // visual/model.onnx was verified before the failure, so the partial download is kept.
    expect(existsSync(join(`${installedModelDir('toy-colors', dataDir)}.partial`, 'visual/model.onnx'))).toBe(true);
    expect((await listModels(dataDir, { registry, includeFixtures: true }))[0].installed).toBe(false);
  });

  it('installs nothing when a file is corrupt', async () => {
    hub.fault(FIXTURE_REPO, FIXTURE_REVISION, 'visual/weights.bin', { kind: 'corrupt' });
    const e = await failure(installModel('toy-colors', base()));
    expect(e.message).toMatch(/SHA-256 mismatch for visual\/weights\.bin/);
    expect(existsSync(installedModelDir('toy-colors', dataDir))).toBe(false);
    expect(existsSync(join(`${installedModelDir('toy-colors', dataDir)}.partial`, 'visual/weights.bin.part'))).toBe(false);
  });

  it('resumes an interrupted install without fetching finished files again', async () => {
    hub.fault(FIXTURE_REPO, FIXTURE_REVISION, 'visual/weights.bin', { kind: 'close-mid-body', afterBytes: 700_000 });
    const e = await failure(installModel('toy-colors', base()));
    expect(e).toBeInstanceOf(DownloadError);
    expect((e as DownloadError).resumable).toBe(true);
    const partial = `${installedModelDir('toy-colors', dataDir)}.partial`;
    expect(statSync(join(partial, 'visual/weights.bin.part')).size).toBeGreaterThan(0);
    expect(existsSync(installedModelDir('toy-colors', dataDir))).toBe(false);

    const fetchedBefore = hub.requestsFor('resolve/').length;
    const r = await installModel('toy-colors', base());
    expect(r.files.map((f) => f.file)).toEqual(['visual/weights.bin']);
    expect(r.files[0].resumedFrom).toBeGreaterThan(0);
    expect(hub.requestsFor('resolve/').length - fetchedBefore).toBe(1);
    expect(readFileSync(join(r.dir, 'visual/weights.bin')).equals(published.weights)).toBe(true);
  });

  it('stops on cancel and leaves only the partial folder', async () => {
    hub.fault(FIXTURE_REPO, FIXTURE_REVISION, 'visual/weights.bin', { kind: 'slow', chunk: 16_384, everyMs: 5 });
    const ac = new AbortController();
    const e = await failure(
      installModel('toy-colors', {
        ...base(),
        signal: ac.signal,
        onProgress: (p) => {
          if (p.file === 'visual/weights.bin' && p.bytes > 100_000) ac.abort();
        },
      }),
    );
    expect((e as DownloadError).code).toBe('aborted');
    expect(existsSync(installedModelDir('toy-colors', dataDir))).toBe(false);
  });

  it('times out on a hanging server', async () => {
    hub.fault(FIXTURE_REPO, FIXTURE_REVISION, 'textual/model.onnx', { kind: 'hang-headers' });
    const e = await failure(installModel('toy-colors', { ...base(), idleTimeoutMs: 300 }));
    expect((e as DownloadError).code).toBe('timeout');
    expect(existsSync(installedModelDir('toy-colors', dataDir))).toBe(false);
  });

  it('honours HF_ENDPOINT', async () => {
    const before = process.env.HF_ENDPOINT;
    process.env.HF_ENDPOINT = hub.url;
    try {
      const { endpoint: _unused, ...noEndpoint } = base();
      const r = await installModel('toy-colors', noEndpoint);
      expect(r.files[0].url.startsWith(hub.url)).toBe(true);
    } finally {
      if (before === undefined) delete process.env.HF_ENDPOINT;
      else process.env.HF_ENDPOINT = before;
    }
  });

  it('explains a mirror without the listing API', async () => {
    hub.serveTree = false;
    const e = await failure(installModel('toy-colors', base()));
    expect(e).toBeInstanceOf(ModelError);
    expect(e.message).toMatch(/Cannot list the files of toy-colors: HTTP 404 Not Found listing visual\//);
    expect(readdirSync(join(dataDir, 'models'))).toEqual([]);
  });

  it('refuses fixtures unless asked, unknown ids, and export-only models', async () => {
    await expect(installModel('toy-colors', { ...base(), allowFixtures: false })).rejects.toThrow(/test fixture/);
    await expect(installModel('nope', base())).rejects.toThrow(/Unknown model "nope"/);
    await expect(installModel('ernie-vil-2.0-base-zh', { dataDir })).rejects.toThrow(
      /no published download; build it with models\/export\/export_ernie_vil2\.py/,
    );
    expect(hub.log).toHaveLength(0);
  });
});

describe('listModels, chooseModel, removeModel', () => {
  it('tracks installed state and the current choice in settings.json', async () => {
    await writeSettings(dataDir, { theme: 'dark' });
    await expect(chooseModel('toy-colors', dataDir, { registry })).rejects.toThrow(/not installed; run: kanjian models download toy-colors/);
    await installModel('toy-colors', base());
    await chooseModel('toy-colors', dataDir, { registry });
    expect(await readSettings(dataDir)).toEqual({ theme: 'dark', model: 'toy-colors' });
    const [m] = await listModels(dataDir, { registry, includeFixtures: true });
    expect(m).toMatchObject({ id: 'toy-colors', installed: true, current: true, default: true });
    expect(await listModels(dataDir, { registry })).toEqual([]);

    expect(await removeModel('toy-colors', dataDir)).toBe(true);
    expect(existsSync(installedModelDir('toy-colors', dataDir))).toBe(false);
    expect(await readSettings(dataDir)).toEqual({ theme: 'dark' });
    expect(await removeModel('toy-colors', dataDir)).toBe(false);
  });

  it('lists every bundled model with its size', async () => {
    const list = await listModels(dataDir);
    expect(list.map((m) => m.id)).toEqual(loadRegistry().models.map((m) => m.id));
    expect(list.find((m) => m.default)?.id).toBe('xlm-roberta-base-vit-b-32');
    expect(list.every((m) => m.sizeBytes > 0 && !m.installed && !m.current)).toBe(true);
    expect(list.find((m) => m.id === 'ernie-vil-2.0-base-zh')?.downloadable).toBe(false);
  });

  it('rejects ids that would escape the models folder', () => {
    expect(() => installedModelDir('../x', dataDir)).toThrow(/Invalid model id/);
  });
});
