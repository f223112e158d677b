// Turns a decoded photo into the image tower's input tensor, exactly as the manifest describes.

import type { KernelEnum, Sharp } from 'sharp';
import type { ImageTowerSpec, Interpolation } from './manifest-types.js';

const KERNELS: Record<Interpolation, keyof KernelEnum> = {
  nearest: 'nearest',
  bilinear: 'linear',
  bicubic: 'cubic',
  lanczos: 'lanczos3',
};

/**
 * NCHW float32 [1, 3, size, size], RGB, normalised with the manifest's mean/std.
 * `img` must already be EXIF-rotated; it is cloned, never consumed, so the caller can reuse it.
 */
export async function imageTensor(img: Sharp, spec: ImageTowerSpec): Promise<Float32Array> {
  const size = spec.size;
  const { data, info } = await img
    .clone()
    // Transparent pixels keep arbitrary colour underneath (often black); flattening onto white
    // embeds the picture the way most viewers show it.
    .flatten({ background: { r: 255, g: 255, b: 255 } })
    .resize(size, size, {
      fit: spec.resize === 'squash' ? 'fill' : 'cover',
      position: 'centre',
      kernel: KERNELS[spec.interpolation],
    })
    // Greyscale, CMYK and 16-bit sources all become 8-bit sRGB, the space CLIP models are trained in.
    .toColourspace('srgb')
    .removeAlpha()
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });

  if (info.width !== size || info.height !== size || info.channels !== 3) {
    throw new Error(`preprocess produced ${info.width}x${info.height}x${info.channels}, expected ${size}x${size}x3`);
  }
  return toNormalisedNchw(data, size, spec.mean, spec.std);
}

/** Interleaved 8-bit RGB (HWC) → planar float32 (CHW) with (x/255 - mean) / std. */
export function toNormalisedNchw(
  rgb: Uint8Array,
  size: number,
  mean: readonly [number, number, number],
  std: readonly [number, number, number],
): Float32Array {
  const plane = size * size;
  const out = new Float32Array(3 * plane);
  for (let c = 0; c < 3; c++) {
    // Folding /255, -mean and /std into one multiply-add per pixel.
    const scale = 1 / (255 * std[c]);
    const shift = -mean[c] / std[c];
    const base = c * plane;
    for (let i = 0, j = c; i < plane; i++, j += 3) out[base + i] = rgb[j] * scale + shift;
  }
  return out;
}
