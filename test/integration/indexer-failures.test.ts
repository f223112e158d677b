// Failures during indexing never cost a good row, and a file that keeps killing the process
// cannot block the queue: real store, real decoding, real onnxruntime sessions.
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Store } from '../../main/core/store/index.js';
import { Indexer } from '../../main/core/library/indexer.js';
import { openModel, type EmbeddingModel } from '../../main/core/embed/encoder.js';
import { writeColourPhoto } from '../helpers/photos.js';
import { REPO_ROOT, TOY_MODEL } from '../helpers/cli.js';

const CRASHING_INDEXER = path.join(REPO_ROOT, 'test/helpers/crashing-indexer.ts');

/** Runs the child until it reports a job in flight, then kills it with SIGKILL. */
function runUntilKilled(args: string[]): Promise<{ signal: NodeJS.Signals | null; code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      if (d.toString().includes('in-flight:')) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve({ code, signal, stderr }));
  });
}

let tmp: string;
let store: Store;
let model: EmbeddingModel;

beforeEach(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'kanjian-fail-'));
  store = Store.open(path.join(tmp, 'lib.db'));
  model = await openModel(TOY_MODEL, { provider: 'cpu' });
});
afterEach(async () => {
  await model.close();
  store.close();
  rmSync(tmp, { recursive: true, force: true });
});

const thumbDir = () => path.join(tmp, 'thumbs');

describe('indexer failures', () => {
  it('a model that fails while re-embedding keeps the indexed row and its vector', async () => {
    const folder = store.folders.add(path.join(tmp, 'lib'));
    const file = await writeColourPhoto(path.join(tmp, 'lib', 'red.jpg'), 'red');
    const good = { model, modelId: store.vectors.ensureModel(model.manifest.id, model.dim) };
    store.jobs.enqueue('index', [{ path: file, folderId: folder.id }]);
    expect((await new Indexer(store, { thumbDir: thumbDir(), model: good }).drain()).indexed).toBe(1);
    const before = store.photos.byPath(file)!;

    // A second model whose session is gone (as after a crash of the GPU driver): every embed throws.
    const broken = await openModel(TOY_MODEL, { provider: 'cpu' });
    await broken.close();
    const brokenSlot = { model: broken, modelId: store.vectors.ensureModel('broken-model', broken.dim) };
    store.jobs.enqueue('index', [{ path: file, folderId: folder.id }]);
    const indexer = new Indexer(store, { thumbDir: thumbDir(), model: brokenSlot });
    let failed: { path: string; error: string }[] = [];
    for (let i = 0; i < 3; i++) failed = (await indexer.drain()).failed;
    expect(failed).toHaveLength(1);
    expect(store.jobs.count('index')).toBe(0);
    const after = store.photos.byPath(file)!;
    expect(after).toMatchObject({ status: 'indexed', sha256: before.sha256, width: before.width });
    expect(store.vectors.knn(good.modelId, (await model.embedText('red'))!, 5).map((n) => n.sha256)).toEqual([before.sha256]);
  });

  it('a file that was being read when the process died three times is skipped with a reason, and the rest goes on', async () => {
    const folder = store.folders.add(path.join(tmp, 'lib'));
    const crasher = await writeColourPhoto(path.join(tmp, 'lib', 'crasher.jpg'), 'blue');
    const fine = await writeColourPhoto(path.join(tmp, 'lib', 'fine.jpg'), 'green');
    store.jobs.enqueue('index', [{ path: crasher, folderId: folder.id }]);
    const attempts = () => (store.db.prepare('SELECT attempts FROM jobs WHERE path = ?').get(crasher) as { attempts: number }).attempts;
    // Three real processes claim the job, read the photo and are killed (SIGKILL) mid-job.
    for (let run = 1; run <= 3; run++) {
      const died = await runUntilKilled(['--import', 'tsx', CRASHING_INDEXER, path.join(tmp, 'lib.db'), TOY_MODEL, thumbDir()]);
      expect(died.signal, died.stderr).toBe('SIGKILL');
      expect(attempts()).toBe(run);
      expect(store.photos.byPath(crasher)).toBeUndefined();
    }
    store.jobs.enqueue('index', [{ path: fine, folderId: folder.id }]);
    const slot = { model, modelId: store.vectors.ensureModel(model.manifest.id, model.dim) };
    const result = await new Indexer(store, { thumbDir: thumbDir(), model: slot }).drain();
    expect(result.indexed).toBe(1);
    expect(result.failed.map((f) => f.path)).toEqual([crasher]);
    expect(store.photos.byPath(crasher)).toMatchObject({ status: 'failed' });
    expect(store.photos.byPath(crasher)!.error).toMatch(/stopped while reading/);
    expect(store.photos.byPath(fine)).toMatchObject({ status: 'indexed' });
    expect(store.jobs.count('index')).toBe(0);
  });
});
