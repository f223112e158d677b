// The per-machine tag vector cache with real parts: the toy package's real ONNX sessions, the
// built-in vocabulary (≈1900 prompts), real SQLite libraries, a real cache folder. Text tower
// runs are counted on onnxruntime's InferenceSession.run (the feeds name the text input).
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import onnxProto from 'onnx-proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kanjian } from '../../../main/core/kanjian.js';
import { TOY_MODEL } from '../../helpers/cli.js';
import { writeColourPhoto } from '../../helpers/photos.js';
import { spyOnSessionRuns } from '../../helpers/session-runs.js';
import { toyCopy } from '../../unit/embed/helpers.js';

let tmp: string;
let cacheDir: string;
let photos: string;
/** The cache file of the fixture's own text tower. */
let toyFile: string;

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'kanjian-tagcache-'));
  cacheDir = path.join(tmp, 'cache');
  photos = path.join(tmp, 'photos');
  await writeColourPhoto(path.join(photos, 'red.jpg'), 'red', { seed: 1 });
  await writeColourPhoto(path.join(photos, 'blue.jpg'), 'blue', { seed: 2 });
});

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Opens a library, tags it (the vocabulary's vectors are made or found), closes it: text tower runs. */
async function tagRuns(dataDir: string, model = TOY_MODEL): Promise<number> {
  const spy = spyOnSessionRuns();
  try {
    const k = await Kanjian.open({ dataDir, model, ocr: false, cacheDir });
    try {
      await k.tags.tagPending();
      await k.idle();
    } finally {
      await k.close();
    }
    return spy.count('text');
  } finally {
    spy.restore();
  }
}

async function photoTags(dataDir: string, model = TOY_MODEL) {
  const k = await Kanjian.open({ dataDir, model, ocr: false, cacheDir });
  try {
    await k.indexFolder(photos);
    await k.idle();
    const out: Record<string, string[]> = {};
    for (const p of (await k.listPhotos({})).photos) out[path.basename(p.path)] = (await k.photoTags(p.id)).map((t) => `${t.key}:${t.score}`);
    return out;
  } finally {
    await k.close();
  }
}

const cacheFiles = () => (existsSync(path.join(cacheDir, 'tag-vectors')) ? readdirSync(path.join(cacheDir, 'tag-vectors')).filter((f) => f.endsWith('.json')) : []);

describe('per-machine tag vector cache', () => {
  it('a second library, and a re-created one, embed no tag prompt; their tags are the same', async () => {
    const a = path.join(tmp, 'a');
    expect(await tagRuns(a)).toBeGreaterThan(10);
    expect(cacheFiles()).toHaveLength(1);
    toyFile = path.join(cacheDir, 'tag-vectors', cacheFiles()[0]);

    const b = path.join(tmp, 'b');
    expect(await tagRuns(b)).toBe(0);

    // Re-created: the library file is gone, the data folder stays.
    for (const f of readdirSync(a)) if (f.startsWith('library.db')) rmSync(path.join(a, f));
    expect(await tagRuns(a)).toBe(0);

    const tagsA = await photoTags(a);
    expect(tagsA['red.jpg'].length).toBeGreaterThan(0);
    expect(await photoTags(b)).toEqual(tagsA);
  });

  it('the same tower bytes elsewhere share the vectors; a changed text tower recomputes into its own file', async () => {
    const copy = await toyCopy();
    try {
      expect(await tagRuns(path.join(tmp, 'c'), copy.dir)).toBe(0);

      // Same graph, other bytes (producer name): another digest.
      const file = path.join(copy.dir, 'textual/model.onnx');
      const m = onnxProto.onnx.ModelProto.decode(await readFile(file));
      m.producerName = 'kanjian-toy-colors-changed';
      await writeFile(file, onnxProto.onnx.ModelProto.encode(m).finish());
      expect(await tagRuns(path.join(tmp, 'd'), copy.dir)).toBeGreaterThan(10);
      expect(cacheFiles()).toHaveLength(2);
      expect(await tagRuns(path.join(tmp, 'e'), copy.dir)).toBe(0);
    } finally {
      await copy.cleanup();
    }
  });

  it('a corrupt or truncated cache file is ignored, then replaced', async () => {
    const file = toyFile;
    for (const [i, damage] of [(t: string) => t.slice(0, t.length >> 1), (t: string) => t.replace(/"[A-Za-z0-9+/]{8}/, '"AAAAAAAA')].entries()) {
      const text = await readFile(file, 'utf8');
      await writeFile(file, damage(text));
      expect(await tagRuns(path.join(tmp, `f${i}`))).toBeGreaterThan(10);
      expect(await tagRuns(path.join(tmp, `g${i}`))).toBe(0);
    }
    await rm(file);
    await writeFile(file, '');
    expect(await tagRuns(path.join(tmp, 'h'))).toBeGreaterThan(10);
  });
});
