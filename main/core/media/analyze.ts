import { createHash } from 'node:crypto';
import type { Stats } from 'node:fs';
import { access, open, stat } from 'node:fs/promises';
import type { Sharp } from 'sharp';
import { DEFAULT_PIXEL_LIMIT, openImage, readPhoto } from './decode.js';
import { MediaError, mediaErrorFromFs, withPath } from './errors.js';
import { readExif, type ExifInfo } from './exif.js';
import type { PhotoFormat } from './formats.js';
import { perceptualHash, sha256 } from './hash.js';
import { nearHashesOf, type NearHashes } from './near-hash.js';
import { textGate, type TextGate } from './text-gate.js';
import { DEFAULT_THUMBNAIL_SIZE, thumbnailPathFor, writeThumbnail } from './thumbnail.js';

export interface AnalyzeOptions {
  thumbDir: string;
  pixelLimit?: number;
  maxBytes?: number;
  thumbnailSize?: number;
  /** The model's input size (shorter side), so the one decode keeps enough pixels for it. */
  modelInputSize?: number;
  /** Also run the no-text gate on the decoded pixels (text-gate.ts; OCR is on). */
  textGate?: boolean;
}

/** pHash reads 32×32; validation needs nothing more than the decode itself. */
const MIN_DECODE_SIZE = 64;

export interface AnalyzedPhoto {
  path: string;
  size: number;
  mtimeMs: number;
  sha256: string;
  /** After orientation. */
  width: number;
  height: number;
  format: PhotoFormat;
  /** The EXIF orientation that was applied to `image`, or null (always null for HEIC). */
  orientation: number | null;
  exif: ExifInfo;
  phash: string;
  /** Crop-, border- and rotation-tolerant hashes for near copies. */
  near: NearHashes;
  thumbnailPath: string;
  /** The no-text gate's verdict, when asked for. */
  textGate?: TextGate;
  /** Upright, alpha kept, for the embedder's preprocessing: `.clone()` it before adding steps. */
  image: Sharp;
}

/**
 * Everything the indexer needs from one photo, reading the file once and decoding it once, at
 * the largest size a consumer needs (thumbnail, model input, pHash): `image` wraps those
 * pixels, so its clones resize a small buffer. Throws MediaError (with
 * `path` set) for anything wrong with the photo; the source file is only ever opened read-only.
 */
export async function analyzePhoto(filePath: string, opts: AnalyzeOptions): Promise<AnalyzedPhoto> {
  try {
    const { bytes, size, mtimeMs } = await readPhoto(filePath, { maxBytes: opts.maxBytes });
    const digest = sha256(bytes);
    const [exif, opened] = await Promise.all([readExif(bytes), openImage(bytes, {
        pixelLimit: opts.pixelLimit ?? DEFAULT_PIXEL_LIMIT,
        decodeSize: Math.max(MIN_DECODE_SIZE, opts.thumbnailSize ?? DEFAULT_THUMBNAIL_SIZE, opts.modelInputSize ?? 0),
      })]);
    const thumbnailPath = thumbnailPathFor(opts.thumbDir, digest);
    const [phash, near, , gate] = await Promise.all([
      perceptualHash(opened.image),
      nearHashesOf(opened.image),
      ensureThumbnail(opened.image, thumbnailPath, opts.thumbnailSize),
      opts.textGate ? textGateOf(opened.image) : undefined,
    ]);
    return {
      path: filePath,
      size,
      mtimeMs,
      sha256: digest,
      width: opened.width,
      height: opened.height,
      format: opened.format,
      orientation: opened.orientation,
      exif,
      phash,
      near,
      thumbnailPath,
      ...(gate && { textGate: gate }),
      image: opened.image,
    };
  } catch (err) {
    throw withPath(err, filePath);
  }
}

/** The gate on the decoded pixels as they are (no resize: small text must keep its strokes). */
export async function textGateOf(image: Sharp): Promise<TextGate> {
  const { data, info } = await image.clone().flatten({ background: '#ffffff' }).greyscale().raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  if (info.channels === 1) return textGate(data, info.width, info.height);
  const grey = new Uint8Array(info.width * info.height);
  for (let i = 0; i < grey.length; i++) grey[i] = data[i * info.channels];
  return textGate(grey, info.width, info.height);
}

async function ensureThumbnail(image: Sharp, thumbnailPath: string, size: number | undefined): Promise<void> {
  // Content-addressed: an existing file is this very content's thumbnail (a copy or a move).
  const exists = await access(thumbnailPath).then(() => true, () => false);
  if (!exists) await writeThumbnail(image, thumbnailPath, { size });
}

export interface FileHash {
  sha256: string;
  size: number;
  mtimeMs: number;
}

/**
 * Content hash without decoding, streamed so memory stays flat: lets the indexer recognise a
 * renamed or moved photo and keep its row, vector and thumbnail.
 */
export async function hashFile(filePath: string): Promise<FileHash> {
  try {
    // stat before open: opening a FIFO named like a photo would block.
    const before = await stat(filePath);
    if (!before.isFile()) throw notAFile(before);
    const handle = await open(filePath, 'r');
    try {
      const info = await handle.stat();
      if (!info.isFile()) throw notAFile(info);
      const hash = createHash('sha256');
      let size = 0;
      for await (const chunk of handle.createReadStream({ autoClose: false }) as AsyncIterable<Buffer>) {
        hash.update(chunk);
        size += chunk.length;
      }
      if (size === 0) throw new MediaError('empty', 'Empty file (0 bytes): there is no image in it');
      return { sha256: hash.digest('hex'), size, mtimeMs: info.mtimeMs };
    } finally {
      await handle.close();
    }
  } catch (err) {
    throw withPath(mediaErrorFromFs(err), filePath);
  }
}

function notAFile(info: Stats): MediaError {
  return new MediaError('not-image', info.isDirectory() ? 'This is a folder, not a photo' : 'Not a regular file, so not a photo');
}
