// The HTTP shell: the same API as the Electron bridge, for a browser on this machine.
//
//   POST /api/<method>         JSON argument → JSON result       (token)
//   GET  /api/events           Server-Sent Events                (token)
//   GET  /media/thumb/<id>     thumbnail file of a photo         (token)
//   GET  /media/original/<id>  the photo itself                  (token)
//   GET  /…                    the built renderer (renderer/dist)
//
// Bound to 127.0.0.1 only. Every request must name us in Host (DNS-rebinding guard); API and
// media requests must carry this run's token. Node's http module does the parsing.
import { createReadStream } from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ApiErrorBody, KanjianApi, MessageCode } from '../core/api.js';
import { KanjianError } from '../core/errors.js';
import { resolveMedia, type MediaSource } from '../shell-common/media.js';
import { HTTP_CSP, securityHeaders } from '../shell-common/security.js';
import { resolveStaticFile } from '../shell-common/static-files.js';
import { callApi, isApiMethod, ValidationError } from '../shell-common/validate.js';
import { hostAllowed, newToken, originAllowed, requestToken, tokenMatches } from './auth.js';
import { BodyError, DEFAULT_MAX_BODY, isImageContentType, isJsonContentType, readBinaryBody, readJsonBody } from './body.js';
import { LIMITS } from '../core/api-values.js';
import { openEventStream, type EventFeed } from './sse.js';

export const HOST = '127.0.0.1';

export interface ServerOptions {
  api: KanjianApi & EventFeed;
  media: MediaSource;
  /** The renderer's build folder (renderer/dist); null serves the API only. */
  rendererDir: string | null;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Defaults to a fresh random token. */
  token?: string;
  keepAliveMs?: number;
  maxBodyBytes?: number;
  /** Socket limits (defaults: SERVER_LIMITS); tests shrink them. */
  limits?: Partial<ServerLimits>;
  log?: (message: string) => void;
}

export interface ServerLimits {
  /** Open sockets at once; more are dropped by Node (the UI needs a handful: SSE + images). */
  maxConnections: number;
  /** A request's headers must arrive within this (slow-header sockets are cut). */
  headersTimeoutMs: number;
  /** The whole request, body included, must arrive within this. */
  requestTimeoutMs: number;
  /** An idle keep-alive socket is closed after this. */
  keepAliveTimeoutMs: number;
}

/**
 * The shell is for one local user: a connection cap and short timeouts keep a misbehaving local
 * program from holding sockets (Node's defaults: no cap, 60 s headers, 300 s body).
 */
export const SERVER_LIMITS: ServerLimits = {
  maxConnections: 64,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
};

export interface RunningServer {
  port: number;
  token: string;
  /** `http://127.0.0.1:<port>` */
  origin: string;
  /** The address to open: `http://127.0.0.1:<port>/?token=<token>` */
  url: string;
  close(): Promise<void>;
}

const BASE_HEADERS = securityHeaders(HTTP_CSP);

function send(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, { ...BASE_HEADERS, 'Content-Length': String(Buffer.byteLength(body)), ...headers });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

function sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  send(res, status, JSON.stringify(value), {
    'Content-Type': 'application/json; charset=utf-8',
    'Cache-Control': 'no-store',
    ...headers,
  });
}

const sendError = (res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}) =>
  sendJson(res, status, { error: message }, headers);

/** The JSON body of a failed API call (ApiErrorBody): English for logs, a code for the UI. */
function apiError(e: Error, code: MessageCode, params?: Record<string, string | number>): ApiErrorBody {
  return { error: e.message || 'internal error', code, ...(params && Object.keys(params).length ? { params } : {}) };
}

/** Splits `req.url` into its raw (undecoded, unnormalised) path and its query. */
function splitUrl(raw: string | undefined): { path: string; query: URLSearchParams } {
  const url = raw ?? '/';
  const q = url.indexOf('?');
  const hash = url.indexOf('#');
  const end = hash >= 0 ? hash : url.length;
  return q >= 0 && q < end
    ? { path: url.slice(0, q), query: new URLSearchParams(url.slice(q + 1, end)) }
    : { path: url.slice(0, end), query: new URLSearchParams() };
}

function notModified(req: IncomingMessage, etag: string): boolean {
  const inm = req.headers['if-none-match'];
  return typeof inm === 'string' && inm.split(',').some((t) => t.trim() === etag || t.trim() === '*');
}

function sendFile(
  req: IncomingMessage,
  res: ServerResponse,
  file: { file: string; size: number; mtimeMs: number },
  headers: Record<string, string>,
  etag: string,
): void {
  const common = { ...BASE_HEADERS, ETag: etag, 'Last-Modified': new Date(file.mtimeMs).toUTCString(), ...headers };
  if (notModified(req, etag)) {
    res.writeHead(304, common);
    res.end();
    return;
  }
  res.writeHead(200, { ...common, 'Content-Length': String(file.size) });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  const stream = createReadStream(file.file);
  stream.on('error', () => res.destroy());
  res.on('close', () => stream.destroy());
  stream.pipe(res);
}

export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const token = opts.token ?? newToken();
  const log = opts.log ?? (() => undefined);
  const maxBody = opts.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const keepAliveMs = opts.keepAliveMs ?? 15_000;
  const streams = new Set<() => void>();
  let port = 0;

  async function handleApi(req: IncomingMessage, res: ServerResponse, name: string): Promise<void> {
    if (name === 'events') {
      if (req.method !== 'GET') return sendError(res, 405, 'use GET for /api/events', { Allow: 'GET' });
      const end = openEventStream(res, opts.api, {
        keepAliveMs,
        headers: BASE_HEADERS,
        initial: async () => [
          { type: 'progress', progress: await opts.api.getProgress() },
          { type: 'folders', folders: await opts.api.listFolders() },
        ],
      });
      streams.add(end);
      res.on('close', () => streams.delete(end));
      return;
    }
    if (!isApiMethod(name)) return sendError(res, 404, 'no such API method');
    if (req.method !== 'POST') return sendError(res, 405, `use POST for /api/${name}`, { Allow: 'POST' });
    // Search by image: the body is the image itself (bounded), not JSON. An image/* or
    // octet-stream POST from another site still needs the token, which only our page holds.
    const binary = name === 'addQueryImage';
    // Requiring JSON also means a cross-site form or no-cors fetch cannot reach here without a
    // CORS preflight, which we never approve.
    if (binary && !isImageContentType(req.headers['content-type'])) return sendError(res, 415, 'Content-Type must be image/* or application/octet-stream');
    if (!binary && !isJsonContentType(req.headers['content-type'])) return sendError(res, 415, 'Content-Type must be application/json');
    let arg: unknown;
    try {
      arg = binary ? await readBinaryBody(req, LIMITS.queryImageBytes) : await readJsonBody(req, maxBody);
    } catch (e) {
      if (e instanceof BodyError) return sendError(res, e.status, e.message, e.status === 413 ? { Connection: 'close' } : {});
      throw e;
    }
    let result: unknown;
    try {
      result = await callApi(opts.api, name, arg);
    } catch (e) {
      if (e instanceof ValidationError) return sendJson(res, 400, apiError(e, 'validation'));
      if (e instanceof KanjianError && e.client) return sendJson(res, 400, apiError(e, e.code, e.params));
      log(`api ${name}: ${(e as Error).stack ?? e}`);
      if (e instanceof KanjianError) return sendJson(res, 500, apiError(e, e.code, e.params));
      return sendJson(res, 500, apiError(e as Error, 'internal'));
    }
    if (result === undefined) {
      res.writeHead(204, { ...BASE_HEADERS, 'Cache-Control': 'no-store' });
      res.end();
      return;
    }
    sendJson(res, 200, result);
  }

  async function handleMedia(req: IncomingMessage, res: ServerResponse, rest: string[]): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendError(res, 405, 'use GET', { Allow: 'GET, HEAD' });
    if (rest.length !== 2) return sendError(res, 404, 'not found');
    const r = await resolveMedia(opts.media, rest[0], rest[1]);
    if (!r.ok) return sendError(res, r.status, r.status === 400 ? r.reason : 'not found');
    sendFile(
      req,
      res,
      r,
      {
        'Content-Type': r.contentType,
        // Private: photos are personal. no-cache: revalidate with the ETag, since an edited
        // photo keeps its id (and so its URL).
        'Cache-Control': 'private, no-cache',
        'Cross-Origin-Resource-Policy': 'same-origin',
      },
      r.etag,
    );
  }

  async function handleStatic(req: IncomingMessage, res: ServerResponse, rawPath: string): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendError(res, 405, 'use GET', { Allow: 'GET, HEAD' });
    if (!opts.rendererDir) return send(res, 404, 'Not found', { 'Content-Type': 'text/plain; charset=utf-8' });
    const r = await resolveStaticFile(opts.rendererDir, rawPath);
    if (!r.ok) {
      if (r.status === 404 && (rawPath === '/' || rawPath === '/index.html')) {
        return send(res, 503, 'The app is not built yet. Run: npx vite build --config renderer/vite.config.ts\n', {
          'Content-Type': 'text/plain; charset=utf-8',
        });
      }
      return send(res, r.status, r.status === 400 ? 'Bad request' : 'Not found', { 'Content-Type': 'text/plain; charset=utf-8' });
    }
    // Vite puts content-hashed files under assets/: safe to cache for good. Everything else
    // (index.html names those hashes) must be revalidated.
    const hashed = rawPath.startsWith('/assets/') && /[-.][A-Za-z0-9_-]{8,}\.[a-z0-9]+$/.test(rawPath);
    const etag = `"${r.size.toString(36)}-${Math.trunc(r.mtimeMs).toString(36)}-${r.ino.toString(36)}"`;
    sendFile(
      req,
      res,
      r,
      { 'Content-Type': r.contentType, 'Cache-Control': hashed ? 'public, max-age=31536000, immutable' : 'no-cache' },
      etag,
    );
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!hostAllowed(req.headers.host, port)) return sendError(res, 403, 'invalid Host header');
    if (!originAllowed(req.headers.origin, port)) return sendError(res, 403, 'cross-origin request refused');
    const { path: rawPath, query } = splitUrl(req.url);
    const parts = rawPath.split('/');
    const top = parts[1];
    if (top === 'api' || top === 'media') {
      if (!tokenMatches(token, requestToken(req.headers, query))) {
        return sendError(res, 401, 'missing or wrong token: open the address Kanjian printed when it started', {
          'WWW-Authenticate': 'Bearer',
        });
      }
      if (top === 'api') {
        if (parts.length !== 3) return sendError(res, 404, 'not found');
        return handleApi(req, res, parts[2]);
      }
      return handleMedia(req, res, parts.slice(2));
    }
    return handleStatic(req, res, rawPath);
  }

  const limits = { ...SERVER_LIMITS, ...opts.limits };
  const server = http.createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      // How often Node checks the two timeouts above (default 30 s would stretch them).
      connectionsCheckingInterval: Math.min(1000, limits.headersTimeoutMs),
    },
    (req, res) => {
    handle(req, res).catch((e) => {
      log(`http: ${(e as Error).stack ?? e}`);
      if (!res.headersSent) sendError(res, 500, 'internal error');
      else res.destroy();
    });
    },
  );
  server.maxConnections = limits.maxConnections;
  // The token rides in the query string of media and event URLs: keep it out of any log line
  // Node might print for a malformed request.
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    // Too slow with its headers or body (the limits above): 408, anything else malformed: 400.
    const status = err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : '400 Bad Request';
    if (socket.writable) socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\n\r\n`);
    else socket.destroy();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: HOST, port: opts.port ?? 0, exclusive: true }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  const origin = `http://${HOST}:${port}`;

  let closing: Promise<void> | null = null;
  return {
    port,
    token,
    origin,
    url: `${origin}/?token=${token}`,
    close() {
      closing ??= new Promise<void>((resolve) => {
        for (const end of [...streams]) end();
        streams.clear();
        server.close(() => resolve());
        server.closeIdleConnections();
        // Anything still open after a moment (a slow download) is cut.
        setTimeout(() => server.closeAllConnections(), 1000).unref();
      });
      return closing;
    },
  };
}
