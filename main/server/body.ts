// Reads a JSON request body with a size cap; an oversized body is refused before it is buffered.
import type { IncomingMessage } from 'node:http';

export class BodyError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 413 | 415,
  ) {
    super(message);
    this.name = 'BodyError';
  }
}

export const DEFAULT_MAX_BODY = 1024 * 1024;

/** True for `application/json` with or without parameters (charset). */
export function isJsonContentType(value: string | undefined): boolean {
  if (!value) return false;
  return value.split(';')[0].trim().toLowerCase() === 'application/json';
}

/**
 * The parsed body; an empty body is `undefined` (the contract's "no argument"). On overflow the
 * rest is read and dropped rather than the socket destroyed, so the 413 still reaches the client;
 * the caller answers with `Connection: close`.
 */
export async function readJsonBody(req: IncomingMessage, maxBytes = DEFAULT_MAX_BODY): Promise<unknown> {
  // JSON on the wire is UTF-8 (RFC 8259); a BOM or a charset parameter changes nothing.
  const text = (await readBounded(req, maxBytes)).toString('utf8').replace(/^\uFEFF/, '');
  if (!text.trim()) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new BodyError('request body is not valid JSON', 400);
  }
}

/**
 * The whole body, at most `maxBytes`: refused from Content-Length before anything is buffered,
 * else counted while it streams in (the rest is read and dropped, so the 413 reaches the client).
 */
function readBounded(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > maxBytes) {
    req.resume();
    return Promise.reject(new BodyError(`request body larger than ${maxBytes} bytes`, 413));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > maxBytes) {
        failed = true;
        chunks.length = 0;
        reject(new BodyError(`request body larger than ${maxBytes} bytes`, 413));
        return;
      }
      chunks.push(chunk);
    });
    req.on('error', (e) => {
      if (!failed) reject(e);
      failed = true;
    });
    req.on('end', () => {
      if (!failed) resolve(Buffer.concat(chunks, size));
    });
  });
}

/** True for the content types a raw image upload may carry (image/*, application/octet-stream). */
export function isImageContentType(value: string | undefined): boolean {
  const t = value?.split(';')[0].trim().toLowerCase() ?? '';
  return t === 'application/octet-stream' || /^image\/[a-z0-9.+-]+$/.test(t);
}

/**
 * A raw binary body (a dropped image for search by image), capped like the JSON body: refused
 * from Content-Length before anything is buffered, else counted while it streams in.
 */
export async function readBinaryBody(req: IncomingMessage, maxBytes: number): Promise<Uint8Array> {
  const buf = await readBounded(req, maxBytes);
  // A plain Uint8Array view (the schema checks the type; Buffer is a subclass, but be exact).
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}
