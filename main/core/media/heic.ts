import type heicDecodeModule from 'heic-decode';
import { isOpaque } from './alpha.js';
import { mediaErrorFromDecoder, MediaError, tooManyPixels } from './errors.js';

export interface HeicPixels {
  /** RGBA, 4 bytes a pixel, already in display orientation (libheif applies irot/imir itself). */
  data: Uint8ClampedArray;
  width: number;
  height: number;
  /** False when every alpha byte is 255, so callers can drop the channel. */
  hasAlpha: boolean;
}

/**
 * Decode the first top-level image of an HEVC HEIC with libheif (wasm), because sharp's prebuilt
 * libvips has no HEVC decoder. `decode.all` parses only the container, which gives the size before
 * any pixel is decoded: the pixel limit is enforced there, so a bomb never reaches the decoder.
 * The decode itself is synchronous wasm work (~0.9 s for 12 MP): run it off the UI thread.
 */
export async function decodeHeic(bytes: Uint8Array, pixelLimit: number): Promise<HeicPixels> {
  let images: Awaited<ReturnType<typeof heicDecodeModule.all>>;
  try {
    images = await (await loadHeicDecode()).all({ buffer: bytes });
  } catch (err) {
    if (err instanceof TypeError && /not a HEIC image/i.test(err.message)) {
      // Our sniffer saw a HEIF brand, but not one heic-decode accepts as its major brand.
      throw new MediaError('unsupported', 'Unsupported HEIF variant: this kind of HEIF file cannot be decoded', { cause: err });
    }
    throw mediaErrorFromDecoder(err, 'heic');
  }
  try {
    const first = images[0];
    if (!first) throw new MediaError('corrupt', 'Truncated or corrupt HEIC: it contains no image');
    if (first.width * first.height > pixelLimit) throw tooManyPixels(first.width, first.height, pixelLimit);
    if (first.width <= 0 || first.height <= 0) throw new MediaError('corrupt', 'Truncated or corrupt HEIC: the image has no size');
    const { data, width, height } = await first.decode();
    return { data, width, height, hasAlpha: !isOpaque(data, 4) };
  } catch (err) {
    throw mediaErrorFromDecoder(err, 'heic');
  } finally {
    images.dispose();
  }
}

let loading: Promise<typeof heicDecodeModule> | null = null;

/**
 * Loaded on the first HEIC, not at start-up: instantiating libheif's wasm costs ~150 ms of CPU
 * (measured in `cli index` start-up), which a library without iPhone photos never needs.
 */
function loadHeicDecode(): Promise<typeof heicDecodeModule> {
  loading ??= import('heic-decode').then((m) => m.default);
  return loading;
}
