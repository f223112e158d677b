import { describe, expect, it, vi } from 'vitest';
import { screen } from '@testing-library/svelte';
import { ApiError, createHttpClient, SessionExpiredError, takeToken } from '../src/api/http-client.ts';
import { API_METHODS } from '../src/api/types.ts';
import { Session } from '../src/state/session.svelte.ts';
import { renderApp } from './fixtures/render-app.ts';
import type { KanjianEvent } from '../src/api/types.ts';

function jsonResponse(body: unknown, status = 200): Response {
  return new Response(body === undefined ? '' : JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

class FakeEventSource {
  static instances: FakeEventSource[] = [];
  readyState = 0;
  onmessage: ((e: MessageEvent) => void) | null = null;
  onerror: (() => void) | null = null;
  closed = false;
  constructor(readonly url: string) {
    FakeEventSource.instances.push(this);
  }
  close() {
    this.closed = true;
    this.readyState = 2;
  }
  send(event: KanjianEvent) {
    this.onmessage?.(new MessageEvent('message', { data: JSON.stringify(event) }));
  }
}

const BASE = 'http://127.0.0.1:4567/';

describe('takeToken', () => {
  it('takes ?token= from the address bar, stores it for the session and hides it', () => {
    history.replaceState(null, '', '/?token=s3cret&x=1#top');
    expect(takeToken()).toBe('s3cret');
    expect(location.search).toBe('?x=1');
    expect(location.hash).toBe('#top');
    expect(sessionStorage.getItem('kanjian.token')).toBe('s3cret');
    history.replaceState(null, '', '/');
    expect(takeToken()).toBe('s3cret'); // a reload finds it again
  });

  it('returns null when there is none', () => {
    history.replaceState(null, '', '/');
    expect(takeToken()).toBeNull();
  });
});

describe('HTTP client', () => {
  it('exposes every API method as POST /api/<method> with the Bearer token', async () => {
    const fetch = vi.fn(async (..._args: Parameters<typeof globalThis.fetch>) => jsonResponse({ ok: true }));
    const client = createHttpClient({ baseUrl: BASE, token: 'tok', fetch });
    for (const m of API_METHODS) expect(typeof client[m]).toBe('function');
    expect(client.shell).toBe('browser');

    await client.search({ query: '海边 sunset', limit: 10 });
    await client.getPhoto(42);
    await client.listFolders();
    await client.addFolder('/home/li/照片');

    const [url, init] = fetch.mock.calls[0];
    expect(url).toBe('http://127.0.0.1:4567/api/search');
    expect(init?.method).toBe('POST');
    expect((init?.headers as Record<string, string>).Authorization).toBe('Bearer tok');
    expect(JSON.parse(String(init?.body))).toEqual({ query: '海边 sunset', limit: 10 });
    expect(String(url)).not.toContain('tok');
    expect(JSON.parse(String(fetch.mock.calls[1][1]?.body))).toBe(42);
    expect(JSON.parse(String(fetch.mock.calls[2][1]?.body))).toEqual({});
    expect(JSON.parse(String(fetch.mock.calls[3][1]?.body))).toBe('/home/li/照片');
  });

  it('returns results, including null and empty bodies', async () => {
    const answers = [jsonResponse({ id: 1 }), jsonResponse(null), jsonResponse(undefined)];
    const client = createHttpClient({ baseUrl: BASE, token: 't', fetch: async () => answers.shift()! });
    expect(await client.getPhoto(1)).toEqual({ id: 1 });
    expect(await client.getPhoto(2)).toBeNull();
    expect(await client.removeFolder(3)).toBeUndefined();
  });

  it('turns { error } into an ApiError with the server text', async () => {
    const client = createHttpClient({ baseUrl: BASE, token: 't', fetch: async () => jsonResponse({ error: 'not a directory: /x' }, 400) });
    const err = await client.addFolder('/x').catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err.message).toBe('not a directory: /x');
    expect(err.status).toBe(400);
  });

  it('reports 401 once as an expired session', async () => {
    const onUnauthorized = vi.fn();
    const fetch = vi.fn(async () => jsonResponse({ error: 'bad token' }, 401));
    const client = createHttpClient({ baseUrl: BASE, token: 'old', fetch, onUnauthorized });
    await expect(client.listFolders()).rejects.toBeInstanceOf(SessionExpiredError);
    await expect(client.getModel()).rejects.toBeInstanceOf(SessionExpiredError);
    expect(onUnauthorized).toHaveBeenCalledTimes(1);
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it('aborts a search still in flight when a newer one starts', async () => {
    const signals: AbortSignal[] = [];
    const fetch = vi.fn(
      (_url: RequestInfo | URL, init?: RequestInit) =>
        new Promise<Response>((resolve, reject) => {
          const signal = init!.signal!;
          signals.push(signal);
          signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
          setTimeout(() => resolve(jsonResponse({ results: [], tookMs: 1 })), 20);
        }),
    );
    const client = createHttpClient({ baseUrl: BASE, token: 't', fetch });
    const first = client.search({ query: 'a' });
    const second = client.search({ query: 'ab' });
    await expect(first).rejects.toThrow('aborted');
    await expect(second).resolves.toEqual({ results: [], tookMs: 1 });
    expect(signals[0].aborted).toBe(true);
    expect(signals[1].aborted).toBe(false);
  });

  it('media URLs and the event stream carry the token as ?token=', async () => {
    FakeEventSource.instances = [];
    const client = createHttpClient({
      baseUrl: BASE,
      token: 'a b',
      fetch: async () => jsonResponse({}),
      EventSource: FakeEventSource as unknown as typeof EventSource,
    });
    expect(client.thumbnailUrl(7)).toBe('http://127.0.0.1:4567/media/thumb/7?token=a+b');
    expect(client.originalUrl(7)).toBe('http://127.0.0.1:4567/media/original/7?token=a+b');

    const got: KanjianEvent[] = [];
    const off1 = client.onEvent((e) => got.push(e));
    const off2 = client.onEvent(() => {});
    expect(FakeEventSource.instances).toHaveLength(1);
    const es = FakeEventSource.instances[0];
    expect(es.url).toBe('http://127.0.0.1:4567/api/events?token=a+b');
    es.send({ type: 'progress', progress: { phase: 'idle', phases: [], state: 'idle', done: 0, total: 0, failed: 0, rate: 0, etaSeconds: null, currentPath: null } });
    es.onmessage?.(new MessageEvent('message', { data: 'not json' }));
    expect(got.map((e) => e.type)).toEqual(['progress']);
    off1();
    expect(es.closed).toBe(false);
    off2();
    expect(es.closed).toBe(true);
  });

  it('reopens a dropped event stream, unless the token died', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      FakeEventSource.instances = [];
      let status = 200;
      const onUnauthorized = vi.fn();
      const client = createHttpClient({
        baseUrl: BASE,
        token: 't',
        fetch: async () => jsonResponse({ state: 'idle' }, status),
        EventSource: FakeEventSource as unknown as typeof EventSource,
        reconnectMs: 100,
        onUnauthorized,
      });
      client.onEvent(() => {});
      FakeEventSource.instances[0].readyState = 2;
      FakeEventSource.instances[0].onerror?.();
      await vi.advanceTimersByTimeAsync(150);
      expect(FakeEventSource.instances).toHaveLength(2);

      status = 401;
      FakeEventSource.instances[1].readyState = 2;
      FakeEventSource.instances[1].onerror?.();
      await vi.advanceTimersByTimeAsync(150);
      expect(FakeEventSource.instances).toHaveLength(2);
      expect(onUnauthorized).toHaveBeenCalledTimes(1);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('expired session screen', () => {
  it('tells the truth (Kanjian was restarted) and the one step to take, naming no command', async () => {
    const session = new Session();
    await renderApp({ session });
    expect(screen.queryByTestId('session-expired')).toBeNull();
    session.expire();
    const box = await screen.findByTestId('session-expired');
    expect(box.textContent).toContain('Kanjian was restarted');
    expect(screen.getByTestId('session-step').textContent).toBe('Open the new address Kanjian printed in its terminal when it started again.');
    expect(box.textContent).not.toMatch(/kanjian serve|npm run/);
    expect(document.activeElement).toBe(box);
  });
});
