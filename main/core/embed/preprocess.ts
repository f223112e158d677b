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
 * `size`: its pixel size when the caller knows it (raw pixels it decoded), saving a metadata call.
 */
export async function imageTensor(img: Sharp, spec: ImageTowerSpec, size?: { width: number; height: number }): Promise<Float32Array> {
  const side = spec.size;
  // Transparent pixels keep arbitrary colour underneath (often black); flattening onto white
  // embeds the picture the way most viewers show it.
  let pipeline = img.clone().flatten({ background: { r: 255, g: 255, b: 255 } });
  const kernel = KERNELS[spec.interpolation];
  if (spec.resize === 'squash') {
    pipeline = pipeline.resize(side, side, { fit: 'fill', kernel });
  } else {
    // torchvision's Resize(size) + CenterCrop(size), the models' own preprocessing, to the pixel:
    // shortest side to `size`, the other side truncated, then a centred crop. sharp's 'cover'
    // scales and crops on a slightly different grid (a fraction of a pixel off, ~8 levels of
    // mean difference on detailed photos; npm run bench:preprocess).
    // The upright size: given by the caller that decoded it, else from metadata (headers only;
    // autoOrient applies the EXIF turn).
    const { width, height } = size ?? (await img.metadata()).autoOrient;
    const [w, h] = shortestSideTo(width, height, side);
    const crop = { left: pythonRound((w - side) / 2), top: pythonRound((h - side) / 2), width: side, height: side };
    pipeline = pipeline.resize(w, h, { fit: 'fill', kernel }).extract(crop);
  }
  const { data, info } = await pipeline
    // Greyscale, CMYK and 16-bit sources all become 8-bit sRGB, the space CLIP models are trained in.
    .toColourspace('srgb')
    .removeAlpha()
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });

  if (info.width !== side || info.height !== side || info.channels !== 3) {
    throw new Error(`preprocess produced ${info.width}x${info.height}x${info.channels}, expected ${side}x${side}x3`);
  }
  return toNormalisedNchw(data, side, spec.mean, spec.std);
}

/** torchvision's output size for Resize(size): the shorter side becomes `size`, the longer int(size·long/short). */
export function shortestSideTo(width: number, height: number, size: number): [number, number] {
  if (width <= height) return [size, Math.max(size, Math.trunc((size * height) / width))];
  return [Math.max(size, Math.trunc((size * width) / height)), size];
}

/** Python's round(): halves to even, as CenterCrop computes its offsets. */
function pythonRound(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
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
