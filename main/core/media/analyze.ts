import { createHash } from 'node:crypto';
import type { Stats } from 'node:fs';
import { access, open, stat } from 'node:fs/promises';
import type { Sharp } from 'sharp';
import type { ByteBudget } from './budget.js';
import { DEFAULT_PIXEL_LIMIT, openImage, readPhoto } from './decode.js';
import { MediaError, mediaErrorFromFs, withPath } from './errors.js';
import { readExif, type ExifInfo } from './exif.js';
import type { PhotoFormat } from './formats.js';
import { perceptualHash, sha256Async } from './hash.js';
import { greyImage, greyOf } from './grey.js';
import { nearHashesOfGrey, type NearHashes } from './near-hash.js';
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
  /** The decode waits for its decoded bytes in this budget (media/budget.ts); none: not budgeted. */
  decodeBudget?: ByteBudget;
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
  /** Size of the pixels `image` wraps (the one decode, not the photo's own size). */
  decoded: { width: number; height: number };
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
    // Hashed on a libuv thread while the main thread parses EXIF and the decode runs.
    const digest = sha256Async(bytes);
    digest.catch(() => undefined); // awaited below unless decoding failed first
    const [exif, opened] = await Promise.all([readExif(bytes), openImage(bytes, {
        pixelLimit: opts.pixelLimit ?? DEFAULT_PIXEL_LIMIT,
        decodeSize: Math.max(MIN_DECODE_SIZE, opts.thumbnailSize ?? DEFAULT_THUMBNAIL_SIZE, opts.modelInputSize ?? 0),
        budget: opts.decodeBudget,
      })]);
    // Everything below works on the decoded pixels (~0.4 MB for a 12 MP photo), never the file.
    const pixels = opened.pixels!;
    const thumbnailPath = digest.then((d) => thumbnailPathFor(opts.thumbDir, d));
    // One greyscale copy serves pHash, the gate and the near-copy hashes (media/grey.ts): the
    // same bits as each making its own from the colour pixels, for one libvips pass instead of three.
    const grey = greyOf(opened.image);
    const [phash, near, thumb, gate] = await Promise.all([
      grey.then((g) => perceptualHash(greyImage(g))),
      grey.then(nearHashesOfGrey),
      thumbnailPath.then((p) => ensureThumbnail(opened.image, p, opts.thumbnailSize).then(() => p)),
      opts.textGate ? grey.then((g) => textGate(g.data, g.width, g.height)) : undefined,
    ]);
    return {
      path: filePath,
      size,
      mtimeMs,
      sha256: await digest,
      width: opened.width,
      height: opened.height,
      format: opened.format,
      orientation: opened.orientation,
      exif,
      phash,
      near,
      thumbnailPath: thumb,
      ...(gate && { textGate: gate }),
      image: opened.image,
      decoded: { width: pixels.width, height: pixels.height },
    };
  } catch (err) {
    throw withPath(err, filePath);
  }
}

/** The gate on the decoded pixels as they are (no resize: small text must keep its strokes). */
export async function textGateOf(image: Sharp): Promise<TextGate> {
  const g = await greyOf(image);
  return textGate(g.data, g.width, g.height);
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
