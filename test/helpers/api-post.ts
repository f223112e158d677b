// One authenticated POST to a running HTTP shell's API (`/api/<method>`), for tests that need
// the raw status and body (the typed client would throw on a 4xx). The body goes as given.
import http from 'node:http';

export interface ApiTarget {
  port: number;
  token: string;
}

export function postApi(
  server: ApiTarget,
  method: string,
  body: Buffer | string,
  contentType = 'application/json',
): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: server.port,
        path: `/api/${method}`,
        method: 'POST',
        headers: { Host: `127.0.0.1:${server.port}`, Authorization: `Bearer ${server.token}`, 'Content-Type': contentType },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          resolve({ status: res.statusCode!, body: text ? JSON.parse(text) : undefined });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
