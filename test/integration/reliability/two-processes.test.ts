// One writer per library, on real processes: an app-like `watch` and a CLI `index` on the same
// library at once. Both may queue; only the lease holder runs jobs, so no job is claimed twice
// and nothing is reported failed that is fine.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import Database from 'better-sqlite3';
import * as sqliteVec from 'sqlite-vec';
import sharp from 'sharp';
import { spawnCli, TOY_MODEL } from '../../helpers/cli.js';
import { until } from '../../helpers/until.js';
import { Store } from '../../../main/core/store/index.js';
import { WriterLease } from '../../../main/core/store/lease.js';
import { scanFolder } from '../../../main/core/library/scan.js';

let tmp: string;
let lib: string;
let data: string;
const N = 40;

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'kanjian-two-'));
  lib = path.join(tmp, 'photos');
  data = path.join(tmp, 'data');
  mkdirSync(lib, { recursive: true });
  for (let i = 0; i < N; i++) {
    await sharp({ create: { width: 1200, height: 900, channels: 3, background: { r: (i * 37) % 255, g: (i * 91) % 255, b: (i * 53) % 255 }, noise: { type: 'gaussian', mean: 128, sigma: 40 } } })
      .jpeg({ quality: 90 })
      .toFile(path.join(lib, `p-${String(i).padStart(2, '0')}.jpg`));
  }
}, 180_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function stopped(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('close', () => resolve());
    child.kill('SIGINT');
  });
}

describe('two processes on one library', () => {
  it('watch + index at once: every photo indexed exactly once, none failed, queue empty', async () => {
    // The library already knows the folder and has its jobs queued (as after an interrupted run),
    // so both processes start on the same queue the moment they are up.
    const store = Store.open(path.join(data, 'library.db'));
    try {
      const folder = store.folders.add(lib);
      expect((await scanFolder(store, folder.id, lib)).queued).toBe(N);
    } finally {
      store.close();
    }
    // This test process holds the library until both have said they wait for it: from its
    // release on, the two contend for the same queue at once, however slowly either started.
    const holder = Store.open(path.join(data, 'library.db'));
    const lease = new WriterLease(holder.db, 'test holder');
    expect(lease.tryAcquire()).toBeNull();
    const watch = spawnCli(['watch', lib, '--data', data, '--model', TOY_MODEL]);
    let watchErr = '';
    watch.stderr!.on('data', (d) => (watchErr += d));
    const index = spawnCli(['index', lib, '--json', '--data', data, '--model', TOY_MODEL], { env: { KANJIAN_OCR: '0' } });
    const r = { code: null as number | null, stdout: '', stderr: '' };
    index.stdout!.on('data', (d) => (r.stdout += d));
    index.stderr!.on('data', (d) => (r.stderr += d));
    const indexExited = new Promise<void>((resolve) => index.on('close', (code) => resolve(void (r.code = code))));
    try {
      const waitingForTest = `pid ${process.pid} (test holder)`;
      try {
        await until('both processes wait for the test holder', () => watchErr.includes(waitingForTest) && r.stderr.includes(waitingForTest), 60_000);
      } catch (e) {
        // What each said instead (seen once, not reproduced: the next failure says why).
        throw new Error(`${(e as Error).message}\n--- watch stderr:\n${watchErr}\n--- index stderr:\n${r.stderr}`);
      } finally {
        lease.release();
        holder.close();
      }
      await indexExited;
      expect(r.code, r.stderr).toBe(0);
      const summary = JSON.parse(r.stdout);
      expect(summary.failed).toEqual([]);
      // Let the watcher finish whatever it still holds, then stop it like Ctrl+C.
      await until('all indexed', () => {
        const db = new Database(path.join(data, 'library.db'), { readonly: true });
        try {
          const n = (db.prepare("SELECT COUNT(*) AS n FROM photos WHERE status = 'indexed'").get() as { n: number }).n;
          const q = (db.prepare("SELECT COUNT(*) AS n FROM jobs WHERE kind = 'index'").get() as { n: number }).n;
          return n === N && q === 0;
        } finally {
          db.close();
        }
      }, 120_000);
      await stopped(watch);
      // Each process logs what each of its runs indexed: together exactly N, i.e. no photo twice.
      const byWatch = [...watchErr.matchAll(/drain: indexed (\d+), removed \d+, failed (\d+)/g)];
      expect(byWatch.every((m) => m[2] === '0')).toBe(true);
      const watchTotal = byWatch.reduce((s, m) => s + Number(m[1]), 0);
      expect(watchTotal + summary.indexed).toBe(N);
      expect(watchErr).not.toMatch(/failed [1-9]/);

      const db = new Database(path.join(data, 'library.db'), { readonly: true });
      sqliteVec.load(db);
      try {
        expect((db.prepare("SELECT COUNT(*) AS n FROM photos WHERE status = 'failed'").get() as { n: number }).n).toBe(0);
        expect((db.prepare('SELECT COUNT(*) AS n FROM embeddings').get() as { n: number }).n).toBe(N);
        expect((db.prepare('SELECT COUNT(*) AS n FROM vec_image_1').get() as { n: number }).n).toBe(N);
        expect((db.prepare('SELECT COUNT(*) AS n FROM writer_lease').get() as { n: number }).n).toBe(0);
      } finally {
        db.close();
      }
    } finally {
      await stopped(watch);
      await stopped(index);
    }
  }, 240_000);

  it('a CLI index waits while another process holds the library, naming it, then does the work', async () => {
    const lib2 = path.join(tmp, 'more');
    await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 200, g: 10, b: 10 } } }).jpeg().toFile(path.join(lib2, 'one.jpg')).catch(async () => {
      mkdirSync(lib2, { recursive: true });
      await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 200, g: 10, b: 10 } } }).jpeg().toFile(path.join(lib2, 'one.jpg'));
    });
    // This test process stands in for the app: it holds the lease on the same library file.
    const store = Store.open(path.join(data, 'library.db'));
    const lease = new WriterLease(store.db, 'test holder');
    expect(lease.tryAcquire()).toBeNull();
    try {
      const child = spawnCli(['index', lib2, '--json', '--data', data, '--model', TOY_MODEL]);
      let out = '';
      let err = '';
      child.stdout!.on('data', (d) => (out += d));
      child.stderr!.on('data', (d) => (err += d));
      const exited = new Promise<number | null>((r) => child.on('close', r));
      await until('the CLI says who holds the library', () => err.includes(`pid ${process.pid} (test holder)`), 60_000);
      expect(out).toBe(''); // it waits; it has not indexed or reported anything yet
      lease.release();
      expect(await exited).toBe(0);
      expect(JSON.parse(out)).toMatchObject({ indexed: 1, failed: [] });
    } finally {
      lease.release();
      store.close();
    }
  }, 120_000);
});
