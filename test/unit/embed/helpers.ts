import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp, { type Sharp } from 'sharp';

export const TOY_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/models/toy-colors');

/** A writable copy of the toy package; `edit` may change the parsed manifest in place. */
export async function toyCopy(edit?: (m: any) => void): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'kanjian-embed-'));
  await cp(TOY_DIR, dir, { recursive: true });
  if (edit) {
    const file = path.join(dir, 'manifest.json');
    const m = JSON.parse(await readFile(file, 'utf8'));
    edit(m);
    await writeFile(file, JSON.stringify(m));
  }
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** A solid-colour photo as a camera would hand it to us: JPEG bytes, decoded and EXIF-rotated. */
export async function solidPhoto(rgb: readonly [number, number, number], width = 120, height = 80): Promise<Sharp> {
  const jpeg = await sharp({ create: { width, height, channels: 3, background: { r: rgb[0], g: rgb[1], b: rgb[2] } } })
    .jpeg({ quality: 90 })
    .toBuffer();
  return sharp(jpeg).rotate();
}
