// Socket limits of the HTTP shell on a real server and raw TCP sockets: slow headers are cut with
// a 408, and connections over the cap are dropped while the others stay open.
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { KanjianApi } from '../../../main/core/api.js';
import type { EventFeed } from '../../../main/server/sse.js';
import type { MediaSource } from '../../../main/shell-common/media.js';
import { SERVER_LIMITS, startServer, type RunningServer } from '../../../main/server/server.js';

let server: RunningServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

// These tests never reach the API or media routes.
const unused = {} as KanjianApi & EventFeed;
const noMedia = {} as MediaSource;

function connect(port: number): Promise<{ socket: net.Socket; closed: Promise<string> }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let data = '';
    socket.on('data', (d) => (data += d));
    const closed = new Promise<string>((r) => socket.on('close', () => r(data)));
    socket.once('connect', () => resolve({ socket, closed }));
    socket.once('error', reject);
  });
}

describe('HTTP shell socket limits', () => {
  it('defaults are set below Node\'s (which has no cap and waits minutes for a body)', () => {
    expect(SERVER_LIMITS.maxConnections).toBeLessThanOrEqual(128);
    expect(SERVER_LIMITS.headersTimeoutMs).toBeLessThanOrEqual(15_000);
    expect(SERVER_LIMITS.requestTimeoutMs).toBeLessThanOrEqual(60_000);
  });

  it('a client that never finishes its headers gets 408 and is disconnected', async () => {
    server = await startServer({ api: unused, media: noMedia, rendererDir: null, limits: { headersTimeoutMs: 300, requestTimeoutMs: 600 } });
    const { socket, closed } = await connect(server.port);
    socket.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n'); // and nothing more
    expect(await closed).toMatch(/^HTTP\/1\.1 408/);
  });

  it('connections over the cap are dropped; the ones within it stay open', async () => {
    server = await startServer({ api: unused, media: noMedia, rendererDir: null, limits: { maxConnections: 3 } });
    const kept = await Promise.all([1, 2, 3].map(() => connect(server!.port)));
    // Node counts a connection once accepted: give the three a moment to be counted by a round trip.
    for (const k of kept) k.socket.write('GET /');
    const extra = await connect(server.port);
    expect(await extra.closed).toBe('');
    expect(kept.every((k) => !k.socket.destroyed)).toBe(true);
    for (const k of kept) k.socket.destroy();
  });
});
