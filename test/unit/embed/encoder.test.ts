import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openModel, type EmbeddingModel } from '../../../main/core/embed/encoder.js';
import { dot } from '../../../main/core/embed/vector.js';
import { solidPhoto, TOY_DIR } from './helpers.js';

type RGB = readonly [number, number, number];

// Queries per colour in both languages: bare word, Chinese with 色, a sentence, traditional form.
const COLOURS: Array<{ name: string; rgb: RGB; queries: string[] }> = [
  { name: 'red', rgb: [230, 20, 25], queries: ['red', 'RED', '红', '红色', 'a red photo', '紅色', '红色的照片'] },
  { name: 'green', rgb: [30, 200, 40], queries: ['green', '绿色', 'a green picture', '綠'] },
  { name: 'blue', rgb: [20, 40, 220], queries: ['blue', '蓝色', 'the blue beach', '藍色'] },
  { name: 'yellow', rgb: [240, 230, 30], queries: ['yellow', '黄色', 'a yellow sunset', '黃色'] },
  { name: 'white', rgb: [250, 250, 250], queries: ['white', '白色', 'a white photo'] },
  { name: 'black', rgb: [10, 10, 10], queries: ['black', '黑色', 'black photo', '黑'] },
];

let model: EmbeddingModel;
let minScore: number;
const photoVec = new Map<string, Float32Array>();

async function embedPhoto(rgb: RGB): Promise<Float32Array> {
  return model.embedImage(await model.imageTensor(await solidPhoto(rgb)));
}

function norm(v: Float32Array): number {
  return Math.sqrt(dot(v, v));
}

beforeAll(async () => {
  model = await openModel(TOY_DIR, { provider: 'cpu', threads: 1 });
  minScore = model.manifest.search.minScore;
  for (const c of COLOURS) photoVec.set(c.name, await embedPhoto(c.rgb));
});

afterAll(async () => {
  await model?.close();
});

describe('toy model on CPU', () => {
  it('describes itself', () => {
    expect(model.provider).toBe('cpu');
    expect(model.providerNote).toBeNull();
    expect(model.dim).toBe(8);
    expect(model.manifest.fixture).toBe(true);
  });

  it('image embeddings are unit length', () => {
    expect(photoVec.size).toBe(COLOURS.length);
    for (const v of photoVec.values()) {
      expect(v.length).toBe(8);
      expect(norm(v)).toBeCloseTo(1, 5);
    }
  });

  for (const colour of COLOURS) {
    it(`finds the ${colour.name} photo with ${colour.queries.join(' / ')}`, async () => {
      for (const q of colour.queries) {
        const t = await model.embedText(q);
        expect(norm(t)).toBeCloseTo(1, 5);
        const scores = COLOURS.map((c) => ({ name: c.name, score: dot(t, photoVec.get(c.name)!) }));
        const best = scores.reduce((a, b) => (b.score > a.score ? b : a));
        expect(best.name, `query "${q}"`).toBe(colour.name);
        for (const s of scores) {
          if (s.name === colour.name) expect(s.score, `"${q}" vs ${s.name}`).toBeGreaterThan(minScore);
          else expect(s.score, `"${q}" vs ${s.name}`).toBeLessThan(minScore);
        }
      }
    });
  }

  it('a mixed-language query still means its colour', async () => {
    const t = await model.embedText('红色 photo');
    expect(dot(t, photoVec.get('red')!)).toBeGreaterThan(0.99);
    expect(Array.from(t)).toEqual(Array.from(await model.embedText('red')));
  });

  it('an unknown word embeds to the zero vector, without NaN', async () => {
    for (const q of ['zebra', '', '斑马']) {
      const t = await model.embedText(q);
      expect(Array.from(t)).toEqual(Array(8).fill(0));
      expect(t.some(Number.isNaN)).toBe(false);
    }
  });

  it('minScore splits in-between colours as the build script argues', async () => {
    const orange = await embedPhoto([255, 128, 0]);
    const grey = await embedPhoto([128, 128, 128]);
    for (const q of ['red', 'yellow']) expect(dot(await model.embedText(q), orange)).toBeGreaterThan(minScore);
    for (const c of COLOURS) expect(dot(await model.embedText(c.name), grey)).toBeLessThan(minScore);
  });

  it('runs image embeddings concurrently with identical results', async () => {
    const tensors = await Promise.all(COLOURS.map(async (c) => model.imageTensor(await solidPhoto(c.rgb))));
    const vecs = await Promise.all(tensors.map((t) => model.embedImage(t)));
    COLOURS.forEach((c, i) => expect(Array.from(vecs[i])).toEqual(Array.from(photoVec.get(c.name)!)));
  });

  it('rejects a tensor of the wrong size', async () => {
    await expect(model.embedImage(new Float32Array(10))).rejects.toThrow(/expects 3x32x32 = 3072/);
  });
});

describe('openModel', () => {
  it('creates the text session only when text is first embedded', async () => {
    const m = await openModel(TOY_DIR, { provider: 'cpu', precision: 'int8' });
    try {
      expect(m.providerNote).toBe('Toy colours (test fixture) has no int8 image model; using fp32');
      const [a, b] = await Promise.all([m.embedText('blue'), m.embedText('蓝')]);
      expect(Array.from(a)).toEqual(Array.from(b));
      expect(m.providerNote).toBe(
        'Toy colours (test fixture) has no int8 image model; using fp32; Toy colours (test fixture) has no int8 text model; using fp32',
      );
    } finally {
      await m.close();
    }
    await expect(m.embedText('red')).rejects.toThrow(/closed/);
  });

  it('falls back to CPU on auto and says why', async () => {
    const m = await openModel(TOY_DIR, { platform: 'win32' });
    try {
      if (process.platform !== 'win32') {
        expect(m.provider).toBe('cpu');
        expect(m.providerNote).toMatch(/^DirectML unavailable \(.+\); using CPU$/);
      }
      expect(dot(await m.embedText('white'), await m.embedImage(await m.imageTensor(await solidPhoto([255, 255, 255]))))).toBeGreaterThan(0.99);
    } finally {
      await m.close();
    }
  });

  it('reads KANJIAN_EP when no provider option is given', async () => {
    const before = process.env.KANJIAN_EP;
    process.env.KANJIAN_EP = 'cpu';
    try {
      const m = await openModel(TOY_DIR, { platform: 'win32' });
      expect(m.provider).toBe('cpu');
      expect(m.providerNote).toBeNull();
      await m.close();
    } finally {
      if (before === undefined) delete process.env.KANJIAN_EP;
      else process.env.KANJIAN_EP = before;
    }
  });
});
