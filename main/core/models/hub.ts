// Hugging Face hub addressing. Everything goes through one endpoint so a mirror can stand in for
// huggingface.co: HF_ENDPOINT is the variable huggingface_hub and most mirrors document.

import { STATUS_CODES } from 'node:http';
import { KanjianError } from '../errors.js';

export const DEFAULT_HF_ENDPOINT = 'https://huggingface.co';

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * A Hugging Face endpoint (typed in the app or set as HF_ENDPOINT): https, or http for this
 * machine only (a local mirror, the tests' fake hub), so a typo cannot send downloads — and the
 * weights whose hashes many registry entries cannot pin — in the clear. Returns the origin
 * (+ path) without a trailing slash, or null when it is not usable.
 */
export function normaliseEndpoint(raw: string): string | null {
  let u: URL;
  try {
    u = new URL(raw.trim());
  } catch {
    return null;
  }
  if (u.username || u.password || u.search || u.hash) return null;
  const loopback = LOOPBACK.has(u.hostname) || /^127\./.test(u.hostname);
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && loopback)) return null;
  return `${u.origin}${u.pathname}`.replace(/\/+$/, '');
}

/** HF_ENDPOINT, checked like a mirror typed in the app; huggingface.co when unset. */
export function hfEndpoint(env: NodeJS.ProcessEnv = process.env): string {
  const raw = env.HF_ENDPOINT?.trim();
  if (!raw) return DEFAULT_HF_ENDPOINT;
  const ok = normaliseEndpoint(raw);
  if (!ok) {
    throw new KanjianError('settings.badEndpoint', `HF_ENDPOINT must be an https:// address (http:// only for loopback), not ${raw}`, {
      params: { value: raw },
      client: true,
    });
  }
  return ok;
}

function encodePath(p: string): string {
  return p.split('/').map(encodeURIComponent).join('/');
}

/** `{endpoint}/{repo}/resolve/{revision}/{path}`; a revision such as refs/pr/1 is one escaped segment. */
export function resolveUrl(endpoint: string, repo: string, revision: string, path: string): string {
  return `${endpoint.replace(/\/+$/, '')}/${encodePath(repo)}/resolve/${encodeURIComponent(revision)}/${encodePath(path)}`;
}

export function treeUrl(endpoint: string, repo: string, revision: string, folder: string): string {
  return `${endpoint.replace(/\/+$/, '')}/api/models/${encodePath(repo)}/tree/${encodeURIComponent(revision)}/${encodePath(folder)}`;
}

export function httpStatusText(status: number, statusText?: string): string {
  return statusText || STATUS_CODES[status] || 'Unknown Status';
}

export interface HubFile {
  path: string;
  size: number;
  /** SHA-256 of the content for LFS/Xet files (the hub's lfs.oid); null for small git files. */
  sha256: string | null;
}

interface TreeEntry {
  type: string;
  path: string;
  size?: number;
  lfs?: { oid?: string; size?: number };
}

/** `rel="next"` from a Link header; the tree API pages long folders with a cursor. */
function nextLink(link: string | null, base: string): string | null {
  if (!link) return null;
  for (const part of link.split(',')) {
    const m = /<([^>]+)>\s*;\s*rel="?next"?/.exec(part.trim());
    if (m) return new URL(m[1], base).toString();
  }
  return null;
}

/**
 * Files directly inside `folder` at `revision` (not recursive: Immich keeps ARM NN and fp16
 * variants in sub-folders that we never want).
 */
export async function listFolder(
  endpoint: string,
  repo: string,
  revision: string,
  folder: string,
  signal?: AbortSignal,
): Promise<HubFile[]> {
  const files: HubFile[] = [];
  let url: string | null = treeUrl(endpoint, repo, revision, folder);
  for (let page = 0; url && page < 1000; page++) {
    const res: Response = await fetch(url, { signal, headers: { Accept: 'application/json' } });
    if (!res.ok) {
      await res.body?.cancel().catch(() => {});
      const e = new Error(
        `HTTP ${res.status} ${httpStatusText(res.status, res.statusText)} listing ${folder}/ of ${repo}@${revision}` +
          (res.status === 404 ? ' (the mirror may not serve the /api/models tree listing)' : ''),
      );
      // The status travels with the error, so a failed download can say 404 from 403 (download-errors.ts).
      throw Object.assign(e, { status: res.status });
    }
    const body = (await res.json()) as TreeEntry[];
    if (!Array.isArray(body)) throw new Error(`Unexpected listing for ${folder}/ of ${repo}: not a JSON array`);
    for (const e of body) {
      if (e.type !== 'file') continue;
      const oid = e.lfs?.oid?.toLowerCase();
      files.push({
        path: e.path,
        size: e.lfs?.size ?? e.size ?? 0,
        sha256: oid && /^[0-9a-f]{64}$/.test(oid) ? oid : null,
      });
    }
    url = nextLink(res.headers.get('link'), url);
  }
  return files;
}

/** `*` matches within one path segment; patterns without `/` are matched against the base name. */
export function matchesGlob(path: string, pattern: string): boolean {
  const target = pattern.includes('/') ? path : path.slice(path.lastIndexOf('/') + 1);
  const re = new RegExp('^' + pattern.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*') + '$');
  return re.test(target);
}
