// KanjianClient over the local HTTP shell (main/server): POST /api/<method>, SSE /api/events,
// /media/thumb|original/<id>, all carrying the per-run token.
import { API_METHODS } from './types.ts';
import type { ApiMethod, KanjianApi, KanjianClient, KanjianEvent, MessageCode } from './types.ts';

const TOKEN_KEY = 'kanjian.token';

/** The server refused the token: the run ended or the link is stale. */
export class SessionExpiredError extends Error {
  constructor() {
    super('session expired');
    this.name = 'SessionExpiredError';
  }
}

/**
 * The server answered `{ error, code, params }` (ApiErrorBody) with a 4xx/5xx status. `message`
 * is the English text for the console; the UI renders `code` + `params` (i18n.error).
 */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly method: string,
    readonly code: MessageCode = 'internal',
    readonly params?: Record<string, string | number>,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The request never got an answer: the server is stopped, restarting or unreachable. */
export class ConnectionError extends Error {
  constructor(readonly method: string, cause?: unknown) {
    super(`cannot reach the server (${method})`, { cause });
    this.name = 'ConnectionError';
  }
}

/** What the browser shell adds to KanjianClient: whether the server answers right now. */
export interface ConnectionWatch {
  /** Called with false when requests or the event stream fail to connect, true when they work again. */
  onConnection(listener: (connected: boolean) => void): () => void;
}

export function watchesConnection(client: object): client is ConnectionWatch {
  return typeof (client as Partial<ConnectionWatch>).onConnection === 'function';
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

export function createHttpClient(opts: HttpClientOptions): KanjianClient & ConnectionWatch {
  const doFetch = opts.fetch ?? globalThis.fetch.bind(globalThis);
  const ES = opts.EventSource ?? globalThis.EventSource;
  const base = opts.baseUrl ?? (typeof document !== 'undefined' ? document.baseURI : 'http://localhost/');
  const token = opts.token;
  const reconnectMs = opts.reconnectMs ?? 3000;
  let expired = false;
  let connected = true;
  const connectionListeners = new Set<(connected: boolean) => void>();
  const setConnected = (value: boolean) => {
    if (connected === value) return;
    connected = value;
    for (const l of [...connectionListeners]) l(value);
  };

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
    // addQueryImage sends the image itself as the body (the server reads it as bytes, bounded).
    const binary = method === 'addQueryImage' && (arg instanceof Uint8Array || arg instanceof Blob);
    const headers: Record<string, string> = {
      'Content-Type': binary ? (arg instanceof Blob && arg.type.startsWith('image/') ? arg.type : 'application/octet-stream') : 'application/json',
      Accept: 'application/json',
    };
    if (token) headers.Authorization = `Bearer ${token}`;
    let res: Response;
    try {
      res = await doFetch(urlFor(`api/${method}`, false), {
        method: 'POST',
        headers,
        body: binary ? (arg as BodyInit) : JSON.stringify(arg === undefined ? {} : arg),
        signal,
        credentials: 'omit',
        cache: 'no-store',
      });
    } catch (err) {
      if (signal?.aborted || (err instanceof Error && err.name === 'AbortError')) throw err;
      setConnected(false);
      throw new ConnectionError(method, err);
    }
    setConnected(true);
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
      const b = (body && typeof body === 'object' ? body : {}) as { error?: unknown; code?: unknown; params?: unknown };
      const msg = b.error !== undefined ? String(b.error) : res.statusText;
      const code = typeof b.code === 'string' ? (b.code as MessageCode) : 'internal';
      const params = b.params && typeof b.params === 'object' ? (b.params as Record<string, string | number>) : undefined;
      throw new ApiError(msg || `HTTP ${res.status}`, res.status, method, code, params);
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
    es.onopen = () => setConnected(true);
    es.onerror = () => {
      // The stream broke: the server stopped or restarted. Say so at once; the browser retries.
      setConnected(false);
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

  const client: KanjianClient & ConnectionWatch = {
    ...(api as unknown as KanjianApi),
    shell: 'browser',
    onConnection(listener) {
      connectionListeners.add(listener);
      return () => connectionListeners.delete(listener);
    },
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
    previewUrl: (id) => urlFor(`media/preview/${encodeURIComponent(String(id))}`, true),
  };
  return client;
}
