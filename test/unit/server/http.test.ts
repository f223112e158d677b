// The HTTP shell against a fake core: routing, auth, Host/Origin guards, body limits, SSE,
// media and static serving. The real core is exercised in test/integration/server.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IndexProgress, KanjianApi, KanjianEvent } from '../../../main/core/api.js';
import type { MediaSource } from '../../../main/shell-common/media.js';
import { startServer, type RunningServer } from '../../../main/server/server.js';
import { rawRequest, type RawRequestOptions } from '../../helpers/api-post.js';

const idle: IndexProgress = { phase: 'idle', phases: [], state: 'idle', done: 0, total: 0, failed: 0, rate: 0, etaSeconds: null, currentPath: null };

function fakeCore() {
  const listeners = new Set<(e: KanjianEvent) => void>();
  const calls: [string, unknown][] = [];
  const rec =
    <T>(name: string, result: T) =>
    async (arg?: unknown) => {
      calls.push([name, arg]);
      return result;
    };
  const api: KanjianApi & { onEvent(l: (e: KanjianEvent) => void): () => void } = {
    search: rec('search', { results: [], mode: 'search' as const, tookMs: 1 }),
    listPhotos: rec('listPhotos', { photos: [], total: 0 }),
    getPhoto: rec('getPhoto', null),
    listFolders: rec('listFolders', []),
    addFolder: async (p: string) => {
      calls.push(['addFolder', p]);
      throw new Error(`Folder not found: ${p}`);
    },
    removeFolder: rec('removeFolder', undefined),
    listFailed: rec('listFailed', []),
    getProgress: rec('getProgress', idle),
    getModel: rec('getModel', { id: null, name: null, provider: null, providerNote: null, embeddingDim: null, searchModelId: null, reembedding: null }),
    getStats: rec('getStats', { photos: 0, indexed: 0, failed: 0, pending: 0, folders: 0 }),
    listModels: rec('listModels', []),
    downloadModel: rec('downloadModel', { id: 'm', state: 'downloading', bytes: 0, totalBytes: null, rate: 0, etaSeconds: null, file: null, error: null, errorCode: null }),
    cancelDownload: rec('cancelDownload', undefined),
    useModel: rec('useModel', { id: null, name: null, provider: null, providerNote: null, embeddingDim: null, searchModelId: null, reembedding: null }),
    findDuplicates: rec('findDuplicates', { groups: [], total: 0, thresholds: { nearMaxDistance: 10, similarMinScore: null } }),
    dismissDuplicates: rec('dismissDuplicates', { pairs: 0 }),
    planTrash: rec('planTrash', { confirmToken: '00', count: 0, bytes: 0, photos: [], missing: [], lastCopies: [], expiresAt: '' }),
    trashPhotos: rec('trashPhotos', { trashed: [], failed: [], bytesFreed: 0 }),
    photoTags: rec('photoTags', []),
    folderTags: rec('folderTags', []),
    listTags: rec('listTags', []),
    addCustomTag: rec('addCustomTag', { id: 1, key: 'custom:x', en: 'x', zh: '', custom: true }),
    removeCustomTag: rec('removeCustomTag', undefined),
    getSettings: rec('getSettings', { language: null, theme: 'system' as const, hfEndpoint: null, downloadSource: 'huggingface' as const }),
    updateSettings: rec('updateSettings', { language: null, theme: 'system' as const, hfEndpoint: null, downloadSource: 'huggingface' as const }),
    browseFolders: rec('browseFolders', { path: '/', parent: null, entries: [], places: [], inLibrary: false }),
    listPlaces: rec('listPlaces', { countries: [], photos: 0 }),
    installModelFromFolder: async () => {
      throw new Error('not in this fake');
    },
    timeline: rec('timeline', { by: 'month' as const, buckets: [], total: 0 }),
    folderTree: rec('folderTree', null),
    folderPathTags: rec('folderPathTags', []),
    facets: rec('facets', { cameras: [], lenses: [], years: [] }),
    addQueryImage: rec('addQueryImage', { imageId: '0'.repeat(32), width: 1, height: 1, embedded: false }),
    listAlbums: rec('listAlbums', []),
    createAlbum: rec('createAlbum', { id: 1, name: 'a', createdAt: '', photoCount: 0, coverPhotoId: null }),
    renameAlbum: rec('renameAlbum', { id: 1, name: 'a', createdAt: '', photoCount: 0, coverPhotoId: null }),
    deleteAlbum: rec('deleteAlbum', undefined),
    addToAlbum: rec('addToAlbum', { id: 1, name: 'a', createdAt: '', photoCount: 0, coverPhotoId: null }),
    removeFromAlbum: rec('removeFromAlbum', { id: 1, name: 'a', createdAt: '', photoCount: 0, coverPhotoId: null }),
    setFavourite: rec('setFavourite', { favourites: [] }),
    photoCollections: rec('photoCollections', { albums: [], favourite: false }),
    copyPhotos: rec('copyPhotos', { destination: '/', copied: [], failed: [] }),
    onEvent(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
  };
  return { api, calls, listeners, emit: (e: KanjianEvent) => listeners.forEach((l) => l(e)) };
}

let tmp: string;
let server: RunningServer;
let core: ReturnType<typeof fakeCore>;

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'kanjian-http-'));
  const dist = path.join(tmp, 'dist');
  mkdirSync(path.join(dist, 'assets'), { recursive: true });
  writeFileSync(path.join(dist, 'index.html'), '<!doctype html><title>app</title>');
  writeFileSync(path.join(dist, 'assets', 'index-abcdef12.js'), 'console.log(1)');
  writeFileSync(path.join(tmp, 'secret.txt'), 'TOPSECRET');
  const lib = path.join(tmp, 'lib');
  mkdirSync(lib);
  writeFileSync(path.join(lib, 'a.png'), 'PNGDATA');
  const media: MediaSource = {
    thumbnailPath: () => null,
    originalPath: (id) => (id === 1 ? path.join(lib, 'a.png') : id === 2 ? path.join(tmp, 'secret.txt') : null),
    previewPath: async () => null,
    previewRoot: path.join(tmp, 'previews'),
    thumbnailRoot: path.join(tmp, 'thumbs'),
    libraryRoots: () => [lib],
  };
  core = fakeCore();
  server = await startServer({ api: core.api, media, rendererDir: dist, keepAliveMs: 100, maxBodyBytes: 1000 });
});
afterAll(async () => {
  await server?.close();
  rmSync(tmp, { recursive: true, force: true });
});

type Res = { status: number; headers: http.IncomingHttpHeaders; body: string };

/** Raw requests: fetch() would normalise `..` and refuse to set Host. The body as text. */
const request = async (rawPath: string, opts?: RawRequestOptions) => {
  const r = await rawRequest(server, rawPath, opts);
  return { ...r, body: r.body.toString() };
};

const auth = () => ({ Authorization: `Bearer ${server.token}` });
const post = (method: string, body: unknown, headers: Record<string, string> = auth()) =>
  request(`/api/${method}`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: body === undefined ? '' : JSON.stringify(body) });

describe('HTTP shell', () => {
  it('listens on 127.0.0.1 and prints a tokened URL', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${server.token}`);
  });

  it('401 without the token on API, events and media', async () => {
    for (const [p, m] of [['/api/getStats', 'POST'], ['/api/events', 'GET'], ['/media/original/1', 'GET'], ['/api/nope', 'POST']] as const) {
      const r = await request(p, { method: m, headers: { 'Content-Type': 'application/json' } });
      expect(r.status, p).toBe(401);
      expect(JSON.parse(r.body)).toHaveProperty('error');
      expect(r.headers['www-authenticate']).toBe('Bearer');
    }
    expect((await post('getStats', {}, { Authorization: 'Bearer wrong' })).status).toBe(401);
    expect((await request(`/api/getStats?token=wrong`, { method: 'POST', headers: { 'Content-Type': 'application/json' } })).status).toBe(401);
  });

  it('accepts the token as a header or a query parameter', async () => {
    expect((await post('getStats', {})).status).toBe(200);
    const r = await request(`/api/getStats?token=${server.token}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toEqual({ photos: 0, indexed: 0, failed: 0, pending: 0, folders: 0 });
    expect(r.headers['cache-control']).toBe('no-store');
  });

  it('refuses a Host other than our own, even with the token', async () => {
    for (const host of ['evil.example', `evil.example:${server.port}`, '127.0.0.1', `127.0.0.1:${server.port + 1}`]) {
      const r = await request('/api/getStats', { method: 'POST', headers: { ...auth(), Host: host, 'Content-Type': 'application/json' }, body: '{}' });
      expect(r.status, host).toBe(403);
      const s = await request('/', { headers: { Host: host } });
      expect(s.status, host).toBe(403);
      expect(s.body).not.toContain('<title>app');
    }
    expect((await request('/', { headers: { Host: `localhost:${server.port}` } })).status).toBe(200);
  });

  it('refuses cross-origin requests', async () => {
    const r = await post('getStats', {}, { ...auth(), Origin: 'http://evil.example' });
    expect(r.status).toBe(403);
    expect((await post('getStats', {}, { ...auth(), Origin: server.origin })).status).toBe(200);
  });

  it('routes each API method with a validated argument', async () => {
    core.calls.length = 0;
    let r = await post('search', { query: '红色', limit: 5, junk: 1 });
    expect(r.status).toBe(200);
    expect(core.calls.at(-1)).toEqual(['search', { query: '红色', limit: 5 }]);
    r = await post('getPhoto', 7);
    expect(r.status).toBe(200);
    expect(r.body).toBe('null');
    r = await post('removeFolder', 3);
    expect(r.status).toBe(204);
    r = await post('listFolders', undefined);
    expect(r.status).toBe(200);
    expect(core.calls.at(-1)).toEqual(['listFolders', undefined]);
  });

  it('400 for bad arguments and bad JSON, 404/405/415/413 as due', async () => {
    expect((await post('search', { query: 42 })).status).toBe(400);
    expect(JSON.parse((await post('getPhoto', '1')).body).error).toMatch(/integer/);
    expect((await request('/api/search', { method: 'POST', headers: { ...auth(), 'Content-Type': 'application/json' }, body: '{nope' })).status).toBe(400);
    expect((await post('constructor', {})).status).toBe(404);
    expect((await post('__proto__', {})).status).toBe(404);
    expect((await post('close', {})).status).toBe(404);
    expect((await request('/api/getStats', { headers: auth() })).status).toBe(405);
    expect((await request('/api/getStats', { method: 'POST', headers: { ...auth(), 'Content-Type': 'text/plain' }, body: '{}' })).status).toBe(415);
    expect((await post('search', { query: 'x'.repeat(2000) })).status).toBe(413);
  });

  it('413 for an oversized chunked body too, with the answer delivered', async () => {
    const r = await new Promise<Res>((resolve, reject) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port: server.port,
          path: '/api/search',
          method: 'POST',
          headers: { Host: `127.0.0.1:${server.port}`, ...auth(), 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString() }));
        },
      );
      req.on('error', reject);
      for (let i = 0; i < 20; i++) req.write('{"query":"' + 'x'.repeat(200) + '"}');
      req.end();
    });
    expect(r.status).toBe(413);
    expect(r.headers.connection).toBe('close');
  });

  it('500 with the core\'s message when the core throws', async () => {
    const r = await post('addFolder', '/does/not/exist');
    expect(r.status).toBe(500);
    expect(JSON.parse(r.body).error).toBe('Folder not found: /does/not/exist');
  });

  it('streams events over SSE with keep-alives, and unsubscribes on close', async () => {
    const got = await new Promise<string>((resolve, reject) => {
      const req = http.get(
        { host: '127.0.0.1', port: server.port, path: `/api/events?token=${server.token}`, headers: { Host: `127.0.0.1:${server.port}` } },
        (res) => {
          expect(res.statusCode).toBe(200);
          expect(res.headers['content-type']).toBe('text/event-stream; charset=utf-8');
          let text = '';
          res.on('data', (c) => {
            text += c;
            if (text.includes('"folders"') && !text.includes('"indexing"')) {
              core.emit({ type: 'progress', progress: { ...idle, state: 'indexing', done: 1, total: 3 } });
            }
            if (text.includes('"indexing"') && text.includes(': keep-alive')) {
              req.destroy();
              resolve(text);
            }
          });
        },
      );
      req.on('error', (e) => ((e as NodeJS.ErrnoException).code === 'ECONNRESET' ? undefined : reject(e)));
    });
    const data = got.split('\n').filter((l) => l.startsWith('data: ')).map((l) => JSON.parse(l.slice(6)));
    expect(data[0]).toEqual({ type: 'progress', progress: idle });
    expect(data[1]).toEqual({ type: 'folders', folders: [] });
    expect(data).toContainEqual({ type: 'progress', progress: { ...idle, state: 'indexing', done: 1, total: 3 } });
    for (let i = 0; i < 50 && core.listeners.size; i++) await new Promise((r) => setTimeout(r, 20));
    expect(core.listeners.size).toBe(0);
  });

  it('serves media only for ids, with type and cache headers', async () => {
    const r = await request(`/media/original/1?token=${server.token}`);
    expect(r.status).toBe(200);
    expect(r.body).toBe('PNGDATA');
    expect(r.headers['content-type']).toBe('image/png');
    expect(r.headers['cache-control']).toBe('private, no-cache');
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    const again = await request(`/media/original/1?token=${server.token}`, { headers: { 'If-None-Match': r.headers.etag! } });
    expect(again.status).toBe(304);
    for (const p of ['/media/original/2', '/media/original/../../secret.txt', '/media/original/%2e%2e%2fsecret.txt', '/media/thumb/1', '/media/original/abc', '/media/file/1', '/media/original/1/x']) {
      const m = await request(`${p}?token=${server.token}`);
      expect([400, 404], p).toContain(m.status);
      expect(m.body).not.toContain('TOPSECRET');
    }
  });

  it('serves the app with security headers and without traversal', async () => {
    const r = await request('/');
    expect(r.status).toBe(200);
    expect(r.body).toContain('<title>app');
    expect(r.headers['content-security-policy']).toContain("default-src 'self'");
    expect(r.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(r.headers['referrer-policy']).toBe('no-referrer');
    expect(r.headers['cache-control']).toBe('no-cache');
    const js = await request('/assets/index-abcdef12.js');
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['cache-control']).toContain('immutable');
    for (const p of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/%2E%2E/%2E%2E/secret.txt', '//' + tmp + '/secret.txt', '/..%2fsecret.txt', '/%5c..%5csecret.txt', '/secret.txt%00.js']) {
      const s = await request(p);
      expect([400, 404], p).toContain(s.status);
      expect(s.body).not.toContain('TOPSECRET');
    }
    expect((await request('/', { method: 'POST' })).status).toBe(405);
  });
});
