// Server-Sent Events: one stream per connected page, each `data:` line one KanjianEvent.
import type { ServerResponse } from 'node:http';
import type { KanjianEvent } from '../core/api.js';

export interface EventFeed {
  onEvent(listener: (e: KanjianEvent) => void): () => void;
}

export interface SseOptions {
  /** A comment line this often keeps proxies and idle-timeouts from dropping the stream. */
  keepAliveMs: number;
  /** A client that stops reading is dropped once this much is queued for it. */
  maxBufferedBytes?: number;
  /** Sent first, so a page that (re)connects is in step without asking. */
  initial?: () => Promise<KanjianEvent[]>;
  headers: Record<string, string>;
}

/** Formats one event; JSON has no raw newlines, so one `data:` line always suffices. */
export function sseFrame(e: KanjianEvent): string {
  return `data: ${JSON.stringify(e)}\n\n`;
}

/** Streams `feed` into `res` until the client goes away; returns a function that ends it early. */
export function openEventStream(res: ServerResponse, feed: EventFeed, opts: SseOptions): () => void {
  const maxBuffered = opts.maxBufferedBytes ?? 1024 * 1024;
  res.writeHead(200, {
    ...opts.headers,
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-store',
    Connection: 'keep-alive',
    // Tells buffering reverse proxies (nginx) to pass events through at once.
    'X-Accel-Buffering': 'no',
  });
  res.socket?.setNoDelay(true);
  res.write('retry: 3000\n\n');

  let ended = false;
  const write = (chunk: string) => {
    if (ended) return;
    if (res.writableLength > maxBuffered) {
      end();
      return;
    }
    res.write(chunk);
  };
  // Live events that arrive while the initial snapshot is being read wait behind it, so an
  // older snapshot never lands after a newer event.
  let pending: KanjianEvent[] | null = opts.initial ? [] : null;
  const unsubscribe = feed.onEvent((e) => (pending ? pending.push(e) : write(sseFrame(e))));
  const keepAlive = setInterval(() => write(': keep-alive\n\n'), opts.keepAliveMs);
  keepAlive.unref();

  function end() {
    if (ended) return;
    ended = true;
    clearInterval(keepAlive);
    unsubscribe();
    if (!res.writableEnded) res.end();
  }
  res.on('close', end);
  res.on('error', end);

  if (opts.initial) {
    const flush = (first: KanjianEvent[]) => {
      const queued = pending ?? [];
      pending = null;
      for (const e of [...first, ...queued]) write(sseFrame(e));
    };
    opts.initial().then(flush, () => flush([]));
  }
  return end;
}
