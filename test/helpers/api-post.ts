// Raw HTTP to a running HTTP shell on 127.0.0.1, for tests that need the status, headers and body
// as sent (the typed client would throw on a 4xx, and fetch() normalises `..` and refuses to set
// Host): `rawRequest` for any path, `postApi` for one authenticated POST to `/api/<method>`.
import http from 'node:http';

export interface ApiTarget {
  port: number;
  token: string;
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export interface RawRequestOptions {
  method?: string;
  /** Added to (and may replace) `Host: 127.0.0.1:<port>`. */
  headers?: Record<string, string>;
  body?: Buffer | string;
}

export function rawRequest(server: Pick<ApiTarget, 'port'>, rawPath: string, opts: RawRequestOptions = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port: server.port, path: rawPath, method: opts.method ?? 'GET', headers: { Host: `127.0.0.1:${server.port}`, ...opts.headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** One authenticated POST; the body goes as given, the answer comes back parsed (undefined when empty). */
export async function postApi(
  server: ApiTarget,
  method: string,
  body: Buffer | string,
  contentType = 'application/json',
): Promise<{ status: number; body: any }> {
  const res = await rawRequest(server, `/api/${method}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${server.token}`, 'Content-Type': contentType },
    body,
  });
  const text = res.body.toString();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** An authenticated GET (media, previews) through fetch, for tests that read the response as a browser would. */
export function getWithToken(server: ApiTarget & { origin: string }, rawPath: string): Promise<Response> {
  return fetch(`${server.origin}${rawPath}`, { headers: { Authorization: `Bearer ${server.token}` } });
}
