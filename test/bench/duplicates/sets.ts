// The two sets of the duplicates benchmark, built from real photos in Debian packages so both
// can be rebuilt from a clean clone (the bench installs the packages with apt-get):
//
//   calibration  mate-backgrounds, /usr/share/backgrounds/mate/nature/*.jpg — thresholds are
//                tuned on this set only;
//   held-out     plasma-workspace-wallpapers, the photographic wallpapers — never tuned on.
//
// Each wallpaper is downscaled to 1600 px and cut into two halves, two different pictures. Per
// picture: the "original" (its central 90 %), every copy kind of variants.ts made from that
// original, and two look-alikes that are NOT copies: a burst frame (the camera moved 3 %, turned
// 0.8°, exposure a little different) and the same scene a minute later (moved 5 %, darker, part
// of the scene changed). Plus pictures that look alike across a set: flat skies and documents of
// one template with different text. A pair is right only when both files come from one original.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { writeVariant, type VariantKind } from '../../integration/duplicates/variants.js';

const run = promisify(execFile);

export type FileKind = VariantKind | 'original' | 'burst' | 'later' | 'sky' | 'document';

export interface BenchFile {
  file: string;
  /** Files with the same origin are copies of one picture. */
  origin: number;
  kind: FileKind;
}

export interface SetSpec {
  name: 'calibration' | 'held-out';
  debianPackage: string;
  sources: () => string[];
}

const PLASMA_PHOTOS = ['Autumn', 'BytheWater', 'ColdRipple', 'ColorfulCups', 'DarkestHour', 'EveningGlow', 'FallenLeaf', 'Grey', 'Kite', 'MilkyWay', 'OneStandsOut', 'Path', 'summer_1am'];

export const SETS: readonly SetSpec[] = [
  {
    name: 'calibration',
    debianPackage: 'mate-backgrounds',
    sources: () => {
      const dir = '/usr/share/backgrounds/mate/nature';
      return readdirSync(dir).filter((f) => /\.jpe?g$/i.test(f)).sort().map((f) => path.join(dir, f));
    },
  },
  {
    name: 'held-out',
    debianPackage: 'plasma-workspace-wallpapers',
    sources: () =>
      PLASMA_PHOTOS.map((name) => {
        const dir = `/usr/share/wallpapers/${name}/contents/images`;
        // The largest rendition of each wallpaper.
        const files = readdirSync(dir).filter((f) => /^\d+x\d+\.(jpe?g|png)$/i.test(f));
        files.sort((a, b) => pixels(b) - pixels(a));
        return path.join(dir, files[0]);
      }),
  },
];

const pixels = (name: string) => name.split(/[x.]/).slice(0, 2).map(Number).reduce((a, b) => a * b, 1);

/** Installs what a set needs (Debian/Ubuntu, as root); false when it cannot. */
export async function ensurePackage(pkg: string, probe: string): Promise<boolean> {
  if (existsSync(probe)) return true;
  try {
    await run('apt-get', ['install', '-y', '--no-install-recommends', pkg], { maxBuffer: 16 * 1024 * 1024 });
  } catch {
    return false;
  }
  return existsSync(probe);
}

/** The two pictures of one wallpaper, each ~800×1600 (halves of a 1600-px rendition), as PNG. */
async function halves(src: string, dir: string, tag: string): Promise<string[]> {
  const scaled = await sharp(src).rotate().resize(1600, 1600, { fit: 'inside' }).png().toBuffer();
  const { width, height } = await sharp(scaled).metadata();
  const w = Math.floor(width! / 2);
  const out: string[] = [];
  for (const [i, left] of [0, w].entries()) {
    const file = path.join(dir, `src-${tag}-${i}.png`);
    await sharp(scaled).extract({ left, top: 0, width: w, height: height! }).png().toFile(file);
    out.push(file);
  }
  return out;
}

/** A window of `src` (fractions of its size), turned `deg` degrees, with exposure `gain`. */
async function frame(src: string, dest: string, x: number, y: number, size: number, deg: number, gain: number, change?: 'patch'): Promise<void> {
  const { width, height } = await sharp(src).metadata();
  const W = width!;
  const H = height!;
  let img = sharp(src).extract({ left: Math.round(W * x), top: Math.round(H * y), width: Math.round(W * size), height: Math.round(H * size) });
  let buf = await img.png().toBuffer();
  if (deg) {
    const meta = await sharp(buf).metadata();
    // Turn, then cut back to the same frame so no corners show.
    const turned = await sharp(buf).rotate(deg, { background: '#000' }).toBuffer();
    const tm = await sharp(turned).metadata();
    const cw = Math.round(meta.width! * 0.97);
    const ch = Math.round(meta.height! * 0.97);
    buf = await sharp(turned).extract({ left: Math.round((tm.width! - cw) / 2), top: Math.round((tm.height! - ch) / 2), width: cw, height: ch }).png().toBuffer();
  }
  if (change === 'patch') {
    // Something in the scene moved: a quarter of the picture now shows another part of it, mirrored.
    const meta = await sharp(buf).metadata();
    const pw = Math.round(meta.width! * 0.5);
    const ph = Math.round(meta.height! * 0.5);
    const patch = await sharp(buf).extract({ left: 0, top: 0, width: pw, height: ph }).flop().png().toBuffer();
    buf = await sharp(buf).composite([{ input: patch, left: meta.width! - pw, top: meta.height! - ph }]).png().toBuffer();
  }
  img = sharp(buf).linear(gain, 0);
  await img.jpeg({ quality: 90 }).toFile(dest);
}

let seed = 1;
function rand(): number {
  seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
  return seed / 2 ** 32;
}

/** A clear-to-hazy sky: a blue gradient with a few soft clouds, different for every seed. */
async function sky(dest: string, s: number): Promise<void> {
  seed = s * 7919 + 17;
  const hue = 200 + rand() * 20;
  const clouds = Array.from({ length: 2 + Math.floor(rand() * 4) }, () => {
    const cx = rand() * 1200;
    const cy = rand() * 500;
    return `<ellipse cx="${cx}" cy="${cy}" rx="${80 + rand() * 200}" ry="${30 + rand() * 60}" fill="#fff" opacity="${0.25 + rand() * 0.4}"/>`;
  }).join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="900"><defs>
    <linearGradient id="g" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="hsl(${hue},60%,${35 + rand() * 10}%)"/><stop offset="1" stop-color="hsl(${hue},45%,${75 + rand() * 10}%)"/></linearGradient>
    <filter id="b"><feGaussianBlur stdDeviation="30"/></filter></defs>
    <rect width="1200" height="900" fill="url(#g)"/><g filter="url(#b)">${clouds}</g></svg>`;
  await sharp(Buffer.from(svg)).jpeg({ quality: 88 }).toFile(dest);
}

const WORDS = ['Invoice', 'Receipt', 'Total', 'Amount', 'Date', 'Customer', 'Order', 'Tax', 'Item', 'Price', '发票', '金额', '日期', '客户', '合计', '税额'];

/** One page of a form: the same template (header, boxes, table) filled with other text and numbers. */
async function documentPage(dest: string, s: number): Promise<void> {
  seed = s * 104729 + 3;
  const word = () => WORDS[Math.floor(rand() * WORDS.length)];
  const num = () => (rand() * 10000).toFixed(2);
  const rows = Array.from({ length: 12 }, (_, i) => {
    const y = 420 + i * 48;
    return `<text x="110" y="${y}" font-size="24" font-family="sans-serif">${word()} ${word()}</text><text x="780" y="${y}" font-size="24" font-family="monospace">${num()}</text><line x1="100" y1="${y + 14}" x2="1140" y2="${y + 14}" stroke="#bbb"/>`;
  }).join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1240" height="1754">
    <rect width="1240" height="1754" fill="#fff"/>
    <rect x="100" y="100" width="1040" height="120" fill="#1f3a68"/><text x="130" y="180" font-size="56" fill="#fff" font-family="sans-serif">${word()} ${Math.floor(rand() * 99999)}</text>
    <rect x="100" y="260" width="480" height="100" fill="none" stroke="#333"/><text x="120" y="320" font-size="26" font-family="sans-serif">${word()}: ${word()} ${Math.floor(rand() * 999)}</text>
    <rect x="660" y="260" width="480" height="100" fill="none" stroke="#333"/><text x="680" y="320" font-size="26" font-family="sans-serif">${word()}: 2024-0${1 + Math.floor(rand() * 9)}-1${Math.floor(rand() * 9)}</text>
    ${rows}
    <text x="780" y="1100" font-size="34" font-family="monospace">${num()}</text>
  </svg>`;
  await sharp(Buffer.from(svg)).jpeg({ quality: 85 }).toFile(dest);
}

export interface BuiltSet {
  files: BenchFile[];
  pictures: number;
  skipped: string[];
}

/** Writes the whole set under `dir`. `kinds`: the copy kinds to make (HEIC only with heif-enc). */
export async function buildSet(spec: SetSpec, dir: string, kinds: readonly VariantKind[]): Promise<BuiltSet> {
  // Outside the set: neither detector may see the uncut wallpapers.
  const srcDir = `${dir}-sources`;
  mkdirSync(srcDir, { recursive: true });
  const files: BenchFile[] = [];
  let origin = 0;
  const pictures: string[] = [];
  for (const [i, src] of spec.sources().entries()) pictures.push(...(await halves(src, srcDir, String(i).padStart(2, '0'))));
  for (const [i, picture] of pictures.entries()) {
    const tag = `p${String(i).padStart(2, '0')}`;
    const o = origin++;
    const original = path.join(dir, `${tag}__original.jpg`);
    await frame(picture, original, 0.05, 0.05, 0.9, 0, 1);
    files.push({ file: original, origin: o, kind: 'original' });
    for (const kind of kinds) {
      const ext = kind === 'png' ? '.png' : kind === 'webp' ? '.webp' : kind === 'heic' ? '.heic' : '.jpg';
      files.push({ file: await writeVariant(original, kind, path.join(dir, `${tag}__${kind}${ext}`)), origin: o, kind });
    }
    // Look-alikes, each its own picture.
    const burst = path.join(dir, `${tag}__burst.jpg`);
    await frame(picture, burst, 0.08, 0.065, 0.9, 0.8, 1.04);
    files.push({ file: burst, origin: origin++, kind: 'burst' });
    const later = path.join(dir, `${tag}__later.jpg`);
    await frame(picture, later, 0.1, 0.03, 0.9, 0, 0.9, 'patch');
    files.push({ file: later, origin: origin++, kind: 'later' });
  }
  for (let s = 0; s < 8; s++) {
    const file = path.join(dir, `sky-${s}.jpg`);
    await sky(file, s + (spec.name === 'held-out' ? 100 : 0));
    files.push({ file, origin: origin++, kind: 'sky' });
  }
  for (let s = 0; s < 8; s++) {
    const file = path.join(dir, `document-${s}.jpg`);
    await documentPage(file, s + (spec.name === 'held-out' ? 100 : 0));
    files.push({ file, origin: origin++, kind: 'document' });
  }
  return { files, pictures: pictures.length, skipped: [] };
}
