// The first hour through the HTTP shell on 127.0.0.1 with the real core: settings that persist,
// the folder browser, addFolder's specific refusals (400 with a code, never 500), installing a
// model package from a folder or a zip (verified), and unknown model ids refused at once.
import { cpSync, createWriteStream, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import yazl from 'yazl';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiErrorBody, AppSettings, FolderListing, KanjianEvent, ModelInfo } from '../../../main/core/api.js';
import { Kanjian } from '../../../main/core/kanjian.js';
import { startServer, type RunningServer } from '../../../main/server/server.js';
import { kanjianMediaSource } from '../../../main/shell-common/media.js';
import { TOY_MODEL } from '../../helpers/cli.js';
import { postApi } from '../../helpers/api-post.js';

let tmp: string;
let data: string;
let core: Kanjian;
let server: RunningServer;
const events: KanjianEvent[] = [];

beforeAll(async () => {
  tmp = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'kanjian-first-hour-http-')));
  data = path.join(tmp, 'data');
  mkdirSync(path.join(tmp, 'photos', 'b-trip'), { recursive: true });
  mkdirSync(path.join(tmp, 'photos', 'a-home'), { recursive: true });
  mkdirSync(path.join(tmp, 'photos', '.cache'), { recursive: true });
  writeFileSync(path.join(tmp, 'photos', 'note.txt'), 'not a folder');
  core = await Kanjian.open({ dataDir: data, watch: true, ocr: false });
  core.onEvent((e) => events.push(e));
  server = await startServer({ api: core, media: kanjianMediaSource(core), rendererDir: null });
});

afterAll(async () => {
  await server?.close();
  await core?.close();
  rmSync(tmp, { recursive: true, force: true });
});

async function call<T>(method: string, arg: unknown = {}): Promise<{ status: number; body: T }> {
  return postApi(server, method, JSON.stringify(arg));
}

describe('settings', () => {
  it('start from the defaults, are saved to settings.json and emit an event', async () => {
    expect((await call<AppSettings>('getSettings')).body).toEqual({ language: null, theme: 'system', hfEndpoint: null, downloadSource: 'huggingface' });
    const r = await call<AppSettings>('updateSettings', { language: 'zh', theme: 'dark', hfEndpoint: 'https://hf-mirror.com/' });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ language: 'zh', theme: 'dark', hfEndpoint: 'https://hf-mirror.com', downloadSource: 'huggingface' });
    const onDisk = JSON.parse(readFileSync(path.join(data, 'settings.json'), 'utf8'));
    expect(onDisk).toMatchObject({ language: 'zh', theme: 'dark', hfEndpoint: 'https://hf-mirror.com' });
    expect(events.filter((e) => e.type === 'settings').at(-1)).toEqual({ type: 'settings', settings: r.body });
  });

  it('survive a restart of the core', async () => {
    const again = await Kanjian.open({ dataDir: data, ocr: false });
    try {
      expect(await again.getSettings()).toMatchObject({ language: 'zh', theme: 'dark' });
    } finally {
      await again.close();
    }
  });

  it('refuse an http endpoint that is not loopback, and unknown values, with 400 and a code', async () => {
    const bad = await call<ApiErrorBody>('updateSettings', { hfEndpoint: 'http://mirror.example.com' });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('settings.badEndpoint');
    expect((await call<ApiErrorBody>('updateSettings', { theme: 'purple' })).status).toBe(400);
    expect((await call<ApiErrorBody>('updateSettings', { colour: 'red' })).status).toBe(400);
    // Loopback may be plain http (a mirror on this machine); null goes back to huggingface.co.
    expect((await call<AppSettings>('updateSettings', { hfEndpoint: 'http://127.0.0.1:9/hf' })).body.hfEndpoint).toBe('http://127.0.0.1:9/hf');
    expect((await call<AppSettings>('updateSettings', { hfEndpoint: null })).body.hfEndpoint).toBeNull();
  });
});

describe('folder browser', () => {
  it('lists sub-folders sorted, hidden ones and files skipped, with the parent and places', async () => {
    const r = await call<FolderListing>('browseFolders', { path: path.join(tmp, 'photos') });
    expect(r.status).toBe(200);
    expect(r.body.entries.map((e) => e.name)).toEqual(['a-home', 'b-trip']);
    expect(r.body.parent).toBe(tmp);
    expect(r.body.inLibrary).toBe(false);
    expect(r.body.places[0]).toMatchObject({ kind: 'home', path: os.homedir() });
  });

  it('starts at home, and expands ~', async () => {
    expect((await call<FolderListing>('browseFolders', {})).body.path).toBe(os.homedir());
    expect((await call<FolderListing>('browseFolders', { path: '~' })).body.path).toBe(os.homedir());
  });

  it('says which listing is inside the library', async () => {
    await call('addFolder', path.join(tmp, 'photos'));
    expect((await call<FolderListing>('browseFolders', { path: path.join(tmp, 'photos', 'a-home') })).body.inLibrary).toBe(true);
  });
});

describe('addFolder refusals', () => {
  const cases: [string, () => string, string][] = [
    ['a missing path', () => path.join(tmp, 'nope'), 'folder.notFound'],
    ['a file', () => path.join(tmp, 'photos', 'note.txt'), 'folder.notAFolder'],
    ['a folder already added', () => path.join(tmp, 'photos'), 'folder.alreadyAdded'],
    ['a sub-folder of a library folder', () => path.join(tmp, 'photos', 'b-trip'), 'folder.insideLibrary'],
    ["Kanjian's data folder", () => path.join(data, 'thumbnails'), 'folder.dataFolder'],
    ['the root folder', () => '/', 'folder.system'],
    ['/etc', () => '/etc', 'folder.system'],
    ['/usr/share', () => '/usr/share', 'folder.system'],
    ['a relative path', () => 'Pictures/2024', 'folder.relative'],
  ];
  it.each(cases)('refuses %s with 400 and its code', async (_what, p, code) => {
    mkdirSync(path.join(data, 'thumbnails'), { recursive: true });
    const r = await call<ApiErrorBody>('addFolder', p());
    expect(r.status).toBe(400);
    expect(r.body.code).toBe(code);
  });

  it('accepts ~/… (expanded)', async () => {
    // A fresh, empty folder of our own in home, removed afterwards.
    const visible = mkdtempSync(path.join(os.homedir(), 'kanjian-test-'));
    try {
      const r = await call<{ path: string }>('addFolder', `~/${path.basename(visible)}`);
      expect(r.status).toBe(200);
      expect(r.body.path).toBe(visible);
    } finally {
      rmSync(visible, { recursive: true, force: true });
    }
  });
});

async function zipFolder(dir: string, zipPath: string, prefix: string): Promise<void> {
  const zip = new yazl.ZipFile();
  const walk = (d: string, rel: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const abs = path.join(d, e.name);
      if (e.isDirectory()) walk(abs, `${rel}${e.name}/`);
      else zip.addFile(abs, `${prefix}${rel}${e.name}`);
    }
  };
  walk(dir, '');
  zip.end();
  const out = createWriteStream(zipPath);
  zip.outputStream.pipe(out);
  await once(out, 'close');
}

describe('install a model from a folder or a zip', () => {
  beforeAll(() => {
    process.env.KANJIAN_ALLOW_FIXTURES = '1';
  });
  afterAll(() => {
    delete process.env.KANJIAN_ALLOW_FIXTURES;
  });

  it('refuses a folder that is not a package, and a package whose file does not match its SHA256SUMS', async () => {
    const notPkg = await call<ApiErrorBody>('installModelFromFolder', { path: path.join(tmp, 'photos') });
    expect(notPkg.status).toBe(400);
    expect(notPkg.body.code).toBe('install.noManifest');

    const bad = path.join(tmp, 'bad-pkg');
    cpSync(TOY_MODEL, bad, { recursive: true });
    writeFileSync(path.join(bad, 'SHA256SUMS'), `${'0'.repeat(64)}  visual/model.onnx\n`);
    const r = await call<ApiErrorBody>('installModelFromFolder', { path: bad });
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ code: 'install.hashMismatch', params: { file: 'visual/model.onnx' } });

    const missing = path.join(tmp, 'missing-pkg');
    cpSync(TOY_MODEL, missing, { recursive: true });
    rmSync(path.join(missing, 'textual', 'tokenizer.json'));
    const m = await call<ApiErrorBody>('installModelFromFolder', { path: missing });
    expect(m.body).toMatchObject({ code: 'install.missingFile', params: { file: 'textual/tokenizer.json' } });
    expect((await call<ModelInfo[]>('listModels')).body.find((x) => x.id === 'toy-colors')).toBeUndefined();
  });

  it('installs a zipped package (one folder inside), uses it as the first model, and refuses it twice', async () => {
    const zipPath = path.join(tmp, 'toy-colors.zip');
    await zipFolder(TOY_MODEL, zipPath, 'toy-colors/');
    const r = await call<ModelInfo>('installModelFromFolder', { path: zipPath });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ id: 'toy-colors', installed: true });
    const installed = path.join(data, 'models', 'toy-colors');
    expect(readFileSync(path.join(installed, 'visual', 'model.onnx'))).toEqual(readFileSync(path.join(TOY_MODEL, 'visual', 'model.onnx')));
    expect((await call<{ id: string }>('getModel')).body.id).toBe('toy-colors');
    const twice = await call<ApiErrorBody>('installModelFromFolder', { path: zipPath });
    expect(twice.body.code).toBe('install.alreadyInstalled');
  });

  it('refuses a damaged zip', async () => {
    const broken = path.join(tmp, 'broken.zip');
    writeFileSync(broken, Buffer.from('PK\u0003\u0004 this is not really a zip'));
    const r = await call<ApiErrorBody>('installModelFromFolder', { path: broken });
    expect(r.status).toBe(400);
    expect(r.body.code).toBe('install.badZip');
  });
});

describe('models', () => {
  it('refuses to download an unknown id at once, with 400', async () => {
    const r = await call<ApiErrorBody>('downloadModel', 'no-such-model');
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ code: 'model.unknown', params: { id: 'no-such-model' } });
  });

  it('gives every registry model a role and a plain name', async () => {
    const models = (await call<ModelInfo[]>('listModels')).body.filter((m) => m.id !== 'toy-colors');
    expect(models.length).toBeGreaterThanOrEqual(4);
    expect(models.map((m) => m.role).sort()).toEqual(['chinese', 'default', 'english', 'quality', 'seed']);
    for (const m of models) expect(m.name).not.toMatch(/laion|_s\d+b|frozen/);
  });

  it('useModel of a model that is not installed is a 400 with a code', async () => {
    const r = await call<ApiErrorBody>('useModel', 'chinese-clip-vit-b-16');
    expect(r.status).toBe(400);
    expect(r.body.code).toBe('model.notInstalled');
  });
});
