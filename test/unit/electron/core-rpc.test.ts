// Main process ⇄ core process protocol, over a worker_threads MessageChannel (structured clone,
// like Electron's parentPort), with a fake core.
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { KanjianError } from '../../../main/core/errors.js';
import type { IndexProgress, KanjianEvent } from '../../../main/core/api.js';
import {
  CoreClient,
  runCoreSide,
  type CoreLike,
  type CoreProcessHandle,
  type FromCore,
  type InitMessage,
  type PortLike,
  type ToCore,
} from '../../../main/electron/core-rpc.js';
import type { MediaSource } from '../../../main/shell-common/media.js';

const idle: IndexProgress = { phase: 'idle', phases: [], state: 'idle', done: 0, total: 0, failed: 0, rate: 0, etaSeconds: null, currentPath: null };

function wrap<In, Out>(port: MessagePort): PortLike<In, Out> {
  return {
    post: (m) => port.postMessage(m),
    listen(onMessage) {
      const h = (m: In) => onMessage(m);
      port.on('message', h);
      return () => port.off('message', h);
    },
  };
}

interface FakeProcess {
  handle: CoreProcessHandle;
  crash(code?: number): void;
  init: InitMessage | null;
  core: ReturnType<typeof fakeCore>;
  closedCore: boolean;
}

function fakeCore() {
  const listeners = new Set<(e: KanjianEvent) => void>();
  const seen: [string, unknown][] = [];
  const core: CoreLike = {
    async search(req) {
      seen.push(['search', req]);
      return { results: [], mode: 'search', tookMs: 0 };
    },
    async listPhotos() {
      return { photos: [], total: 0 };
    },
    async getPhoto(id) {
      seen.push(['getPhoto', id]);
      return null;
    },
    async listFolders() {
      return [];
    },
    async addFolder(p) {
      throw new KanjianError('folder.notFound', `Folder not found: ${p}`, { params: { path: p }, client: true });
    },
    async removeFolder() {},
    async listFailed() {
      return [];
    },
    async getProgress() {
      return idle;
    },
    async getModel() {
      return { id: 'toy', name: null, provider: 'cpu', providerNote: null, embeddingDim: 8, searchModelId: null, reembedding: null };
    },
    async getStats() {
      return { photos: 1, indexed: 1, failed: 0, pending: 0, folders: 1 };
    },
    async listModels() {
      return [];
    },
    async downloadModel(id: string) {
      return { id, state: 'downloading' as const, bytes: 0, totalBytes: null, rate: 0, etaSeconds: null, file: null, error: null, errorCode: null };
    },
    async cancelDownload() {},
    async useModel() {
      return this.getModel();
    },
    async findDuplicates() {
      return { groups: [], total: 0, thresholds: { nearMaxDistance: 10, similarMinScore: null } };
    },
    async dismissDuplicates() {
      return { pairs: 0 };
    },
    async listPlaces() {
      return { countries: [], photos: 0 };
    },
    async planTrash() {
      return { confirmToken: '00', count: 0, bytes: 0, photos: [], missing: [], lastCopies: [], expiresAt: '' };
    },
    async trashPhotos() {
      return { trashed: [], failed: [], bytesFreed: 0 };
    },
    async photoTags() {
      return [];
    },
    async folderTags() {
      return [];
    },
    async listTags() {
      return [];
    },
    async addCustomTag() {
      return { id: 1, key: 'custom:x', en: 'x', zh: '', custom: true };
    },
    async removeCustomTag() {},
    async getSettings() {
      return { language: null, theme: 'system' as const, hfEndpoint: null, downloadSource: 'huggingface' as const };
    },
    async updateSettings() {
      return { language: null, theme: 'system' as const, hfEndpoint: null, downloadSource: 'huggingface' as const };
    },
    async browseFolders() {
      return { path: '/', parent: null, entries: [], places: [], inLibrary: false };
    },
    async installModelFromFolder() {
      throw new Error('not in this fake');
    },
    async timeline() {
      return { by: 'month' as const, buckets: [], total: 0 };
    },
    async folderTree() {
      return null;
    },
    async folderPathTags() {
      return [];
    },
    async facets() {
      return { cameras: [], lenses: [], years: [] };
    },
    async addQueryImage() {
      return { imageId: '0'.repeat(32), width: 1, height: 1, embedded: false };
    },
    async listAlbums() {
      return [];
    },
    async createAlbum() {
      return { id: 1, name: 'a', createdAt: '', photoCount: 0, coverPhotoId: null };
    },
    async renameAlbum() {
      return { id: 1, name: 'a', createdAt: '', photoCount: 0, coverPhotoId: null };
    },
    async deleteAlbum() {},
    async addToAlbum() {
      return { id: 1, name: 'a', createdAt: '', photoCount: 0, coverPhotoId: null };
    },
    async removeFromAlbum() {
      return { id: 1, name: 'a', createdAt: '', photoCount: 0, coverPhotoId: null };
    },
    async setFavourite() {
      return { favourites: [] };
    },
    async photoCollections() {
      return { albums: [], favourite: false };
    },
    async copyPhotos() {
      return { destination: '/', copied: [], failed: [] };
    },
    onEvent(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    async close() {},
  };
  return { core, listeners, seen, emit: (e: KanjianEvent) => listeners.forEach((l) => l(e)) };
}

const media: MediaSource = { thumbnailPath: () => null, originalPath: () => null, previewPath: async () => null, thumbnailRoot: '/nowhere', previewRoot: '/nowhere', libraryRoots: () => [] };

const open: MessagePort[] = [];
afterEach(() => {
  for (const p of open.splice(0)) p.close();
});

function spawner(opts: { failOpen?: boolean; silentClose?: boolean } = {}) {
  const procs: FakeProcess[] = [];
  const spawn = (): CoreProcessHandle => {
    const { port1, port2 } = new MessageChannel();
    open.push(port1, port2);
    const exits: ((code: number) => void)[] = [];
    let alive = true;
    const fp: FakeProcess = {
      init: null,
      core: fakeCore(),
      closedCore: false,
      crash(code = 1) {
        if (!alive) return;
        alive = false;
        port2.close();
        exits.forEach((cb) => cb(code));
      },
      handle: {
        port: wrap<FromCore, ToCore>(port1),
        onExit: (cb) => void exits.push(cb),
        kill: () => fp.crash(143),
      },
    };
    const corePort = wrap<ToCore, FromCore>(port2);
    if (opts.silentClose) {
      // A core that never answers `close`.
      corePort.listen((m) => m.type === 'init' && corePort.post({ type: 'ready' }));
    } else {
      runCoreSide(corePort, {
        async open(init) {
          fp.init = init;
          if (opts.failOpen) throw new Error('database is locked');
          const original = fp.core.core.close;
          fp.core.core.close = async () => {
            fp.closedCore = true;
            await original();
          };
          return { core: fp.core.core, media };
        },
        exit: () => setTimeout(() => fp.crash(0), 5),
      });
    }
    procs.push(fp);
    return fp.handle;
  };
  return { spawn, procs };
}

describe('CoreClient ⇄ runCoreSide', () => {
  it('opens the core with the init data and answers calls', async () => {
    const s = spawner();
    const client = new CoreClient({ init: { dataDir: '/data', model: 'toy' }, spawn: s.spawn });
    expect(await client.call('getStats', undefined)).toEqual({ photos: 1, indexed: 1, failed: 0, pending: 0, folders: 1 });
    expect(s.procs[0].init).toEqual({ type: 'init', dataDir: '/data', model: 'toy' });
    const results = await Promise.all([client.call('getModel', {}), client.call('getPhoto', 5), client.call('search', { query: '红', junk: 1 })]);
    expect(results[0]).toMatchObject({ id: 'toy' });
    expect(s.procs[0].core.seen).toEqual([
      ['getPhoto', 5],
      ['search', { query: '红' }],
    ]);
    expect(s.procs.length).toBe(1);
    await client.close();
  });

  it('carries errors across with their names', async () => {
    const s = spawner();
    const client = new CoreClient({ init: { dataDir: '/d' }, spawn: s.spawn });
    await expect(client.call('addFolder', '/nope')).rejects.toThrow('Folder not found: /nope');
    // …and with their code and params, which the UI renders in the user's language.
    await expect(client.call('addFolder', '/nope')).rejects.toMatchObject({ code: 'folder.notFound', params: { path: '/nope' } });
    await expect(client.call('getPhoto', 'x')).rejects.toMatchObject({ name: 'ValidationError' });
    await expect(client.call('close' as never, undefined)).rejects.toMatchObject({ name: 'ValidationError' });
    const media = await client.resolveMedia('thumb', '../../etc/passwd');
    expect(media).toMatchObject({ ok: false, status: 400 });
    await client.close();
  });

  it('forwards core events to listeners', async () => {
    const s = spawner();
    const client = new CoreClient({ init: { dataDir: '/d' }, spawn: s.spawn });
    await client.start();
    const got: KanjianEvent[] = [];
    const off = client.onEvent((e) => got.push(e));
    const e: KanjianEvent = { type: 'progress', progress: { ...idle, state: 'indexing', total: 3 } };
    s.procs[0].core.emit(e);
    await new Promise((r) => setTimeout(r, 20));
    expect(got).toEqual([e]);
    off();
    s.procs[0].core.emit(e);
    await new Promise((r) => setTimeout(r, 20));
    expect(got.length).toBe(1);
    await client.close();
  });

  it('fails pending calls when the process dies, then restarts it', async () => {
    const s = spawner();
    const logs: string[] = [];
    const client = new CoreClient({ init: { dataDir: '/d' }, spawn: s.spawn, log: (m) => logs.push(m) });
    await client.start();
    // A call that never returns because the process dies first.
    s.procs[0].core.core.getProgress = () => new Promise(() => {});
    const hanging = client.call('getProgress', undefined);
    await new Promise((r) => setTimeout(r, 10));
    s.procs[0].crash(139);
    await expect(hanging).rejects.toThrow(/stopped \(exit code 139\)/);
    expect(await client.call('getStats', undefined)).toMatchObject({ photos: 1 });
    expect(s.procs.length).toBe(2);
    expect(logs.some((l) => /Restarting/.test(l))).toBe(true);
    await client.close();
  });

  it('stops restarting after repeated crashes', async () => {
    const s = spawner();
    const client = new CoreClient({ init: { dataDir: '/d' }, spawn: s.spawn, maxRestarts: 2, log: () => {} });
    await client.start();
    for (let i = 0; i < 3; i++) {
      s.procs.at(-1)!.crash();
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(s.procs.length).toBe(3);
  });

  it('does not loop when the core cannot open', async () => {
    const s = spawner({ failOpen: true });
    const client = new CoreClient({ init: { dataDir: '/d' }, spawn: s.spawn, log: () => {} });
    await expect(client.call('getStats', undefined)).rejects.toThrow('database is locked');
    expect(s.procs.length).toBe(1);
  });

  it('closes the core cleanly, and kills a core that does not answer', async () => {
    const s = spawner();
    const client = new CoreClient({ init: { dataDir: '/d' }, spawn: s.spawn });
    await client.start();
    await client.close();
    expect(s.procs[0].closedCore).toBe(true);
    await expect(client.call('getStats', undefined)).rejects.toThrow(/shutting down/);

    const stuck = spawner({ silentClose: true });
    const logs: string[] = [];
    const c2 = new CoreClient({ init: { dataDir: '/d' }, spawn: stuck.spawn, closeTimeoutMs: 50, log: (m) => logs.push(m) });
    await c2.start();
    await c2.close();
    expect(logs.join('\n')).toMatch(/did not close in time/);
  });
});
