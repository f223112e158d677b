// Photos with text in them, made at test time: each line is rendered by sharp's text input
// (Pango) with Noto Sans SC from the @expo-google-fonts/noto-sans-sc package, passed as
// `fontfile`, so Chinese renders the same on any machine — no system CJK font needed or used.
import sharp, { type OverlayOptions } from 'sharp';
import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const FONT_PACKAGE = path.dirname(require.resolve('@expo-google-fonts/noto-sans-sc/package.json'));
/** The font files the text is drawn with (OFL-1.1, from npm). */
export const CJK_FONT_FILES = {
  normal: path.join(FONT_PACKAGE, '400Regular/NotoSansSC_400Regular.ttf'),
  bold: path.join(FONT_PACKAGE, '700Bold/NotoSansSC_700Bold.ttf'),
} as const;
for (const f of Object.values(CJK_FONT_FILES)) if (!existsSync(f)) throw new Error(`CJK font missing: ${f} (npm ci installs it)`);

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

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** One line of text, transparent around the glyphs; font size in pixels. */
async function renderLine(line: string, b: TextBlock): Promise<{ png: Buffer; width: number; height: number }> {
  const weight = b.weight ?? 'normal';
  const { data, info } = await sharp({
    text: {
      text: `<span foreground="${b.colour ?? '#111'}">${esc(line)}</span>`,
      // At 72 dpi a point is a pixel.
      font: `Noto Sans SC${weight === 'bold' ? ' Bold' : ''} ${b.fontSize}`,
      fontfile: CJK_FONT_FILES[weight],
      dpi: 72,
      rgba: true,
    },
  })
    .png()
    .toBuffer({ resolveWithObject: true });
  return { png: data, width: info.width, height: info.height };
}

/** A block (plate + lines) as its own transparent image, rotated about its centre. */
async function renderBlock(b: TextBlock): Promise<{ png: Buffer; left: number; top: number }> {
  const lines = await Promise.all(b.lines.map((l) => renderLine(l, b)));
  const lineH = Math.round(b.fontSize * 1.4);
  const w = Math.max(1, ...lines.map((l) => l.width)) + b.fontSize;
  const h = lineH * b.lines.length + Math.round(b.fontSize * 0.6);
  const pad = Math.round(b.fontSize * 0.5);
  let block = await sharp({ create: { width: w, height: h, channels: 4, background: b.plate ?? { r: 0, g: 0, b: 0, alpha: 0 } } })
    .composite(lines.map((l, i) => ({ input: l.png, left: Math.round(b.fontSize / 2), top: Math.max(0, Math.min(h - l.height, Math.round(pad / 2) + lineH * i)) })))
    .png()
    .toBuffer();
  if (b.rotate) block = await sharp(block).rotate(b.rotate, { background: { r: 0, g: 0, b: 0, alpha: 0 } }).png().toBuffer();
  const meta = await sharp(block).metadata();
  // Keep the block's centre where the unrotated block's centre was.
  return { png: block, left: Math.round(b.x + w / 2 - meta.width / 2), top: Math.round(b.y + h / 2 - meta.height / 2) };
}

/** Text blocks over a transparent canvas of the given size (PNG); blocks are clipped to it. */
export async function textLayer(width: number, height: number, blocks: TextBlock[]): Promise<Buffer> {
  const layers: OverlayOptions[] = [];
  for (const b of blocks) {
    const { png, left, top } = await renderBlock(b);
    const meta = await sharp(png).metadata();
    // sharp composites only overlays inside the canvas: cut the block to what is visible.
    const x0 = Math.max(0, left);
    const y0 = Math.max(0, top);
    const x1 = Math.min(width, left + meta.width);
    const y1 = Math.min(height, top + meta.height);
    if (x1 <= x0 || y1 <= y0) continue;
    const visible = await sharp(png)
      .extract({ left: x0 - left, top: y0 - top, width: x1 - x0, height: y1 - y0 })
      .png()
      .toBuffer();
    layers.push({ input: visible, left: x0, top: y0 });
  }
  return sharp({ create: { width, height, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } })
    .composite(layers)
    .png()
    .toBuffer();
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
  let img = sharp(baseBuf).composite([{ input: await textLayer(width, height, opts.blocks), left: 0, top: 0 }]);
  if (opts.blur) img = sharp(await img.png().toBuffer()).blur(opts.blur);
  mkdirSync(path.dirname(file), { recursive: true });
  const ext = path.extname(file).toLowerCase();
  if (ext === '.png') await img.png().toFile(file);
  else await img.jpeg({ quality: opts.quality ?? 92 }).toFile(file);
  return file;
}
