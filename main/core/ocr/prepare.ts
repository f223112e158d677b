// Photo → the image the OCR detector sees: decoded by our media layer (so HEIC, EXIF
// orientation, pixel limits and error messages behave as in indexing), flattened onto white
// (transparent screenshots would otherwise be black on black) and scaled so the longer side
// is at most `maxSide`. The detector runs on the whole image at that size, so the cap is the
// speed/small-text trade-off; bench:ocr measures it.
import { readPhoto } from '../media/decode.js';
import { openImage } from '../media/decode.js';
import { sha256 } from '../media/hash.js';
import { withPath } from '../media/errors.js';

export const DEFAULT_MAX_SIDE = 1280;

export interface PreparedImage {
  sha256: string;
  /** PNG (level 0: encoding speed matters, size does not) of the scaled upright image. */
  png: Buffer;
  /** Upright size of the original. */
  width: number;
  height: number;
  /** Original pixels per prepared pixel (>= 1). */
  scale: number;
}

export async function prepareForOcr(filePath: string, opts: { maxSide?: number; pixelLimit?: number } = {}): Promise<PreparedImage> {
  try {
    const { bytes } = await readPhoto(filePath);
    return await prepareBytes(bytes, sha256(bytes), opts);
  } catch (err) {
    throw withPath(err, filePath);
  }
}

/** prepareForOcr on bytes already read (and hashed): the caller adds the path to errors. */
export async function prepareBytes(bytes: Uint8Array, digest: string, opts: { maxSide?: number; pixelLimit?: number } = {}): Promise<PreparedImage> {
  const opened = await openImage(bytes, { pixelLimit: opts.pixelLimit });
  const maxSide = opts.maxSide ?? DEFAULT_MAX_SIDE;
  const longer = Math.max(opened.width, opened.height);
  const scale = longer > maxSide ? longer / maxSide : 1;
  const png = await opened.image
    .clone()
    .resize({ width: maxSide, height: maxSide, fit: 'inside', withoutEnlargement: true })
    .flatten({ background: '#ffffff' })
    .png({ compressionLevel: 0 })
    .toBuffer();
  return { sha256: digest, png, width: opened.width, height: opened.height, scale };
}
