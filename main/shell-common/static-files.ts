// Maps a request path to a file of the built renderer (renderer/dist), for the HTTP shell and
// Electron's kanjian://app protocol. The request path is untrusted: every segment is decoded
// once and checked, and the result must stay inside the root after symlinks are resolved.
import path from 'node:path';
import { appContentType } from './content-type.js';
import { containedFile, isInside, type ContainedFile } from './contain.js';

export type StaticResult =
  | ({ ok: true; contentType: string; /** The app shell, never cached: it names the hashed assets. */ isIndex: boolean } & ContainedFile)
  | { ok: false; status: 400 | 404; reason: string };

const bad = (reason: string): StaticResult => ({ ok: false, status: 400, reason });
const missing = (reason: string): StaticResult => ({ ok: false, status: 404, reason });

/**
 * Splits a raw URL path (as sent, before any normalisation, without the query) into decoded
 * segments, or explains why it is refused. Refused: dot segments, encoded or not; encoded
 * slashes or backslashes; NUL; drive letters and colons; empty segments (`//x` is how an
 * absolute path would sneak in).
 */
export function safeSegments(rawPath: string): { segments: string[]; trailingSlash: boolean } | { error: string } {
  if (typeof rawPath !== 'string' || !rawPath.startsWith('/')) return { error: 'path must start with /' };
  if (rawPath.length > 2048) return { error: 'path too long' };
  const parts = rawPath.slice(1).split('/');
  const trailingSlash = parts.length > 0 && parts[parts.length - 1] === '';
  if (trailingSlash) parts.pop();
  const segments: string[] = [];
  for (const raw of parts) {
    if (raw === '') return { error: 'empty path segment' };
    let seg: string;
    try {
      seg = decodeURIComponent(raw);
    } catch {
      return { error: 'malformed percent-encoding' };
    }
    if (seg === '.' || seg === '..') return { error: 'dot segment' };
    if (/[\\/\0:]/.test(seg)) return { error: 'forbidden character in path' };
    // Double-encoded dots (`%252e%252e`) stay literal after one decode; refuse them anyway,
    // since some other layer might decode twice.
    if (/%2e|%2f|%5c|%00/i.test(seg)) return { error: 'encoded separator or dot' };
    segments.push(seg);
  }
  return { segments, trailingSlash };
}

/** Resolves a request path (e.g. `/assets/index-abc.js`, `/`) against the renderer's build folder. */
export async function resolveStaticFile(root: string, rawPath: string): Promise<StaticResult> {
  const parsed = safeSegments(rawPath);
  if ('error' in parsed) return bad(parsed.error);
  const segments = parsed.trailingSlash || parsed.segments.length === 0 ? [...parsed.segments, 'index.html'] : parsed.segments;
  // Dotfiles are never part of a build; don't reveal whether they exist.
  if (segments.some((s) => s.startsWith('.'))) return missing('hidden file');
  const absRoot = path.resolve(root);
  const candidate = path.join(absRoot, ...segments);
  if (!isInside(absRoot, candidate)) return bad('outside the app folder');
  const contentType = appContentType(candidate);
  if (!contentType) return missing('not an app file type');
  const file = await containedFile(candidate, [absRoot]);
  if (!file) return missing('no such file');
  return { ok: true, contentType, isIndex: segments.length === 1 && segments[0] === 'index.html', ...file };
}
