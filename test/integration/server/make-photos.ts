// Generated coloured photos for the shell tests: nested folders, Chinese and English names, a
// few shades of each toy-model colour, JPEG and PNG. Shared by test/integration/server and test/e2e.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';

export interface MadePhoto {
  path: string;
  colour: 'red' | 'green' | 'blue' | 'yellow' | 'white' | 'black';
}

const SPECS: { rel: string; colour: MadePhoto['colour']; rgb: [number, number, number]; size: [number, number] }[] = [
  { rel: '旅行/海边/红色的花.jpg', colour: 'red', rgb: [230, 20, 25], size: [320, 240] },
  { rel: '旅行/红灯笼.png', colour: 'red', rgb: [200, 10, 10], size: [240, 320] },
  { rel: '2024/summer/red-car.jpg', colour: 'red', rgb: [255, 40, 30], size: [400, 300] },
  { rel: '旅行/海边/蓝天.jpg', colour: 'blue', rgb: [20, 40, 230], size: [320, 240] },
  { rel: '2024/summer/ocean.jpg', colour: 'blue', rgb: [10, 20, 200], size: [300, 200] },
  { rel: '2024/草地.jpg', colour: 'green', rgb: [20, 200, 30], size: [320, 240] },
  { rel: '2024/forest.png', colour: 'green', rgb: [10, 160, 20], size: [200, 200] },
  { rel: '家/黄色香蕉.jpg', colour: 'yellow', rgb: [240, 230, 20], size: [320, 240] },
  { rel: '家/snow.jpg', colour: 'white', rgb: [250, 250, 250], size: [320, 240] },
  { rel: '家/夜晚/黑夜.jpg', colour: 'black', rgb: [8, 8, 8], size: [320, 240] },
];

/** Writes the photos under `root`; returns them with their colour. */
export async function makeColourPhotos(root: string): Promise<MadePhoto[]> {
  const out: MadePhoto[] = [];
  for (const s of SPECS) {
    const file = path.join(root, s.rel);
    mkdirSync(path.dirname(file), { recursive: true });
    const [w, h] = s.size;
    // A faint diagonal ramp makes each file distinct (different hashes) without changing its colour.
    const raw = Buffer.alloc(w * h * 3);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const d = Math.round(((x + y) / (w + h)) * 12) - 6;
        const i = (y * w + x) * 3;
        raw[i] = Math.max(0, Math.min(255, s.rgb[0] + d));
        raw[i + 1] = Math.max(0, Math.min(255, s.rgb[1] + d));
        raw[i + 2] = Math.max(0, Math.min(255, s.rgb[2] + d));
      }
    }
    const img = sharp(raw, { raw: { width: w, height: h, channels: 3 } });
    await (file.endsWith('.png') ? img.png() : img.jpeg({ quality: 90 })).toFile(file);
    out.push({ path: file, colour: s.colour });
  }
  return out;
}
