// Photos with text in them, made at test time: SVG text rendered by sharp (librsvg + fontconfig;
// CJK needs a CJK font such as Debian's fonts-noto-cjk) over a flat colour or a real photo.
import sharp from 'sharp';
import { mkdirSync } from 'node:fs';
import path from 'node:path';

export const CJK_FONT = "'Noto Sans CJK SC', 'Noto Sans SC', 'Source Han Sans SC', 'WenQuanYi Zen Hei', sans-serif";

export interface TextBlock {
  lines: string[];
  /** Top-left of the block, in pixels. */
  x: number;
  y: number;
  fontSize: number;
  colour?: string;
  /** A plate behind the text (a sign, a receipt's paper). */
  plate?: string;
  /** Degrees, clockwise, about the block's centre. */
  rotate?: number;
  weight?: 'normal' | 'bold';
}

/** SVG for text blocks over a transparent canvas of the given size. */
export function textSvg(width: number, height: number, blocks: TextBlock[]): string {
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const parts = blocks.map((b) => {
    const lineH = Math.round(b.fontSize * 1.4);
    const longest = Math.max(...b.lines.map((l) => [...l].reduce((w, ch) => w + (/[\u0000-\u00ff]/.test(ch) ? 0.6 : 1), 0)));
    const w = Math.round(longest * b.fontSize + b.fontSize);
    const h = lineH * b.lines.length + Math.round(b.fontSize * 0.6);
    const cx = b.x + w / 2;
    const cy = b.y + h / 2;
    const plate = b.plate ? `<rect x="${b.x}" y="${b.y}" width="${w}" height="${h}" fill="${b.plate}"/>` : '';
    const texts = b.lines
      .map(
        (l, i) =>
          `<text x="${b.x + b.fontSize / 2}" y="${b.y + lineH * (i + 1) - Math.round(b.fontSize * 0.25)}" font-size="${b.fontSize}" ` +
          `font-family="${CJK_FONT}" font-weight="${b.weight ?? 'normal'}" fill="${b.colour ?? '#111'}">${esc(l)}</text>`,
      )
      .join('');
    return `<g transform="rotate(${b.rotate ?? 0} ${cx} ${cy})">${plate}${texts}</g>`;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${parts.join('')}</svg>`;
}

export interface TextPhotoOptions {
  width?: number;
  height?: number;
  /** Flat background colour [r,g,b], or a photo file to draw on (resized to width×height). */
  background: [number, number, number] | { photo: string };
  blocks: TextBlock[];
  /** Gaussian blur sigma applied to the finished photo. */
  blur?: number;
  quality?: number;
}

export async function writeTextPhoto(file: string, opts: TextPhotoOptions): Promise<string> {
  const width = opts.width ?? 480;
  const height = opts.height ?? 320;
  const base =
    'photo' in opts.background
      ? sharp(opts.background.photo).rotate().resize(width, height, { fit: 'cover' })
      : sharp({ create: { width, height, channels: 3, background: { r: opts.background[0], g: opts.background[1], b: opts.background[2] } } });
  const baseBuf = await base.png().toBuffer();
  let img = sharp(baseBuf).composite([{ input: Buffer.from(textSvg(width, height, opts.blocks)), left: 0, top: 0 }]);
  if (opts.blur) img = sharp(await img.png().toBuffer()).blur(opts.blur);
  mkdirSync(path.dirname(file), { recursive: true });
  const ext = path.extname(file).toLowerCase();
  if (ext === '.png') await img.png().toFile(file);
  else await img.jpeg({ quality: opts.quality ?? 92 }).toFile(file);
  return file;
}
