// KanjianClient over the local HTTP shell (main/server): POST /api/<method>, SSE /api/events,
// /media/thumb|original/<id>, all carrying the per-run token.
import { API_METHODS } from './types.ts';
import type { ApiMethod, KanjianApi, KanjianClient, KanjianEvent } from './types.ts';

const TOKEN_KEY = 'kanjian.token';

/** The server refused the token: the run ended or the link is stale. */
export class SessionExpiredError extends Error {
  constructor() {
    super('session expired');
    this.name = 'SessionExpiredError';
  }
}

/** The server answered `{ error }` with a 4xx/5xx status. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly method: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/**
 * Takes `?token=` from the address bar, keeps it in sessionStorage (survives reload, not a new
 * tab's lifetime beyond the session) and strips it from the visible URL and history, so it is
 * not shared by copy-paste or left in the history list.
 */
export function takeToken(win: Pick<Window, 'location' | 'history' | 'sessionStorage'> = window): string | null {
  const url = new URL(win.location.href);
  const fromUrl = url.searchParams.get('token');
  let stored: string | null = null;
  try {
    stored = win.sessionStorage.getItem(TOKEN_KEY);
  } catch {
    // Storage can be disabled; the token then lives in memory only.
  }
  if (fromUrl) {
    try {
      win.sessionStorage.setItem(TOKEN_KEY, fromUrl);
    } catch {
      /* memory only */
    }
    url.searchParams.delete('token');
    win.history.replaceState(win.history.state, '', url.pathname + url.search + url.hash);
    return fromUrl;
  }
  return stored;
}

export interface HttpClientOptions {
  /** Base URL the API lives under; defaults to the page's own location. */
  baseUrl?: string;
  token: string | null;
  /** Called once when the server answers 401/403. */
  onUnauthorized?: () => void;
  fetch?: typeof fetch;
  EventSource?: typeof EventSource;
  /** Delay before reopening the event stream after it closed. */
  reconnectMs?: number;
}

export function createHttpClient(opts: HttpClientOptions): KanjianClient {
  const doFetch = opts.fetch ?? globalThis.fetch.bind(globalThis);
  const ES = opts.EventSource ?? globalThis.EventSource;
  const base = opts.baseUrl ?? (typeof document !== 'undefined' ? document.baseURI : 'http://localhost/');
  const token = opts.token;
  const reconnectMs = opts.reconnectMs ?? 3000;
  let expired = false;

  const urlFor = (path: string, withToken: boolean): string => {
    const u = new URL(path, base);
    if (withToken && token) u.searchParams.set('token', token);
    return u.toString();
  };

  const unauthorized = (): never => {
    if (!expired) {
      expired = true;
      opts.onUnauthorized?.();
    }
    throw new SessionExpiredError();
  };

  // Only the newest search matters: typing fires many, and an older answer must never land
  // after a newer one. Aborting also frees the server from embedding stale queries.
  let searchInFlight: AbortController | null = null;

  async function call(method: ApiMethod, arg: unknown): Promise<unknown> {
    if (expired) throw new SessionExpiredError();
    let signal: AbortSignal | undefined;
    if (method === 'search') {
      searchInFlight?.abort();
      searchInFlight = new AbortController();
      signal = searchInFlight.signal;
    }
    const headers: Record<string, string> = { 'Content-Type': 'application/json', Accept: 'application/json' };
    if (token) headers.Authorization = `Bearer ${token}`;
    const res = await doFetch(urlFor(`api/${method}`, false), {
      method: 'POST',
      headers,
      body: JSON.stringify(arg === undefined ? {} : arg),
      signal,
      credentials: 'omit',
      cache: 'no-store',
    });
    if (res.status === 401 || res.status === 403) unauthorized();
    const text = await res.text();
    let body: unknown = undefined;
    if (text) {
      try {
        body = JSON.parse(text);
      } catch {
        if (!res.ok) throw new ApiError(text.slice(0, 300) || res.statusText, res.status, method);
        throw new ApiError('invalid JSON from server', res.status, method);
      }
    }
    if (!res.ok) {
      const msg = body && typeof body === 'object' && 'error' in body ? String((body as { error: unknown }).error) : res.statusText;
      throw new ApiError(msg || `HTTP ${res.status}`, res.status, method);
    }
    return body;
  }

  const api = {} as Record<ApiMethod, (arg?: unknown) => Promise<unknown>>;
  for (const m of API_METHODS) api[m] = (arg?: unknown) => call(m, arg);

  // One EventSource shared by all listeners, opened on first subscribe, closed on last.
  const listeners = new Set<(e: KanjianEvent) => void>();
  let source: EventSource | null = null;
  let retry: ReturnType<typeof setTimeout> | null = null;

  const open = () => {
    if (source || expired || !ES) return;
    const es = new ES(urlFor('api/events', true));
    source = es;
    es.onmessage = (msg: MessageEvent) => {
      let event: KanjianEvent;
      try {
        event = JSON.parse(String(msg.data)) as KanjianEvent;
      } catch {
        return;
      }
      for (const l of [...listeners]) l(event);
    };
    es.onerror = () => {
      // EventSource retries by itself while CONNECTING; CLOSED means it gave up (e.g. 401).
      if (es.readyState !== 2 /* CLOSED */) return;
      es.close();
      if (source === es) source = null;
      if (listeners.size === 0 || retry) return;
      retry = setTimeout(() => {
        retry = null;
        // Find out whether the token died before reopening the stream.
        call('getProgress', {}).then(
          () => open(),
          (err) => {
            if (!(err instanceof SessionExpiredError)) open();
          },
        );
      }, reconnectMs);
    };
  };

  const close = () => {
    source?.close();
    source = null;
    if (retry) clearTimeout(retry);
    retry = null;
  };

  const client: KanjianClient = {
    ...(api as unknown as KanjianApi),
    shell: 'browser',
    onEvent(listener) {
      listeners.add(listener);
      open();
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) close();
      };
    },
    thumbnailUrl: (id) => urlFor(`media/thumb/${encodeURIComponent(String(id))}`, true),
    originalUrl: (id) => urlFor(`media/original/${encodeURIComponent(String(id))}`, true),
  };
  return client;
}
