// Kanjian's own data folder is never indexed, also when the library folder reaches it under
// another name (through a symlinked parent): no thumbnails of thumbnails, run after run. Through
// the real CLI, on real folders.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import Database from 'better-sqlite3';
import path from 'node:path';
import { runCli, TOY_MODEL } from '../../helpers/cli.js';
import { writeColourPhoto } from '../../helpers/photos.js';

let tmp: string;
let alias: string;
let data: string;

const thumbnails = () => readdirSync(path.join(data, 'thumbnails'), { recursive: true }).filter((f) => String(f).endsWith('.webp')).length;

async function index(): Promise<{ indexed: number; failed: unknown[] }> {
  const r = await runCli(['index', alias, '--data', data, '--model', TOY_MODEL, '--json'], { env: { KANJIAN_OCR: '0' } });
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'kanjian-datafolder-'));
  const real = path.join(tmp, 'real');
  // The data folder lives inside the photo tree; the library folder is added through a link to it.
  data = path.join(real, 'kanjian-data');
  mkdirSync(data, { recursive: true });
  await writeColourPhoto(path.join(real, 'red.jpg'), 'red', { seed: 1 });
  await writeColourPhoto(path.join(real, 'trip', 'blue.jpg'), 'blue', { seed: 2 });
  alias = path.join(tmp, 'alias');
  symlinkSync(real, alias, 'dir');
});

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('the data folder reached through a link', () => {
  it('is not indexed: its thumbnails never become photos, however often the folder is indexed', async () => {
    const first = await index();
    expect(first.indexed).toBe(2);
    expect(first.failed).toEqual([]);
    expect(thumbnails()).toBe(2);
    const second = await index();
    expect(second.indexed).toBe(0);
    expect(thumbnails()).toBe(2);
    const db = new Database(path.join(data, 'library.db'), { readonly: true });
    const paths = (db.prepare('SELECT path FROM photos ORDER BY path').all() as { path: string }[]).map((r) => path.basename(r.path));
    db.close();
    expect(paths.sort()).toEqual(['blue.jpg', 'red.jpg']);
  });
});
