// kanjian:// requests → files. kanjian://app/… is the built renderer; kanjian://thumb/<id>,
// kanjian://preview/<id> and kanjian://original/<id> are a photo's thumbnail, screen-sized preview and original, by id only: the path comes from
// the core (which checks it lies in the library), never from the URL. No Electron import.
import type { MediaResult } from '../shell-common/media.js';
import { ELECTRON_CSP, securityHeaders } from '../shell-common/security.js';
import { resolveStaticFile } from '../shell-common/static-files.js';
import { APP_HOST, SCHEME } from './policy.js';

export type ProtocolRoute =
  | { status: 200; file: string; size: number; headers: Record<string, string> }
  | { status: 400 | 403 | 404 | 405; headers: Record<string, string>; reason: string };

export interface ProtocolDeps {
  rendererDir: string;
  resolveMedia(kind: 'thumb' | 'preview' | 'original', rawId: string): Promise<MediaResult>;
}

const BASE = securityHeaders(ELECTRON_CSP);
const fail = (status: 400 | 403 | 404 | 405, reason: string): ProtocolRoute => ({
  status,
  reason,
  headers: { ...BASE, 'Content-Type': 'text/plain; charset=utf-8' },
});

/** Splits a kanjian:// URL into host and raw path, or null when it is not one of ours. */
export function splitProtocolUrl(url: string): { host: string; path: string } | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  if (u.protocol !== `${SCHEME}:` || u.username || u.password || u.port) return null;
  // Chromium lowercases the host of a standard scheme; Node's URL (in tests) does not.
  return { host: u.host.toLowerCase(), path: u.pathname };
}

export async function routeProtocolRequest(url: string, method: string, deps: ProtocolDeps): Promise<ProtocolRoute> {
  if (method !== 'GET' && method !== 'HEAD') return fail(405, 'read-only');
  const parts = splitProtocolUrl(url);
  if (!parts) return fail(400, 'not a kanjian URL');
  if (parts.host === APP_HOST) {
    const r = await resolveStaticFile(deps.rendererDir, parts.path);
    if (!r.ok) return fail(r.status, r.reason);
    return { status: 200, file: r.file, size: r.size, headers: { ...BASE, 'Content-Type': r.contentType, 'Cache-Control': 'no-cache' } };
  }
  if (parts.host === 'thumb' || parts.host === 'preview' || parts.host === 'original') {
    const m = /^\/([^/]*)$/.exec(parts.path);
    if (!m) return fail(400, 'expected /<photo id>');
    const r = await deps.resolveMedia(parts.host, m[1]);
    if (!r.ok) return fail(r.status, r.reason);
    return {
      status: 200,
      file: r.file,
      size: r.size,
      headers: { ...BASE, 'Content-Type': r.contentType, 'Cache-Control': 'private, no-cache', ETag: r.etag },
    };
  }
  return fail(404, 'unknown host');
}
