// The image tower runs on its own thread (main/core/embed/image-tower.ts): what it returns must be
// what the graph computes on the calling thread, it must fail clearly, and a closed tower must not run.
import path from 'node:path';
import type { Worker } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { imageTowerThreads, openModel } from '../../../main/core/embed/encoder.js';
import { ImageTower, spawnImageWorker, type SpawnImageWorker } from '../../../main/core/embed/image-tower.js';
import { l2Normalize } from '../../../main/core/embed/vector.js';
import { solidPhoto, TOY_DIR } from './helpers.js';

const VISUAL = path.join(TOY_DIR, 'visual/model.onnx');
const towers: ImageTower[] = [];
afterAll(async () => {
  for (const t of towers) await t.close().catch(() => undefined);
});

describe('image tower thread', () => {
  it('returns what the same graph computes on this thread, for each of several images', async () => {
    const model = await openModel(TOY_DIR, { provider: 'cpu' });
    const direct = await ort.InferenceSession.create(VISUAL);
    try {
      const spec = model.manifest.image;
      const colours = [[230, 20, 25], [20, 40, 220], [250, 250, 250]] as const;
      const tensors = await Promise.all(colours.map(async (c) => model.imageTensor(await solidPhoto(c))));
      // Sent together: the thread answers each run with its own vector, in any order of arrival.
      const viaThread = await Promise.all(tensors.map((t) => model.embedImage(t)));
      expect(viaThread).toHaveLength(colours.length);
      for (const [i, t] of tensors.entries()) {
        const out = await direct.run({ [spec.input.name]: new ort.Tensor('float32', t, [1, 3, spec.size, spec.size]) });
        const raw = (out[direct.outputNames[0]].data as Float32Array).slice(0, model.dim);
        const expected = Array.from(spec.normalize ? l2Normalize(raw) : raw);
        expect(Array.from(viaThread[i])).toEqual(expected.map((x) => expect.closeTo(x, 6)));
        // The caller's tensor is copied, not taken: it can be sent again.
        expect(t.length).toBe(3 * spec.size * spec.size);
      }
      expect(viaThread[0]).not.toEqual(viaThread[1]);
    } finally {
      await model.close();
      await direct.release();
    }
  });

  it('a file that is not a model fails to open with the reason, and a closed tower refuses to run', async () => {
    await expect(ImageTower.open(path.join(TOY_DIR, 'manifest.json'), ['cpu'], 1)).rejects.toThrow(/cannot load .*manifest\.json/);
    const tower = await ImageTower.open(VISUAL, ['cpu'], 1);
    towers.push(tower);
    expect(tower.provider).toBe('cpu');
    await tower.close();
    await expect(tower.run('image', 'embedding', new Float32Array(3), [1, 3])).rejects.toThrow(/closed/);
  });

  it('gives inference half the cores (the other half decodes), at least one', () => {
    expect([imageTowerThreads(1), imageTowerThreads(2), imageTowerThreads(8)]).toEqual([1, 1, 4]);
  });
});

describe('image tower thread that dies', () => {
  it('fails the run it held, and the next run starts a new thread with the same answers', async () => {
    // The real worker module, with a hand kept on each thread started.
    const threads: Worker[] = [];
    const spawn: SpawnImageWorker = (data) => {
      const w = spawnImageWorker(data);
      threads.push(w);
      return w;
    };
    const tower = await ImageTower.open(VISUAL, ['cpu'], 1, spawn);
    towers.push(tower);
    const input = new Float32Array(3 * 32 * 32).fill(0.25);
    const before = await tower.run('image', 'embedding', input, [1, 3, 32, 32]);
    const held = tower.run('image', 'embedding', input, [1, 3, 32, 32]);
    // Ended the way a crash would end it.
    await threads[0].terminate();
    // Terminated before or after it answered: either way the tower must go on afterwards.
    await held.catch((e: Error) => expect(e.message).toMatch(/exited/));
    const after = await tower.run('image', 'embedding', input, [1, 3, 32, 32]);
    expect(threads).toHaveLength(2);
    expect(Array.from(after.data)).toEqual(Array.from(before.data));
    expect(after.data.length).toBeGreaterThan(0);
  });
});
