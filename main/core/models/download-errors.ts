// Why a model download failed, as a code the UI can explain in its language and act on:
// offline (no route, DNS, refused), blocked (TLS interception, 401/403/407/451/429: a firewall,
// proxy or region block), not found (404: the mirror lacks it), disk full, corrupt (size/hash),
// timeout. Found by walking the error's cause chain: fetch wraps the socket error, install wraps
// the listing error, downloadFile wraps write errors.
import type { MessageCode } from '../api.js';
import { DownloadError } from './download.js';

export interface DownloadFailure {
  code: MessageCode;
  params: Record<string, string | number>;
}

const OFFLINE = new Set(['ENOTFOUND', 'EAI_AGAIN', 'ECONNREFUSED', 'ENETUNREACH', 'EHOSTUNREACH', 'ENETDOWN', 'EHOSTDOWN', 'ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET']);
const TIMEOUT = new Set(['ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);
const DISK = new Set(['ENOSPC', 'EDQUOT']);
const BLOCKED_STATUS = new Set([401, 403, 407, 429, 451]);

function isTlsCode(code: string): boolean {
  return /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|SELF_SIGNED_|DEPTH_ZERO_|EPROTO$|ERR_CERT)/.test(code);
}

function* causes(e: unknown): Generator<unknown> {
  const seen = new Set<unknown>();
  for (let cur = e; cur && !seen.has(cur) && seen.size < 10; cur = (cur as { cause?: unknown }).cause) {
    seen.add(cur);
    yield cur;
  }
}

/** The failure's code and params (`host`, `file`, `status` where known). */
export function classifyDownloadError(err: unknown, ctx: { host: string }): DownloadFailure {
  const params: Record<string, string | number> = { host: ctx.host };
  const dl = [...causes(err)].find((c): c is DownloadError => c instanceof DownloadError);
  if (dl?.file) params.file = dl.file;
  for (const c of causes(err)) {
    const code = (c as { code?: unknown }).code;
    if (typeof code !== 'string' || c instanceof DownloadError) continue;
    if (DISK.has(code)) return { code: 'download.diskFull', params };
    if (isTlsCode(code)) return { code: 'download.blocked', params };
    if (TIMEOUT.has(code)) return { code: 'download.timeout', params };
    if (OFFLINE.has(code)) return { code: 'download.offline', params };
  }
  const status = dl?.status ?? [...causes(err)].map((c) => (c as { status?: unknown }).status).find((s) => typeof s === 'number');
  if (typeof status === 'number' && status >= 300) {
    params.status = status;
    if (status === 404 || status === 410) return { code: 'download.notFound', params };
    if (BLOCKED_STATUS.has(status)) return { code: 'download.blocked', params };
    return { code: 'download.failed', params: { ...params, detail: `HTTP ${status}` } };
  }
  if (dl?.code === 'timeout') return { code: 'download.timeout', params };
  if (dl?.code === 'size' || dl?.code === 'sha256') return { code: 'download.corrupt', params };
  // fetch() rejects with "fetch failed" and the socket error as its cause; with no errno at all it
  // is still a network failure.
  if (dl?.code === 'network' || [...causes(err)].some((c) => c instanceof TypeError && /fetch failed/i.test(c.message))) {
    return { code: 'download.offline', params };
  }
  // The English message stays in DownloadState.error for logs; a param would put it on screen.
  return { code: 'download.failed', params };
}
