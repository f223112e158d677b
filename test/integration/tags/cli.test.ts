// The `tags` CLI contract with the toy colour model and the colour vocabulary file.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT, runCli, TOY_MODEL } from '../../helpers/cli.js';
import { writeColourPhoto } from '../../helpers/photos.js';

const VOCAB = path.join(REPO_ROOT, 'test/fixtures/vocabularies/colors.json');
let tmp: string;
let lib: string;
let data: string;

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'kanjian-tags-cli-'));
  lib = path.join(tmp, '照片');
  data = path.join(tmp, 'data');
  for (let i = 0; i < 3; i++) await writeColourPhoto(path.join(lib, '红', `r${i}.jpg`), 'red', { seed: i + 1 });
  for (let i = 0; i < 2; i++) await writeColourPhoto(path.join(lib, 'blue', `b${i}.png`), 'blue', { seed: i + 10 });
});

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

type Out = {
  folders: { path: string; tags: { en: string; zh: string; score: number }[] }[];
  photos: { path: string; tags: { en: string; zh: string; score: number }[] }[];
};

describe('tags CLI', () => {
  it('indexes the folder, tags it with the vocabulary file and prints folders and photos as JSON', async () => {
    const r = await runCli(['tags', lib, '--data', data, '--model', TOY_MODEL, '--vocabulary', VOCAB, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as Out;
    const red = out.folders.find((f) => f.path === path.join(lib, '红'))!;
    expect(red.tags[0]).toEqual({ en: 'red', zh: '红色', score: 1 });
    const blue = out.folders.find((f) => f.path === path.join(lib, 'blue'))!;
    expect(blue.tags[0]).toMatchObject({ en: 'blue', zh: '蓝色' });
    expect(out.photos).toHaveLength(5);
    for (const p of out.photos) {
      expect(p.tags[0].en).toBe(p.path.includes(`${path.sep}红${path.sep}`) ? 'red' : 'blue');
      expect(p.tags[0].score).toBeGreaterThan(0.99);
    }
  });

  it('without --json prints each folder with its tags in both languages', async () => {
    const r = await runCli(['tags', '--data', data, '--model', TOY_MODEL, '--vocabulary', VOCAB]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/红 {2}\(3 photos\) {2}红色\/red 100%/);
    expect(r.stdout).toMatch(/b0\.png {2}蓝色\/blue 1\.00/);
  });

  it('says what to do without a model, and rejects a broken vocabulary', async () => {
    // A --data folder with no library is refused (not created); a library without a model says what to do.
    const missing = await runCli(['tags', '--data', path.join(tmp, 'empty'), '--json']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/There is no Kanjian library/);
    const noModelLib = path.join(tmp, 'no-model-lib');
    mkdirSync(path.join(tmp, 'empty-folder'));
    expect((await runCli(['index', path.join(tmp, 'empty-folder'), '--data', noModelLib])).code).toBe(0);
    const none = await runCli(['tags', '--data', noModelLib, '--json']);
    expect(none.code).toBe(2);
    expect(JSON.parse(none.stdout).message).toMatch(/models download/);
    const bad = await runCli(['tags', '--data', data, '--model', TOY_MODEL, '--vocabulary', path.join(tmp, 'nope.json')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/Cannot read vocabulary/);
  });
});
