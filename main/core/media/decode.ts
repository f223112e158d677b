import { open, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import sharp, { type Metadata, type Sharp } from 'sharp';
import { MediaError, mediaErrorFromDecoder, mediaErrorFromFs, megabytes, tooManyPixels, withPath } from './errors.js';
import type { PhotoFormat } from './formats.js';
import { isOpaque } from './alpha.js';
import { decodeHeic } from './heic.js';
import { sniffFormat } from './sniff.js';
import { decodedBytesOf, type ByteBudget } from './budget.js';

/** Larger files are refused before reading: no camera writes a 512 MB still. */
export const DEFAULT_MAX_BYTES = 512 * 1024 * 1024;
/** Files larger than this are sniffed from their head before being read whole. */
export const SNIFF_BEFORE_READ_BYTES = 16 * 1024 * 1024;
/** 100 MP: above any phone or consumer camera (a 61 MP full-frame still is 9504×6336). */
export const DEFAULT_PIXEL_LIMIT = 100_000_000;

export interface ReadPhotoOptions {
  maxBytes?: number;
}

export interface PhotoBytes {
  bytes: Buffer;
  size: number;
  mtimeMs: number;
}

/**
 * Read a photo's bytes once, read-only. Every later step (hash, EXIF, decode) works on these
 * bytes, so the file is opened a single time and never written.
 */
export async function readPhoto(filePath: string, opts: ReadPhotoOptions = {}): Promise<PhotoBytes> {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  try {
    // stat before open: opening a FIFO or device that happens to be named *.jpg would block.
    checkReadable(await stat(filePath), maxBytes);
    const handle = await open(filePath, 'r');
    try {
      const info = await handle.stat();
      checkReadable(info, maxBytes);
      // A big file is sniffed from its first bytes before it is read whole: 500 MB of junk named
      // .jpg costs a few KB, not 500 MB of memory. (Small files keep the decoder's finer verdicts.)
      if (info.size > SNIFF_BEFORE_READ_BYTES) {
        const head = Buffer.alloc(4096);
        const { bytesRead } = await handle.read(head, 0, head.length, 0);
        if (!sniffFormat(head.subarray(0, bytesRead))) {
          throw new MediaError('not-image', `Not an image: the file does not start like any photo format (${megabytes(info.size)} not read)`);
        }
      }
      const bytes = await handle.readFile();
      if (bytes.length === 0) throw emptyFile();
      // The file may have grown while being copied in; the cap is about memory, so check again.
      if (bytes.length > maxBytes) throw fileTooLarge(bytes.length, maxBytes);
      return { bytes, size: bytes.length, mtimeMs: info.mtimeMs };
    } finally {
      await handle.close();
    }
  } catch (err) {
    throw withPath(mediaErrorFromFs(err), filePath);
  }
}

function checkReadable(info: Stats, maxBytes: number): void {
  if (info.isDirectory()) throw new MediaError('not-image', 'This is a folder, not a photo');
  if (!info.isFile()) throw new MediaError('not-image', 'Not a regular file (a device, pipe or socket), so not a photo');
  if (info.size === 0) throw emptyFile();
  if (info.size > maxBytes) throw fileTooLarge(info.size, maxBytes);
}

function emptyFile(): MediaError {
  return new MediaError('empty', 'Empty file (0 bytes): there is no image in it');
}

function fileTooLarge(size: number, maxBytes: number): MediaError {
  return new MediaError('too-large', `File too large: ${megabytes(size)} exceeds the ${megabytes(maxBytes)} limit for photos`);
}

/** sharp's failOn levels, least to most strict. */
export type FailOn = 'none' | 'truncated' | 'error' | 'warning';

export interface OpenImageOptions {
  pixelLimit?: number;
  /**
   * Default 'warning'. Measured on this project's test images: a JPEG with 400 scrambled bytes in
   * the middle decodes without complaint at 'truncated' and 'error' and is only caught at
   * 'warning', while all 76 real camera files in the shared samples pass at 'warning'. A photo
   * refused as corrupt is reported to the user; a garbage photo silently indexed is not.
   */
  failOn?: FailOn;
  /**
   * Decode once, at the largest size any consumer needs: the pixels are decoded a single time
   * (JPEG/WebP shrink-on-load straight to this size: libjpeg's DCT scaling), the image is scaled
   * so its shorter side is at most this, and `image` wraps those raw pixels, so every clone
   * (pHash, thumbnail, model input) resizes a small buffer instead of decoding the file again.
   * Unset: `image` decodes the file on each use (full-resolution consumers, e.g. OCR).
   */
  decodeSize?: number;
  /**
   * With `decodeSize`: the decode itself waits for its decoded bytes (from the header just read)
   * in this budget and gives them back as soon as it has finished, since what it hands on is the
   * small image. Without a header size (HEIC) it counts as the whole budget (runs alone).
   */
  budget?: ByteBudget;
}

/** The decoded pixels `image` wraps (only when decoded at `decodeSize`), for consumers that read bytes. */
export interface RawPixels {
  data: Buffer;
  width: number;
  height: number;
  channels: 1 | 2 | 3 | 4;
}

export interface OpenedImage {
  /**
   * Upright (EXIF orientation applied), alpha kept, first frame of animations. Shared by several
   * consumers: call `.clone()` before adding operations.
   */
  image: Sharp;
  /** After orientation. */
  width: number;
  height: number;
  format: PhotoFormat;
  /**
   * The EXIF orientation (1..8) that was applied, or null. Always null for HEIC: libheif applies the
   * container's own rotation/mirror boxes, and the HEIF spec makes the EXIF tag informational.
   */
  orientation: number | null;
  hasAlpha: boolean;
  /** Set when decoded at `decodeSize`: the pixels `image` wraps (before any alpha is dropped). */
  pixels?: RawPixels;
}

// JPEG and WebP decode at 1/2..1/8 scale straight from the compressed data ("shrink-on-load"), so
// each consumer (thumbnail, pHash, embedder) re-decoding from bytes costs ~20-40 ms for 12 MP.
// Formats without it pay a full decode every time (AVIF ~550 ms, PNG ~190 ms for 12 MP, measured),
// so those are decoded once here and handed on as raw pixels (~48 MB for 12 MP RGBA).
const SHRINK_ON_LOAD: ReadonlySet<PhotoFormat> = new Set(['jpeg', 'webp']);

// metadata() parses headers only, so a truncated file looks fine to it. Decoding at this size
// runs the entropy decoder over every byte (libjpeg still reads every scan when scaling), which
// is what reports "premature end of JPEG image"; measured ~20 ms for a 12 MP JPEG.
const VALIDATION_SIZE = 64;

/**
 * Decode a photo's bytes: content decides the format, not the file name. Throws MediaError
 * (corrupt / not-image / too-large / unsupported / empty).
 */
export async function openImage(bytes: Uint8Array, opts: OpenImageOptions = {}): Promise<OpenedImage> {
  const pixelLimit = opts.pixelLimit ?? DEFAULT_PIXEL_LIMIT;
  const failOn = opts.failOn ?? 'warning';
  if (bytes.length === 0) throw emptyFile();

  const claimed = sniffFormat(bytes);
  if (claimed === 'heic') {
    // libheif decodes at full size (no shrink-on-load): the whole budget while it runs.
    const release = opts.decodeSize && opts.budget ? await opts.budget.acquire(null) : () => undefined;
    try {
      return await openHeic(bytes, pixelLimit, opts.decodeSize);
    } finally {
      release();
    }
  }

  let meta: Metadata;
  try {
    // Headers only, so it is safe without the limit, and it yields the size for a clear message.
    meta = await sharp(bytes, { failOn, limitInputPixels: false }).metadata();
  } catch (err) {
    throw mediaErrorFromDecoder(err, claimed);
  }
  const format = photoFormatOf(meta);
  if (!format) {
    throw new MediaError('unsupported', `Unsupported image format: ${meta.format.toUpperCase()} files are not indexed as photos`);
  }
  if (meta.width * meta.height > pixelLimit) throw tooManyPixels(meta.width, meta.height, pixelLimit);
  const orientation = validOrientation(meta.orientation);
  const input = { failOn, limitInputPixels: pixelLimit };

  try {
    if (opts.decodeSize) {
      // One decode: this pass also validates every byte (failOn applies to the whole stream).
      const release = opts.budget ? await opts.budget.acquire(decodedBytesOf(meta)) : () => undefined;
      let decoded;
      try {
        decoded = await sharp(bytes, input)
          .rotate()
          .resize(opts.decodeSize, opts.decodeSize, { fit: 'outside', withoutEnlargement: true })
          .raw()
          .toBuffer({ resolveWithObject: true });
      } finally {
        release();
      }
      const { data, info } = decoded;
      return { ...wrapPixels(data, info.width, info.height, info.channels), width: meta.autoOrient.width, height: meta.autoOrient.height, format, orientation };
    }
    if (SHRINK_ON_LOAD.has(format)) {
      const image = sharp(bytes, input).rotate();
      await image.clone().resize(VALIDATION_SIZE, VALIDATION_SIZE, { fit: 'inside' }).raw().toBuffer();
      return { image, width: meta.autoOrient.width, height: meta.autoOrient.height, format, orientation, hasAlpha: meta.hasAlpha };
    }
    // Raw output is 8-bit sRGB whatever the source (16-bit PNG, CMYK TIFF, greyscale), measured.
    const { data, info } = await sharp(bytes, input).rotate().raw().toBuffer({ resolveWithObject: true });
    let image = sharp(data, {
      raw: { width: info.width, height: info.height, channels: info.channels },
      limitInputPixels: pixelLimit,
    });
    const hasAlpha = !isOpaque(data, info.channels);
    if (!hasAlpha && info.channels % 2 === 0) image = image.removeAlpha();
    return { image, width: info.width, height: info.height, format, orientation, hasAlpha };
  } catch (err) {
    throw mediaErrorFromDecoder(err, format);
  }
}

async function openHeic(bytes: Uint8Array, pixelLimit: number, decodeSize?: number): Promise<OpenedImage> {
  const { data, width, height, hasAlpha } = await decodeHeic(bytes, pixelLimit);
  let image = sharp(data, { raw: { width, height, channels: 4 }, limitInputPixels: pixelLimit });
  if (!hasAlpha) image = image.removeAlpha();
  if (!decodeSize) return { image, width, height, format: 'heic', orientation: null, hasAlpha };
  // Scaled down at once, like the other formats, so the full-size pixels are dropped here.
  const small = await image.resize(decodeSize, decodeSize, { fit: 'outside', withoutEnlargement: true }).raw().toBuffer({ resolveWithObject: true });
  return { ...wrapPixels(small.data, small.info.width, small.info.height, small.info.channels), width, height, format: 'heic', orientation: null };
}

/** A sharp image over decoded pixels (alpha dropped when unused), and those pixels. */
function wrapPixels(data: Buffer, width: number, height: number, channels: number): Pick<OpenedImage, 'image' | 'hasAlpha' | 'pixels'> {
  const ch = channels as RawPixels['channels'];
  const hasAlpha = !isOpaque(data, ch);
  let image = sharp(data, { raw: { width, height, channels: ch } });
  if (!hasAlpha && ch % 2 === 0) image = image.removeAlpha();
  return { image, hasAlpha, pixels: { data, width, height, channels: ch } };
}

function photoFormatOf(meta: Metadata): PhotoFormat | null {
  switch (meta.format) {
    case 'jpeg':
    case 'png':
    case 'webp':
    case 'gif':
    case 'tiff':
      return meta.format;
    case 'heif':
      // sharp names the whole HEIF family "heif"; it can only decode the AV1 member.
      return meta.compression === 'av1' ? 'avif' : null;
    default:
      return null;
  }
}

function validOrientation(value: number | undefined): number | null {
  return value !== undefined && Number.isInteger(value) && value >= 1 && value <= 8 ? value : null;
}
