/**
 * True when every alpha sample of interleaved 8-bit pixels is 255. Decoders hand back an alpha
 * channel whether or not the picture uses it (libheif always, libvips for every GIF); carrying a
 * constant one would only bloat thumbnails and make consumers flatten for nothing.
 */
export function isOpaque(pixels: Uint8Array | Uint8ClampedArray, channels: number): boolean {
  if (channels !== 2 && channels !== 4) return true;
  for (let i = channels - 1; i < pixels.length; i += channels) if (pixels[i] !== 255) return false;
  return true;
}
