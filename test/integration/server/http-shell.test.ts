// The HTTP shell with the real core: a temp library, the toy-colours fixture model and generated
// photos. Covers auth, the API, SSE progress while a folder indexes, media, traversal and Host.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FolderInfo, KanjianEvent, SearchResponse } from '../../../main/core/api.js';
import { Kanjian } from '../../../main/core/kanjian.js';
import { kanjianMediaSource } from '../../../main/shell-common/media.js';
import { startServer, type RunningServer } from '../../../main/server/server.js';
import { makeColourPhotos, type MadePhoto } from './make-photos.js';
import { postApi, rawRequest, type RawRequestOptions } from '../../helpers/api-post.js';

const MODEL = fileURLToPath(new URL('../../fixtures/models/toy-colors/', import.meta.url));

let tmp: string;
let photosDir: string;
let photos: MadePhoto[];
let core: Kanjian;
let server: RunningServer;

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'kanjian-http-int-'));
  photosDir = path.join(tmp, '照片 Photos');
  photos = await makeColourPhotos(photosDir);
  const dist = path.join(tmp, 'dist');
  mkdirSync(dist);
  writeFileSync(path.join(dist, 'index.html'), '<!doctype html><title>Kanjian</title>');
  writeFileSync(path.join(tmp, 'secret.txt'), 'TOPSECRET');
  core = await Kanjian.open({ dataDir: path.join(tmp, 'data'), model: MODEL, watch: true });
  server = await startServer({ api: core, media: kanjianMediaSource(core), rendererDir: dist });
});

afterAll(async () => {
  await server?.close();
  await core?.close();
  rmSync(tmp, { recursive: true, force: true });
});

const request = (rawPath: string, opts?: RawRequestOptions) => rawRequest(server, rawPath, opts);

async function api<T>(method: string, arg?: unknown): Promise<T> {
  const r = await postApi(server, method, JSON.stringify(arg ?? {}));
  if (r.status >= 400) throw new Error(`${method}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body as T;
}

/** Opens the SSE stream and collects events until `until` says stop. */
function collectEvents(until: (events: KanjianEvent[]) => boolean, timeoutMs = 60_000): { ready: Promise<void>; done: Promise<KanjianEvent[]> } {
  let onReady!: () => void;
  const ready = new Promise<void>((r) => (onReady = r));
  const done = new Promise<KanjianEvent[]>((resolve, reject) => {
    const events: KanjianEvent[] = [];
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Error(`timed out; got ${JSON.stringify(events.slice(-3))}`));
    }, timeoutMs);
    const req = http.get(
      { host: '127.0.0.1', port: server.port, path: `/api/events?token=${server.token}`, headers: { Host: `127.0.0.1:${server.port}` } },
      (res) => {
        if (res.statusCode !== 200) reject(new Error(`events: ${res.statusCode}`));
        let buf = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buf += chunk;
          let i;
          while ((i = buf.indexOf('\n\n')) >= 0) {
            const frame = buf.slice(0, i);
            buf = buf.slice(i + 2);
            for (const line of frame.split('\n')) if (line.startsWith('data: ')) events.push(JSON.parse(line.slice(6)));
          }
          // The stream starts with a progress + folders snapshot: then it is live.
          if (events.length >= 2) onReady();
          if (until(events)) {
            clearTimeout(timer);
            req.destroy();
            resolve(events);
          }
        });
      },
    );
    req.on('error', (e) => ((e as NodeJS.ErrnoException).code === 'ECONNRESET' ? undefined : reject(e)));
  });
  return { ready, done };
}

describe('HTTP shell with the real core', () => {
  it('refuses requests without the token', async () => {
    expect((await request('/api/getStats', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' })).status).toBe(401);
    expect((await request('/api/events')).status).toBe(401);
    expect((await request('/media/thumb/1')).status).toBe(401);
  });

  it('reports the fixture model', async () => {
    const m = await api<{ id: string; embeddingDim: number }>('getModel');
    expect(m.id).toBe('toy-colors');
    expect(m.embeddingDim).toBe(8);
  });

  it('streams progress over SSE while a folder of photos indexes', async () => {
    const n = photos.length;
    const indexed = (events: KanjianEvent[]) =>
      events.some((e) => e.type === 'folders' && e.folders.some((f) => f.indexedCount === n));
    const stream = collectEvents((events) => {
      const sawWork = events.some((e) => e.type === 'progress' && e.progress.state !== 'idle');
      const finished = events.some((e) => e.type === 'progress' && e.progress.state === 'idle' && e.progress.done >= n);
      return sawWork && finished && indexed(events);
    });
    await stream.ready;
    const folder = await api<FolderInfo>('addFolder', photosDir);
    expect(folder.path).toBe(photosDir);
    const events = await stream.done;
    const progress = events.filter((e) => e.type === 'progress').map((e) => (e as { progress: { state: string; done: number } }).progress);
    expect(progress.some((p) => p.state === 'scanning' || p.state === 'indexing')).toBe(true);
    expect(progress.at(-1)).toMatchObject({ state: 'idle', done: n, failed: 0 });
    const stats = await api<{ indexed: number; folders: number }>('getStats');
    expect(stats).toMatchObject({ indexed: n, folders: 1 });
  });

  it('finds the red photos first, in Chinese and in English', async () => {
    const reds = photos.filter((p) => p.colour === 'red').map((p) => p.path).sort();
    for (const query of ['红色', 'red']) {
      const res = await api<SearchResponse>('search', { query, limit: 20 });
      expect(res.notice).toBeUndefined();
      const top = res.results.slice(0, reds.length).map((r) => r.photo.path).sort();
      expect(top, query).toEqual(reds);
    }
  });

  it('serves thumbnails and originals by id with their types', async () => {
    const { photos: list } = await api<{ photos: { id: number; path: string; hasThumbnail: boolean }[] }>('listPhotos', { limit: 50 });
    expect(list.length).toBe(photos.length);
    const jpg = list.find((p) => p.path.endsWith('红色的花.jpg'))!;
    const png = list.find((p) => p.path.endsWith('.png'))!;
    const t = await request(`/media/thumb/${jpg.id}?token=${server.token}`);
    expect(t.status).toBe(200);
    expect(t.headers['content-type']).toBe('image/webp');
    expect(t.body.subarray(8, 12).toString('latin1')).toBe('WEBP');
    const o = await request(`/media/original/${jpg.id}`, { headers: { Authorization: `Bearer ${server.token}` } });
    expect(o.headers['content-type']).toBe('image/jpeg');
    expect(o.body[0]).toBe(0xff);
    const p = await request(`/media/original/${png.id}?token=${server.token}`);
    expect(p.headers['content-type']).toBe('image/png');
    expect((await request(`/media/thumb/999999?token=${server.token}`)).status).toBe(404);
  });

  it('never serves files outside by traversal on static or media paths', async () => {
    const rel = path.relative(path.join(tmp, 'dist'), path.join(tmp, 'secret.txt'));
    const attempts = [
      `/${rel}`,
      '/../secret.txt',
      '/%2e%2e/secret.txt',
      '/%2e%2e%2fsecret.txt',
      '/..%5csecret.txt',
      `/${encodeURIComponent(path.join(tmp, 'secret.txt'))}`,
      `//${tmp.slice(1)}/secret.txt`,
      `/media/thumb/..%2f..%2fsecret.txt?token=${server.token}`,
      `/media/original/%2e%2e?token=${server.token}`,
      `/media/original/${encodeURIComponent(path.join(tmp, 'secret.txt'))}?token=${server.token}`,
      `/media/original/1/../../../secret.txt?token=${server.token}`,
    ];
    for (const p of attempts) {
      const r = await request(p);
      expect([400, 404], p).toContain(r.status);
      expect(r.body.toString()).not.toContain('TOPSECRET');
    }
  });

  it('rejects a Host header that is not ours', async () => {
    const r = await request('/api/getStats', {
      method: 'POST',
      headers: { Host: 'attacker.example', Authorization: `Bearer ${server.token}`, 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(r.status).toBe(403);
    expect((await request('/', { headers: { Host: `rebind.attacker.example:${server.port}` } })).status).toBe(403);
  });

  it('removes the folder from the library without touching files', async () => {
    const [f] = await api<FolderInfo[]>('listFolders');
    await api('removeFolder', f.id);
    expect(await api<FolderInfo[]>('listFolders')).toEqual([]);
    for (const p of photos) expect(existsSync(p.path), p.path).toBe(true);
  });
});
