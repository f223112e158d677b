// The layout both search caches beside the library use (vector-index.ts's codes, facets-file.ts's
// facets): a u32 length, a JSON header, then typed arrays one after another, each read straight
// into the array it fills (no copy of the whole file in between: at a million rows the codes
// file is ~590 MB). Replaced whole through a temp file renamed over it; a torn or foreign file
// is told by its size, which must be exactly what its header says.
import { closeSync, fstatSync, openSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';

/** The header's bytes, length first, then zeros to `align` (the arrays' start). */
export function headerParts(header: unknown, align = 1): Buffer[] {
  const head = Buffer.from(JSON.stringify(header));
  const len = Buffer.alloc(4);
  len.writeUInt32LE(head.length);
  return [len, head, Buffer.alloc((align - ((4 + head.length) % align)) % align)];
}

/** Writes the parts one after another (a temp file renamed over `file`). Best effort: false when it could not. */
export function writeParts(file: string, parts: readonly Buffer[]): boolean {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  try {
    // Part by part: Buffer.concat would first copy the whole file.
    const fd = openSync(tmp, 'w');
    try {
      for (const part of parts) for (let done = 0; done < part.length; ) done += writeSync(fd, part, done, part.length - done);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
    return true;
  } catch {
    rmSync(tmp, { force: true });
    return false;
  }
}

/**
 * Reads a cache file: `regionsFor` is given its parsed header and returns the buffers to fill
 * (views of the arrays), or null when the header is not the one wanted; the arrays start at the
 * header's end rounded up to `align`. Returns the header once every region is filled, null for
 * no file, an unwanted header, or a size other than the header's.
 */
export function readRegions<H>(file: string, regionsFor: (header: H) => readonly Buffer[] | null, align = 1): H | null {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return null;
  }
  try {
    const lenBuf = Buffer.alloc(4);
    if (readSync(fd, lenBuf, 0, 4, 0) !== 4) return null;
    const len = lenBuf.readUInt32LE(0);
    const size = fstatSync(fd).size;
    if (len > size - 4) return null;
    const headBuf = Buffer.alloc(len);
    if (readSync(fd, headBuf, 0, len, 4) !== len) return null;
    const header = JSON.parse(headBuf.toString()) as H;
    const regions = regionsFor(header);
    if (!regions) return null;
    let at = 4 + len + ((align - ((4 + len) % align)) % align);
    if (size !== at + regions.reduce((sum, r) => sum + r.length, 0)) return null;
    for (const region of regions) {
      for (let done = 0; done < region.length; ) {
        const got = readSync(fd, region, done, Math.min(region.length - done, 1 << 30), at + done);
        if (got <= 0) return null;
        done += got;
      }
      at += region.length;
    }
    return header;
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}

/** The bytes of a typed array (a view, not a copy). */
export function bytesOf(a: ArrayBufferView): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}
