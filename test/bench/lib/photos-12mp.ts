// Generated text-free 12-megapixel JPEGs for the indexing benches (bench:index, bench:ocr-gate):
// smooth gradients, a round shape and sensor-like noise, as a camera's photo of a plain scene.
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';

/** Photo-like 4000×3000 JPEGs: smooth gradients plus sensor-like noise, ~3–5 MB each. */
export async function makePhotos(dir: string, n: number): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  for (let i = 0; i < n; i++) {
    const file = path.join(dir, `IMG_${String(i).padStart(4, '0')}.jpg`);
    files.push(file);
    if (existsSync(file)) continue;
    const w = 4000;
    const h = 3000;
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
      .png()
      .toBuffer();
    const noisy = await sharp({ create: { width: w, height: h, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 0, sigma: 12 } } })
      .png()
      .toBuffer();
    await sharp(base)
      .composite([{ input: noisy, blend: 'soft-light' }])
      .jpeg({ quality: 90 })
      .withExif({ IFD0: { Make: 'Bench', Model: 'Synthetic 12MP', DateTime: '2026:01:01 12:00:00' } })
      .toFile(file);
  }
  return files;
}
