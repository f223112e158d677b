// The one greyscale copy of a decoded photo that pHash, the no-text gate and the near-copy
// hashes all start from: three libvips passes over the colour pixels (flatten + greyscale each
// time) became one, and what follows reads a single byte a pixel.
import sharp, { type Sharp } from 'sharp';

/** Greyscale pixels, one byte each, row by row. */
export interface GreyPixels {
  data: Uint8Array;
  width: number;
  height: number;
}

/** Upright greyscale pixels of a decoded image (transparent areas on white). */
export async function greyOf(image: Sharp): Promise<GreyPixels> {
  const { data, info } = await image.clone().flatten({ background: '#ffffff' }).greyscale().raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  if (info.channels === 1) return { data, width: info.width, height: info.height };
  const grey = Buffer.alloc(info.width * info.height);
  for (let i = 0; i < grey.length; i++) grey[i] = data[i * info.channels];
  return { data: grey, width: info.width, height: info.height };
}

/**
 * The grey copy as an image to resize. Flattening and greyscale are no-ops on it, so a pipeline
 * that starts with them (pHash's) gives the same bytes as from the colour pixels — checked by
 * the near-hash golden test for that render, and on the fixtures and bench photos for pHash.
 */
export function greyImage(g: GreyPixels): Sharp {
  return sharp(g.data, { raw: { width: g.width, height: g.height, channels: 1 } });
}
