// Downloads one file of a model package from a Hugging Face endpoint, resumably and verified.
//
// Bytes land in `<dest>.part`; only a file whose size and SHA-256 check out is renamed to `dest`, so
// a file at `dest` is always a verified one. An interrupted transfer keeps its `.part` and the next
// call continues it with an HTTP Range request.

import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { hfEndpoint, httpStatusText, resolveUrl } from './hub.js';

export interface DownloadProgress {
  /** The file's name inside the package (or repo path), as shown to the user. */
  file: string;
  /** Bytes of this file on disk so far, including a resumed prefix. */
  bytes: number;
  totalBytes: number | null;
  /** Recent transfer rate in bytes per second. */
  rate: number;
  etaSeconds: number | null;
}

/**
 * How the file was checked: against the registry's SHA-256, against the SHA-256 the hub sends for
 * LFS/Xet files (X-Linked-Etag, or an ETag that is a SHA-256), by size alone, or not at all.
 */
export type VerifiedBy = 'registry-sha256' | 'hub-sha256' | 'size-only' | 'unverified';

export type DownloadErrorCode = 'http' | 'network' | 'timeout' | 'aborted' | 'size' | 'sha256' | 'redirect';

export class DownloadError extends Error {
  override readonly name = 'DownloadError';
  constructor(
    message: string,
    readonly code: DownloadErrorCode,
    readonly file: string,
    /** True when the `.part` file was kept, so calling again resumes. */
    readonly resumable: boolean,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface DownloadFileOptions {
  repo: string;
  revision: string;
  /** Path inside the repository. */
  path: string;
  /** Absolute destination; the transfer goes to `${dest}.part` first. */
  dest: string;
  /** Name used in messages and progress; defaults to `path`. */
  label?: string;
  size?: number | null;
  sha256?: string | null;
  /** Where `sha256` came from: the registry (default) or the hub's own listing. */
  sha256From?: 'registry' | 'hub';
  /** Defaults to HF_ENDPOINT or https://huggingface.co. */
  endpoint?: string;
  signal?: AbortSignal;
  /** Give up when the server sends nothing for this long (headers or body). Default 30 s. */
  idleTimeoutMs?: number;
  onProgress?: (p: DownloadProgress) => void;
  /** Minimum time between progress callbacks. Default 250 ms. */
  progressIntervalMs?: number;
}

export interface DownloadResult {
  file: string;
  dest: string;
  url: string;
  bytes: number;
  sha256: string;
  verifiedBy: VerifiedBy;
  /** Bytes that were already in `.part` and were not fetched again. */
  resumedFrom: number;
  /** The server ignored our Range request, so the transfer started over. */
  restarted: boolean;
}

const USER_AGENT = 'kanjian-model-download/1';
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 10;

/** A SHA-256 from an ETag-style header (`"abc…"`, `W/"abc…"`), or null if it is anything else. */
export function sha256FromEtag(value: string | null): string | null {
  if (!value) return null;
  const v = value.trim().replace(/^W\//, '').replace(/^"|"$/g, '').toLowerCase();
  return /^[0-9a-f]{64}$/.test(v) ? v : null;
}

function parseContentRange(v: string | null): { start: number; total: number | null } | null {
  const m = v ? /^bytes\s+(\d+)-(\d+)\/(\d+|\*)$/i.exec(v.trim()) : null;
  if (!m) return null;
  return { start: Number(m[1]), total: m[3] === '*' ? null : Number(m[3]) };
}

async function sizeOf(p: string): Promise<number> {
  try {
    return (await stat(p)).size;
  } catch {
    return 0;
  }
}

async function hashPrefix(hash: Hash, p: string, length: number): Promise<void> {
  if (length <= 0) return;
  for await (const chunk of createReadStream(p, { start: 0, end: length - 1 })) hash.update(chunk as Buffer);
}

function fmtSeconds(ms: number): string {
  const s = ms / 1000;
  return Number.isInteger(s) ? `${s}` : s.toFixed(1);
}

interface Reply {
  res: Response;
  url: string;
  /** From X-Linked-Etag (any hop) or a SHA-256-shaped ETag on the final reply. */
  hubSha: string | null;
  hubSize: number | null;
}

export async function downloadFile(o: DownloadFileOptions): Promise<DownloadResult> {
  const label = o.label ?? o.path;
  const url = resolveUrl(o.endpoint ?? hfEndpoint(), o.repo, o.revision, o.path);
  const part = `${o.dest}.part`;
  const idleMs = o.idleTimeoutMs ?? 30_000;
  const wantSha = o.sha256?.toLowerCase() ?? null;

  if (o.signal?.aborted) throw new DownloadError(`Download of ${label} cancelled`, 'aborted', label, true);
  await mkdir(dirname(o.dest), { recursive: true });

  // One controller carries both the caller's cancel and our idle timer into fetch and the body.
  const ctl = new AbortController();
  const onCallerAbort = () => ctl.abort(o.signal?.reason);
  o.signal?.addEventListener('abort', onCallerAbort, { once: true });
  let timedOut = false;
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      timedOut = true;
      ctl.abort(new Error('idle timeout'));
    }, idleMs);
  };

  let offset = await sizeOf(part);
  if (o.size != null && offset > o.size) {
    await rm(part, { force: true });
    offset = 0;
  }
  let bytes = offset;
  let restarted = false;
  const resumedFrom = () => (restarted ? 0 : offset);

  try {
    // A second attempt happens only when the server's answer to a Range request means the
    // partial file cannot be continued (416 on a short file, or a range starting elsewhere).
    for (let attempt = 0; ; attempt++) {
      arm();
      const reply = await request(url, offset, ctl.signal, label, arm, wantSha, o.sha256From === 'hub' ? 'the hub listing' : 'the registry');
      const { res } = reply;
      const expectedTotal = o.size ?? reply.hubSize;

      if (res.status === 416) {
        await res.body?.cancel().catch(() => {});
        if (offset > 0 && expectedTotal !== null && offset === expectedTotal) {
          // The earlier run got every byte but stopped before verifying.
          const hash = createHash('sha256');
          await hashPrefix(hash, part, offset);
          return await finish(o, label, reply, part, offset, hash.digest('hex'), expectedTotal, wantSha, offset, restarted);
        }
        if (offset > 0 && attempt === 0) {
          await rm(part, { force: true });
          offset = bytes = 0;
          restarted = true;
          continue;
        }
      }
      if (res.status !== 200 && res.status !== 206) {
        await res.body?.cancel().catch(() => {});
        throw new DownloadError(
          `HTTP ${res.status} ${httpStatusText(res.status, res.statusText)} for ${label}`,
          'http',
          label,
          true,
          res.status,
        );
      }

      let append = false;
      let total = expectedTotal;
      const length = res.headers.get('content-length');
      if (res.status === 206) {
        const range = parseContentRange(res.headers.get('content-range'));
        if (!range || range.start !== offset) {
          await res.body?.cancel().catch(() => {});
          if (attempt > 0) throw new DownloadError(`The server sent the wrong byte range for ${label}`, 'http', label, false, 206);
          await rm(part, { force: true });
          offset = bytes = 0;
          restarted = true;
          continue;
        }
        append = true;
        total ??= range.total;
      } else {
        // 200 to a Range request: the server ignored it, so start the file over.
        if (offset > 0) restarted = true;
        offset = bytes = 0;
        if (total === null && length !== null) total = Number(length);
      }

      const hash = createHash('sha256');
      if (append) await hashPrefix(hash, part, offset);
      const fh = await open(part, append ? 'a' : 'w');
      const started = Date.now();
      let lastEmit = 0;
      let lastBytes = bytes;
      let rate = 0;
      const interval = o.progressIntervalMs ?? 250;
      const emit = (force: boolean) => {
        if (!o.onProgress) return;
        const now = Date.now();
        if (!force && now - lastEmit < interval) return;
        const dt = (now - (lastEmit || started)) / 1000;
        if (dt > 0) {
          const instant = (bytes - lastBytes) / dt;
          rate = rate === 0 ? instant : 0.3 * instant + 0.7 * rate;
        }
        lastEmit = now;
        lastBytes = bytes;
        const left = total !== null ? Math.max(0, total - bytes) : null;
        o.onProgress({
          file: label,
          bytes,
          totalBytes: total,
          rate: Math.round(rate),
          etaSeconds: left !== null && rate > 0 ? Math.round(left / rate) : left === 0 ? 0 : null,
        });
      };
      emit(true);
      try {
        if (res.body) {
          for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
            arm();
            hash.update(chunk);
            await fh.write(chunk);
            bytes += chunk.length;
            if (total !== null && bytes > total) {
              throw new DownloadError(
                `Size mismatch for ${label}: the server sent more than the expected ${total} bytes`,
                'size',
                label,
                false,
              );
            }
            emit(false);
          }
        }
        await fh.datasync();
      } finally {
        await fh.close();
      }
      clearTimeout(timer);
      emit(true);
      if (total !== null && bytes < total) {
        throw new DownloadError(
          `Connection ended early for ${label}: got ${bytes} of ${total} bytes; run the download again to resume`,
          'network',
          label,
          true,
        );
      }
      return await finish(o, label, reply, part, bytes, hash.digest('hex'), total, wantSha, resumedFrom(), restarted);
    }
  } catch (err) {
    if (err instanceof DownloadError) {
      if (!err.resumable) await rm(part, { force: true });
      throw err;
    }
    if (timedOut) {
      throw new DownloadError(
        `No data from the server for ${fmtSeconds(idleMs)} s while downloading ${label} (idle timeout); run the download again to resume`,
        'timeout',
        label,
        true,
        undefined,
        { cause: err },
      );
    }
    if (o.signal?.aborted) {
      throw new DownloadError(`Download of ${label} cancelled`, 'aborted', label, true, undefined, { cause: err });
    }
    const cause = (err as { cause?: { code?: string; message?: string } })?.cause;
    const detail = cause?.code ?? cause?.message ?? (err as Error)?.message ?? String(err);
    const host = new URL(url).host;
    const got = await sizeOf(part);
    throw new DownloadError(
      got > 0
        ? `Connection lost while downloading ${label} from ${host} after ${got} bytes (${detail}); run the download again to resume`
        : `Cannot download ${label} from ${host} (${detail})`,
      'network',
      label,
      true,
      undefined,
      { cause: err },
    );
  } finally {
    clearTimeout(timer);
    o.signal?.removeEventListener('abort', onCallerAbort);
  }
}

/** GET with redirects followed by hand, because the hub's SHA-256 rides on the redirect itself. */
async function request(
  url: string,
  offset: number,
  signal: AbortSignal,
  label: string,
  arm: () => void,
  wantSha: string | null,
  wantFrom: string,
): Promise<Reply> {
  let current = url;
  let hubSha: string | null = null;
  let hubSize: number | null = null;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const headers: Record<string, string> = { 'user-agent': USER_AGENT, 'accept-encoding': 'identity' };
    if (offset > 0) headers.range = `bytes=${offset}-`;
    const res = await fetch(current, { redirect: 'manual', signal, headers });
    arm();
    hubSha ??= sha256FromEtag(res.headers.get('x-linked-etag'));
    if (wantSha && hubSha && hubSha !== wantSha) {
      // A pinned registry hash that the hub contradicts means the registry is wrong or the file
      // changed; fetching gigabytes only to discard them helps nobody.
      await res.body?.cancel().catch(() => {});
      throw new DownloadError(
        `The hub reports SHA-256 ${hubSha} for ${label}, but ${wantFrom} expects ${wantSha}; not downloading`,
        'sha256',
        label,
        true,
      );
    }
    const linkedSize = res.headers.get('x-linked-size');
    if (hubSize === null && linkedSize !== null && /^\d+$/.test(linkedSize)) hubSize = Number(linkedSize);
    if (REDIRECTS.has(res.status)) {
      const location = res.headers.get('location');
      await res.body?.cancel().catch(() => {});
      if (!location) {
        throw new DownloadError(`HTTP ${res.status} redirect without a Location for ${label}`, 'redirect', label, true, res.status);
      }
      current = new URL(location, current).toString();
      continue;
    }
    // Git-stored small files carry a SHA-1 ETag, which sha256FromEtag ignores.
    hubSha ??= sha256FromEtag(res.headers.get('etag'));
    return { res, url: current, hubSha, hubSize };
  }
  throw new DownloadError(`Too many redirects for ${label}`, 'redirect', label, true);
}

async function finish(
  o: DownloadFileOptions,
  label: string,
  reply: Reply,
  part: string,
  bytes: number,
  digest: string,
  total: number | null,
  wantSha: string | null,
  resumedFrom: number,
  restarted: boolean,
): Promise<DownloadResult> {
  if (o.size != null && bytes !== o.size) {
    await rm(part, { force: true });
    throw new DownloadError(`Size mismatch for ${label}: expected ${o.size} bytes, got ${bytes}`, 'size', label, false);
  }
  const expected = wantSha ?? reply.hubSha;
  if (expected && digest !== expected) {
    await rm(part, { force: true });
    throw new DownloadError(
      `SHA-256 mismatch for ${label}: expected ${expected}, got ${digest}; the file was discarded`,
      'sha256',
      label,
      false,
    );
  }
  const verifiedBy: VerifiedBy =
    wantSha && o.sha256From !== 'hub' ? 'registry-sha256' : expected ? 'hub-sha256' : total !== null ? 'size-only' : 'unverified';
  await rename(part, o.dest);
  return { file: label, dest: o.dest, url: reply.url, bytes, sha256: digest, verifiedBy, resumedFrom, restarted };
}
