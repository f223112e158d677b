// The Electron shell's process layout without Electron: CoreClient in this process, the real
// core in a child process (as utilityProcess.fork would run core-process.ts), talking the
// core-rpc protocol with structured clone. Indexes generated photos and searches them.
import { fork } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FolderInfo, KanjianEvent, SearchResponse } from '../../../main/core/api.js';
import { CoreClient, type CoreProcessHandle, type FromCore } from '../../../main/electron/core-rpc.js';
import { makeColourPhotos, type MadePhoto } from './make-photos.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const MODEL = path.resolve(here, '../../fixtures/models/toy-colors');

let tmp: string;
let photos: MadePhoto[];
let client: CoreClient;
let pids: number[] = [];

function spawn(): CoreProcessHandle {
  const child = fork(path.join(here, 'core-child.ts'), [], {
    execArgv: ['--import', 'tsx'],
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  if (child.pid) pids.push(child.pid);
  return {
    port: {
      post: (m) => child.send(m),
      listen(onMessage) {
        const h = (m: unknown) => onMessage(m as FromCore);
        child.on('message', h);
        return () => child.off('message', h);
      },
    },
    onExit: (cb) => void child.once('exit', (code, signal) => cb(code ?? (signal ? 128 : 0))),
    kill: () => void child.kill(),
  };
}

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'kanjian-core-proc-'));
  photos = await makeColourPhotos(path.join(tmp, 'photos'));
  client = new CoreClient({ init: { dataDir: path.join(tmp, 'data'), model: MODEL }, spawn, log: () => {} });
});
afterAll(async () => {
  await client?.close();
  for (const pid of pids) {
    try {
      process.kill(pid, 0);
      process.kill(pid);
    } catch {
      // already gone
    }
  }
  rmSync(tmp, { recursive: true, force: true });
});

describe('core in a separate process', () => {
  it('indexes a folder with live events and answers searches', async () => {
    await client.start();
    const events: KanjianEvent[] = [];
    const done = new Promise<void>((resolve) => {
      client.onEvent((e) => {
        events.push(e);
        if (e.type === 'folders' && e.folders[0]?.indexedCount === photos.length) resolve();
      });
    });
    const folder = (await client.call('addFolder', path.join(tmp, 'photos'))) as FolderInfo;
    expect(folder.path).toBe(path.join(tmp, 'photos'));
    await done;
    expect(events.some((e) => e.type === 'progress')).toBe(true);

    const res = (await client.call('search', { query: '红色' })) as SearchResponse;
    const reds = photos.filter((p) => p.colour === 'red').map((p) => p.path).sort();
    expect(res.results.slice(0, reds.length).map((r) => r.photo.path).sort()).toEqual(reds);
  });

  it('resolves media in the core process, by id only', async () => {
    const { photos: list } = (await client.call('listPhotos', {})) as { photos: { id: number; path: string }[] };
    const t = await client.resolveMedia('thumb', String(list[0].id));
    expect(t).toMatchObject({ ok: true, contentType: 'image/webp' });
    const o = await client.resolveMedia('original', String(list[0].id));
    expect(o.ok && o.file).toBe(list[0].path);
    expect(await client.resolveMedia('original', '../../etc/passwd')).toMatchObject({ ok: false, status: 400 });
  });

  it('closes the core cleanly (the process exits by itself)', async () => {
    const pid = pids[0];
    await client.close();
    for (let i = 0; i < 100; i++) {
      try {
        process.kill(pid, 0);
        await new Promise((r) => setTimeout(r, 50));
      } catch {
        break;
      }
    }
    expect(() => process.kill(pid, 0)).toThrow();
    expect(existsSync(path.join(tmp, 'data', 'library.db'))).toBe(true);
  });
});
