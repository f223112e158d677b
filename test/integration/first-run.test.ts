// First run: no model → photos are still indexed (metadata, thumbnails) and search says how to
// get a model; downloading the default from a (local) hub starts using it and embeds the
// library; switching to another model keeps the old one answering until the new one is done.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Kanjian } from '../../main/core/kanjian.js';
import { readSettings } from '../../main/core/models/settings.js';
import type { DownloadState, KanjianEvent } from '../../main/core/api.js';
import { writeColourPhoto, type Colour } from '../helpers/photos.js';
import { createServer } from 'node:net';
import { FakeHub, publishToyColors, toyColorsEntry } from './models/fake-hub.js';

let tmp: string;
let hub: FakeHub;
let k: Kanjian;
const events: KanjianEvent[] = [];
const saved = { registry: process.env.KANJIAN_REGISTRY, endpoint: process.env.HF_ENDPOINT };

async function until<T>(what: string, fn: () => Promise<T | false | undefined>, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'kanjian-first-run-'));
  hub = await new FakeHub().start();
  publishToyColors(hub);
  // A registry file naming two downloadable packages on the local hub (both are the toy model
  // under other ids: a registry fixture, never the shipped registry).
  const entries = ['colours-a', 'colours-b'].map((id) => toyColorsEntry({ id, name: `Colours ${id}`, fixture: false }));
  // …and one whose files the hub does not have.
  entries.push(toyColorsEntry({ id: 'colours-missing', name: 'Missing', fixture: false, repo: 'kanjian-test/not-there' }));
  const registryFile = path.join(tmp, 'registry.json');
  writeFileSync(registryFile, JSON.stringify({ schemaVersion: 1, defaultModel: 'colours-a', models: entries }));
  process.env.KANJIAN_REGISTRY = registryFile;
  process.env.HF_ENDPOINT = hub.url;
  const colours: Colour[] = ['red', 'green', 'blue', 'yellow', 'white', 'black'];
  for (let i = 0; i < 36; i++) {
    await writeColourPhoto(path.join(tmp, 'photos', `p${i}.jpg`), colours[i % 6], { seed: i + 1, width: 320, height: 240 });
  }
  k = await Kanjian.open({ dataDir: path.join(tmp, 'data'), watch: true });
  k.onEvent((e) => events.push(e));
});

afterAll(async () => {
  await k?.close();
  await hub?.stop();
  process.env.KANJIAN_REGISTRY = saved.registry;
  process.env.HF_ENDPOINT = saved.endpoint;
  if (saved.registry === undefined) delete process.env.KANJIAN_REGISTRY;
  if (saved.endpoint === undefined) delete process.env.HF_ENDPOINT;
  rmSync(tmp, { recursive: true, force: true });
});

describe('first run without a model', () => {
  it('indexes photos anyway and search says meaning search needs a model', async () => {
    await k.addFolder(path.join(tmp, 'photos'));
    await until('photos recorded', async () => (await k.getStats()).indexed === 36);
    const res = await k.search({ query: 'red' });
    // Colour is only in the pixels: nothing but the image view could find it.
    expect(res.results).toEqual([]);
    expect(res.notice).toEqual({ code: 'search.needsModel' });
    expect(res.mode).toBe('search');
    expect((await k.getModel()).id).toBeNull();
  });

  it('offers the default model with its size', async () => {
    const models = await k.listModels();
    const a = models.find((m) => m.id === 'colours-a')!;
    expect(a).toMatchObject({ default: true, installed: false, downloadable: true });
    expect(a.sizeBytes).toBeGreaterThan(0);
  });

  it('downloads it with progress events, starts using it, and embeds the library', async () => {
    const started = await k.downloadModel('colours-a');
    expect(started.state).toBe('downloading');
    const done = await until('download done', async () =>
      events.find((e): e is { type: 'download'; download: DownloadState } => e.type === 'download' && e.download.state === 'done'),
    );
    expect(done.download.bytes).toBeGreaterThan(2 * 1024 * 1024); // the package's external-data file
    await until('model in use', async () => (await k.getModel()).id === 'colours-a');
    await until('red photos found', async () => (await k.search({ query: '红色' })).results.length === 6);
    expect((await k.listModels()).find((m) => m.id === 'colours-a')).toMatchObject({ installed: true, current: true });
  });

  it('a failed download says why (the HTTP status) and installs nothing', async () => {
    await k.downloadModel('colours-missing');
    const failed = await until('download failed', async () =>
      events.find((e): e is { type: 'download'; download: DownloadState } => e.type === 'download' && e.download.state === 'failed'),
    );
    expect(failed.download.error).toMatch(/404/);
    expect((await k.listModels()).find((m) => m.id === 'colours-missing')).toMatchObject({ installed: false, current: false });
    expect((await k.getModel()).id).toBe('colours-a');
  });

  it('a failed download carries a code for the UI: not found on the hub, or offline', async () => {
    const notFound = events.find((e): e is { type: 'download'; download: DownloadState } => e.type === 'download' && e.download.state === 'failed');
    expect(notFound?.download).toMatchObject({ errorCode: 'download.notFound', errorParams: { host: new URL(hub.url).host } });
    // The mirror set in the app wins over HF_ENDPOINT: pointed at a closed port, the download is offline.
    const closed = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const port = (s.address() as { port: number }).port;
        s.close(() => resolve(port));
      });
    });
    await k.updateSettings({ hfEndpoint: `http://127.0.0.1:${closed}` });
    try {
      events.length = 0;
      await k.downloadModel('colours-b');
      const failed = await until('offline download failed', async () =>
        events.find((e): e is { type: 'download'; download: DownloadState } => e.type === 'download' && e.download.state === 'failed'),
      );
      expect(failed.download).toMatchObject({ errorCode: 'download.offline', errorParams: { host: `127.0.0.1:${closed}` } });
      expect((await k.listModels()).find((m) => m.id === 'colours-b')?.installed).toBe(false);
    } finally {
      await k.updateSettings({ hfEndpoint: null });
    }
  });

  it('refuses an unknown model id at once', async () => {
    await expect(k.downloadModel('no-such-model')).rejects.toMatchObject({ code: 'model.unknown', client: true });
  });

  it('switching models keeps the old one answering until the new one covers the library', async () => {
    await k.downloadModel('colours-b');
    await until('b installed', async () => (await k.listModels()).find((m) => m.id === 'colours-b')?.installed);
    const status = await k.useModel('colours-b');
    expect(status.id).toBe('colours-b');
    expect(status.searchModelId).toBe('colours-a');
    expect(status.reembedding).toMatchObject({ total: 36 });
    const during = await k.search({ query: 'red' });
    expect(during.model).toBe('colours-a');
    expect(during.results).toHaveLength(6);
    await until('switch finished', async () => (await k.getModel()).searchModelId === null);
    const after = await k.search({ query: 'red' });
    expect(after.model).toBe('colours-b');
    expect(after.results).toHaveLength(6);
    // The finished switch forgets the old model, so it can never come back as the search model.
    await until('previousModel cleared', async () => (await readSettings(path.join(tmp, 'data'))).previousModel === undefined);
    expect(await readSettings(path.join(tmp, 'data'))).toMatchObject({ model: 'colours-b' });
  });
});
