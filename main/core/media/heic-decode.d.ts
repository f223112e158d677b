// heic-decode ships no types; this covers the two calls Kanjian makes (see its README).
declare module 'heic-decode' {
  interface DecodedImage {
    width: number;
    height: number;
    /** RGBA, 4 bytes a pixel, row-major. */
    data: Uint8ClampedArray;
  }
  interface HeifImage {
    /** Known from the container before any pixel is decoded. */
    width: number;
    height: number;
    decode(): Promise<DecodedImage>;
  }
  type HeifImageList = HeifImage[] & { dispose(): void };
  interface Decode {
    (input: { buffer: Uint8Array }): Promise<DecodedImage>;
    all(input: { buffer: Uint8Array }): Promise<HeifImageList>;
  }
  const decode: Decode;
  export default decode;
}
