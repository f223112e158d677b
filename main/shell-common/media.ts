// Media requests (`/media/thumb/<id>`, `/media/preview/<id>`, `kanjian://original/<id>`) → a file on disk. The request
// names only a kind and a photo id; the path always comes from the core for that id, and is
// served only when it really lies inside the thumbnail folder or a library folder.
import { imageContentType } from './content-type.js';
import { checkInLibrary } from '../core/fs/real-path.js';
import { containedFile, type ContainedFile } from './contain.js';

export type MediaKind = 'thumb' | 'preview' | 'original';

/** What the resolver needs from the core (a `Kanjian`, or its proxy in Electron's core process). */
export interface MediaSource {
  thumbnailPath(photoId: number): string | null;
  originalPath(photoId: number): string | null;
  /** A screen-sized preview the core makes (and caches) on first use. */
  previewPath(photoId: number): Promise<string | null>;
  /** The folder thumbnails live in. */
  thumbnailRoot: string;
  /** The folder previews live in. */
  previewRoot: string;
  /** The library's folders; originals outside them are never served. */
  libraryRoots(): Promise<string[]> | string[];
}

export type MediaResult =
  | ({ ok: true; kind: MediaKind; contentType: string; etag: string } & ContainedFile)
  | { ok: false; status: 400 | 404; reason: string };

export function isMediaKind(v: unknown): v is MediaKind {
  return v === 'thumb' || v === 'preview' || v === 'original';
}

/** A photo id exactly as written in a URL: decimal digits, no sign, no leading zero, safe integer. */
export function parsePhotoId(raw: unknown): number | null {
  if (typeof raw !== 'string' || !/^[1-9][0-9]{0,15}$/.test(raw)) return null;
  const n = Number(raw);
  return Number.isSafeInteger(n) ? n : null;
}

export async function resolveMedia(source: MediaSource, kind: unknown, rawId: unknown): Promise<MediaResult> {
  if (!isMediaKind(kind)) return { ok: false, status: 404, reason: 'unknown media kind' };
  const id = parsePhotoId(rawId);
  if (id === null) return { ok: false, status: 400, reason: 'photo id must be a positive integer' };
  const candidate =
    kind === 'thumb' ? source.thumbnailPath(id) : kind === 'preview' ? await source.previewPath(id) : source.originalPath(id);
  if (!candidate) return { ok: false, status: 404, reason: 'no such photo' };
  const contentType = imageContentType(candidate);
  if (!contentType) return { ok: false, status: 404, reason: 'not an image file' };
  const roots = kind === 'thumb' ? [source.thumbnailRoot] : kind === 'preview' ? [source.previewRoot] : await source.libraryRoots();
  // Originals follow the core's symlink policy: not a link, nor below one, real path in a root.
  if (kind === 'original' && !(await checkInLibrary(candidate, roots)).ok) {
    return { ok: false, status: 404, reason: 'file missing or outside the library' };
  }
  const file = await containedFile(candidate, roots);
  if (!file) return { ok: false, status: 404, reason: 'file missing or outside the library' };
  // The real path's extension must agree, or a renamed link could change the type served.
  if (imageContentType(file.file) !== contentType) return { ok: false, status: 404, reason: 'not an image file' };
  const etag = `"${kind}-${id}-${file.size.toString(36)}-${Math.trunc(file.mtimeMs).toString(36)}-${file.ino.toString(36)}"`;
  return { ok: true, kind, contentType, etag, ...file };
}

/** The media source a `Kanjian` instance provides. */
export function kanjianMediaSource(k: {
  thumbnailPath(id: number): string | null;
  originalPath(id: number): string | null;
  previewPath(id: number): Promise<string | null>;
  paths: { thumbnails: string; previews: string };
  /** Library roots without the per-folder counts listFolders() computes (this runs per image). */
  libraryRoots(): string[];
}): MediaSource {
  return {
    thumbnailPath: (id) => k.thumbnailPath(id),
    originalPath: (id) => k.originalPath(id),
    previewPath: (id) => k.previewPath(id),
    thumbnailRoot: k.paths.thumbnails,
    previewRoot: k.paths.previews,
    libraryRoots: () => k.libraryRoots(),
  };
}
