// Screen-sized previews for the viewer: every indexed format (HEIC and TIFF included, which
// browsers cannot show) decoded by the media layer (orientation applied) and saved as WebP no larger
// than 2560 px, content-addressed under `<dataDir>/previews/` like thumbnails, written atomically.
import { access } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { openImage, readPhoto } from './decode.js';
import { writeThumbnail } from './thumbnail.js';

export const PREVIEW_SIZE = 2560;

const SHA256 = /^[0-9a-f]{64}$/;

export function previewPathFor(previewDir: string, sha256: string): string {
  if (!SHA256.test(sha256)) throw new TypeError('previewPathFor expects a sha256 hex digest');
  return path.join(previewDir, sha256.slice(0, 2), `${sha256}.webp`);
}

const exists = (p: string) =>
  access(p).then(
    () => true,
    () => false,
  );

/** One decode per content at a time: a viewer's prefetch and its display ask for the same one. */
const inFlight = new Map<string, Promise<string>>();

/**
 * The preview of `file` (whose indexed content is `sha256`), made on first use. If the file
 * changed since it was indexed, the preview is of what is on disk now, named by its own hash.
 */
export async function ensurePreview(file: string, sha256: string, previewDir: string): Promise<string> {
  const known = previewPathFor(previewDir, sha256);
  if (await exists(known)) return known;
  const key = `${previewDir}\0${file}`;
  let p = inFlight.get(key);
  if (!p) {
    p = (async () => {
      const { bytes } = await readPhoto(file);
      const digest = createHash('sha256').update(bytes).digest('hex');
      const out = previewPathFor(previewDir, digest);
      if (await exists(out)) return out;
      const { image } = await openImage(bytes);
      await writeThumbnail(image, out, { size: PREVIEW_SIZE, quality: 82 });
      return out;
    })().finally(() => inFlight.delete(key));
    inFlight.set(key, p);
  }
  return p;
}
