// Generated text-free 12-megapixel JPEGs for the indexing benches (bench:index, bench:ocr-gate):
// smooth gradients, a round shape and sensor-like noise, as a camera's photo of a plain scene.
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';

/**
 * Photo-like 4000×3000 JPEGs, 4–5 MB each at quality 90 (a camera's size): smooth gradients, a
 * disc and sensor-like noise (one noise field made once and shared: the photos still differ in
 * every pixel). No text in them.
 */
export async function makePhotos(dir: string, n: number): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  const w = 4000;
  const h = 3000;
  let noise: Buffer | null = null;
  for (let i = 0; i < n; i++) {
    const file = path.join(dir, `IMG_${String(i).padStart(4, '0')}.jpg`);
    files.push(file);
    if (existsSync(file)) continue;
    const base = await sharp({
      create: { width: w, height: h, channels: 3, background: { r: (i * 53) % 256, g: (i * 97) % 256, b: (i * 31) % 256 } },
    })
      .composite([
        {
          input: Buffer.from(
            `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}"><defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1">` +
              `<stop offset="0" stop-color="#${((i * 2654435761) >>> 8).toString(16).padStart(6, '0').slice(0, 6)}"/>` +
              `<stop offset="1" stop-color="#203040" stop-opacity="0.4"/></linearGradient></defs>` +
              `<rect width="100%" height="100%" fill="url(#g)"/><circle cx="${1000 + i * 90}" cy="1500" r="700" fill="#f0c040" opacity="0.7"/></svg>`,
          ),
        },
      ])
      .raw()
      .toBuffer();
    noise ??= await sharp({ create: { width: w, height: h, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 0, sigma: 12 } } })
      .raw()
      .toBuffer();
    await sharp(base, { raw: { width: w, height: h, channels: 3 } })
      .composite([{ input: noise, raw: { width: w, height: h, channels: 3 }, blend: 'soft-light' }])
      .jpeg({ quality: 90 })
      .withExif({ IFD0: { Make: 'Bench', Model: 'Synthetic 12MP', DateTime: '2026:01:01 12:00:00' } })
      .toFile(file);
  }
  return files;
}
