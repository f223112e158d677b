// Memory for decoding is budgeted by decoded bytes, not pixels: a 10000×10000 16-bit RGBA PNG is
// 4 MB on disk and 800 MB in memory, and three of them in flight took the indexer past 4 GB.
// The indexer asks for an image's decoded size (width × height × channels × bytes per channel,
// from its header alone) before reading it, and waits while the images in flight already hold
// the budget; an image larger than the whole budget runs alone.
import { open } from 'node:fs/promises';
import sharp, { type Metadata } from 'sharp';
import { sniffFormat } from './sniff.js';

/** Total decoded bytes in flight at once (decode + the 8-bit copy the consumers share). */
export const DEFAULT_DECODE_BUDGET = 768 * 1024 * 1024;
/** How much of a file's head is read to learn its size (JPEG's SOF can follow a big EXIF block). */
const HEAD_BYTES = 256 * 1024;

const BYTES_PER_SAMPLE: Record<string, number> = { uchar: 1, char: 1, ushort: 2, short: 2, uint: 4, int: 4, float: 4, complex: 8, double: 8, dpcomplex: 16 };

/**
 * The decoded size of the image in `file` from its header, or null when the header does not say
 * (HEIC, whose size libheif reads from the whole container; an unreadable or odd file): the
 * caller then counts it as the whole budget.
 */
export async function decodedBytes(file: string): Promise<number | null> {
  let head: Buffer;
  try {
    const fh = await open(file, 'r');
    try {
      const buf = Buffer.alloc(HEAD_BYTES);
      const { bytesRead } = await fh.read(buf, 0, HEAD_BYTES, 0);
      head = buf.subarray(0, bytesRead);
    } finally {
      await fh.close();
    }
  } catch {
    return null;
  }
  const format = sniffFormat(head);
  if (!format || format === 'heic') return null;
  try {
    return decodedBytesOf(await sharp(head, { limitInputPixels: false, failOn: 'none' }).metadata());
  } catch {
    return null;
  }
}

/** The decoded size from headers already read (sharp's metadata), or null when they do not say. */
export function decodedBytesOf(m: Pick<Metadata, 'width' | 'height' | 'channels' | 'depth'>): number | null {
  if (!m.width || !m.height || !m.channels) return null;
  // A decode to 8-bit keeps the source-depth image and its 8-bit copy alive together.
  const sample = BYTES_PER_SAMPLE[m.depth ?? 'uchar'] ?? 1;
  return m.width * m.height * m.channels * (sample + 1);
}

/** A counting semaphore over bytes: acquire(n) waits until n fits (n ≥ capacity: until alone). */
export class ByteBudget {
  private used = 0;
  private waiting: { n: number; go: () => void }[] = [];

  constructor(readonly capacity: number = DEFAULT_DECODE_BUDGET) {}

  get inUse(): number {
    return this.used;
  }

  async acquire(bytes: number | null): Promise<() => void> {
    const n = Math.min(bytes ?? this.capacity, this.capacity);
    if (this.waiting.length === 0 && this.fits(n)) this.used += n;
    // Reserved for us by wake() before it resumes us.
    else await new Promise<void>((go) => this.waiting.push({ n, go }));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.used -= n;
      this.wake();
    };
  }

  private fits(n: number): boolean {
    return this.used === 0 || this.used + n <= this.capacity;
  }

  /** First come, first served: a big image is not starved by a stream of small ones. */
  private wake(): void {
    while (this.waiting.length && this.fits(this.waiting[0].n)) {
      const next = this.waiting.shift()!;
      this.used += next.n;
      next.go();
    }
  }
}

/** One budget for the whole process: every library open in it decodes from the same memory. */
export const processDecodeBudget = new ByteBudget();
