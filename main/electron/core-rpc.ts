// The wire between Electron's main process and the core's utility process. No Electron import:
// both ends take a small port interface, so tests run them over a worker_threads MessageChannel.
//
//   main → core   init {dataDir, model}  ·  call {id, method, arg}  ·  close
//   core → main   ready · fatal {error}  ·  result {id, ok, value|error}  ·  event {event}  ·  log  ·  closed
//
// `method` is an API method or one of the shell-only calls below; arguments are validated on
// both sides (main validates what the renderer sent; the core process trusts nobody either).
import { errorFields } from './ipc-errors.js';
import type { ApiMethod, KanjianApi, KanjianEvent } from '../core/api.js';
import { resolveMedia, type MediaResult, type MediaSource } from '../shell-common/media.js';
import { callApi, isApiMethod, ValidationError } from '../shell-common/validate.js';

/** Calls only the shells make: media files by id, resolved and checked in the core process. */
export type ShellCall = 'resolveMedia';
export type CoreCall = ApiMethod | ShellCall;

export interface InitMessage {
  type: 'init';
  dataDir: string;
  model?: string | null;
  provider?: string;
}

export type ToCore =
  | InitMessage
  | { type: 'call'; id: number; method: CoreCall; arg: unknown }
  | { type: 'close' };

export interface WireError {
  name: string;
  message: string;
  /** A KanjianError's code and params: the UI renders them in the user's language. */
  code?: string;
  params?: Record<string, string | number>;
}

export type FromCore =
  | { type: 'ready' }
  | { type: 'fatal'; error: WireError }
  | { type: 'result'; id: number; ok: true; value: unknown }
  | { type: 'result'; id: number; ok: false; error: WireError }
  | { type: 'event'; event: KanjianEvent }
  | { type: 'log'; message: string }
  | { type: 'closed' };

/** One end of a message channel: Electron's parentPort / UtilityProcess, or a MessagePort in tests. */
export interface PortLike<In, Out> {
  post(message: Out): void;
  /** Subscribes; returns an unsubscribe. */
  listen(onMessage: (message: In) => void): () => void;
}

const toWire = (e: unknown): WireError => errorFields(e);

/** An error that crossed the wire, keeping its name (ValidationError stays recognisable). */
export class CoreError extends Error {
  readonly code?: string;
  readonly params?: Record<string, string | number>;
  constructor(w: WireError) {
    super(w.message);
    this.name = w.name;
    if (w.code) {
      this.code = w.code;
      this.params = w.params ?? {};
    }
  }
}

// ---------------------------------------------------------------- core side

/** What the core process needs from `Kanjian` (tests may pass a fake). */
export interface CoreLike extends KanjianApi {
  onEvent(listener: (e: KanjianEvent) => void): () => void;
  close(): Promise<void>;
}

export interface CoreHostOptions {
  open(init: InitMessage, log: (message: string) => void): Promise<{ core: CoreLike; media: MediaSource }>;
  /** Called after `closed` was posted (the real process exits here). */
  exit?(code: number): void;
}

/**
 * Runs the core side: waits for `init`, opens the core, answers calls, forwards events, and on
 * `close` shuts the core down and says `closed`.
 */
export function runCoreSide(port: PortLike<ToCore, FromCore>, opts: CoreHostOptions): void {
  let opened: Promise<{ core: CoreLike; media: MediaSource } | null> | null = null;
  let unsubscribe: (() => void) | null = null;
  const log = (message: string) => port.post({ type: 'log', message });

  async function answer(id: number, method: unknown, arg: unknown): Promise<void> {
    try {
      const ready = await opened;
      if (!ready) throw new Error('the library is not open');
      let value: unknown;
      if (method === 'resolveMedia') {
        const a = (arg ?? {}) as { kind?: unknown; id?: unknown };
        value = await resolveMedia(ready.media, a.kind, a.id);
      } else if (isApiMethod(method)) {
        value = await callApi(ready.core, method, arg);
      } else {
        throw new ValidationError('unknown method');
      }
      port.post({ type: 'result', id, ok: true, value });
    } catch (e) {
      port.post({ type: 'result', id, ok: false, error: toWire(e) });
    }
  }

  const stop = port.listen((msg) => {
    if (!msg || typeof msg !== 'object') return;
    switch (msg.type) {
      case 'init':
        if (opened) return;
        opened = opts.open(msg, log).then(
          (ready) => {
            unsubscribe = ready.core.onEvent((event) => port.post({ type: 'event', event }));
            port.post({ type: 'ready' });
            return ready;
          },
          (e) => {
            port.post({ type: 'fatal', error: toWire(e) });
            return null;
          },
        );
        return;
      case 'call':
        if (typeof msg.id !== 'number') return;
        if (!opened) {
          port.post({ type: 'result', id: msg.id, ok: false, error: { name: 'Error', message: 'the library is not open' } });
          return;
        }
        void answer(msg.id, msg.method, msg.arg);
        return;
      case 'close':
        void (async () => {
          const ready = await opened?.catch(() => null);
          unsubscribe?.();
          try {
            await ready?.core.close();
          } catch (e) {
            log(`close: ${(e as Error).message}`);
          }
          port.post({ type: 'closed' });
          stop();
          opts.exit?.(0);
        })();
        return;
    }
  });
}

// ---------------------------------------------------------------- main side

export interface CoreProcessHandle {
  port: PortLike<FromCore, ToCore>;
  /** Registers the exit callback; called once when the process is gone. */
  onExit(callback: (code: number) => void): void;
  kill(): void;
}

export interface CoreClientOptions {
  init: Omit<InitMessage, 'type'>;
  /** Starts a core process (Electron: utilityProcess.fork). */
  spawn(): CoreProcessHandle;
  log?(message: string): void;
  /**
   * Automatic restarts allowed within `restartWindowMs`; past that the process stays down until
   * the next call (a user action) starts it again.
   */
  maxRestarts?: number;
  restartWindowMs?: number;
  /** How long close() waits for a clean shutdown before killing. */
  closeTimeoutMs?: number;
}

/**
 * The main-process end: spawns the core process, sends `init`, multiplexes calls, fans events
 * out, restarts the process after a crash (a bad photo that kills a decoder must not take the
 * app down), and closes it cleanly on quit.
 */
export class CoreClient {
  private proc: CoreProcessHandle | null = null;
  private ready: Promise<void> | null = null;
  private pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  private listeners = new Set<(e: KanjianEvent) => void>();
  private nextId = 1;
  private crashes: number[] = [];
  private closing: Promise<void> | null = null;
  private lastFatal: Error | null = null;

  constructor(private opts: CoreClientOptions) {}

  /** Starts the process if it is not running; resolves when the library is open. */
  start(): Promise<void> {
    if (this.closing) return Promise.reject(new Error('Kanjian is shutting down'));
    if (this.ready) return this.ready;
    const proc = this.opts.spawn();
    this.proc = proc;
    let settle!: { resolve(): void; reject(e: Error): void };
    this.ready = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
    // A caller may not await start(); keep an early failure from being "unhandled".
    this.ready.catch(() => undefined);
    const unlisten = proc.port.listen((msg) => {
      if (!msg || typeof msg !== 'object') return;
      switch (msg.type) {
        case 'ready':
          this.lastFatal = null;
          settle.resolve();
          return;
        case 'fatal':
          this.lastFatal = new CoreError(msg.error);
          settle.reject(this.lastFatal);
          return;
        case 'result': {
          const p = this.pending.get(msg.id);
          if (!p) return;
          this.pending.delete(msg.id);
          if (msg.ok) p.resolve(msg.value);
          else p.reject(new CoreError(msg.error));
          return;
        }
        case 'event':
          for (const l of [...this.listeners]) {
            try {
              l(msg.event);
            } catch (e) {
              this.opts.log?.(`event listener: ${(e as Error).message}`);
            }
          }
          return;
        case 'log':
          this.opts.log?.(msg.message);
          return;
      }
    });
    proc.onExit((code) => {
      unlisten();
      if (this.proc !== proc) return;
      this.proc = null;
      this.ready = null;
      const err = this.lastFatal ?? new Error(`The indexing process stopped (exit code ${code}).`);
      settle.reject(err);
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
      if (this.closing) return;
      this.opts.log?.(err.message);
      if (this.lastFatal) return; // opening failed (bad model, locked database): retrying won't help
      const now = Date.now();
      const windowMs = this.opts.restartWindowMs ?? 60_000;
      this.crashes = [...this.crashes.filter((t) => now - t < windowMs), now];
      if (this.crashes.length <= (this.opts.maxRestarts ?? 3)) {
        this.opts.log?.('Restarting the indexing process.');
        void this.start();
      }
    });
    proc.port.post({ type: 'init', ...this.opts.init });
    return this.ready;
  }

  /** Calls the core; starts (or restarts) the process when needed. */
  async call(method: CoreCall, arg: unknown): Promise<unknown> {
    await this.start();
    const proc = this.proc;
    if (!proc) throw new Error('The indexing process is not running.');
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      proc.port.post({ type: 'call', id, method, arg });
    });
  }

  resolveMedia(kind: string, rawId: string): Promise<MediaResult> {
    return this.call('resolveMedia', { kind, id: rawId }) as Promise<MediaResult>;
  }

  onEvent(listener: (e: KanjianEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Asks the core to close (flushes SQLite, stops watchers); kills it if it takes too long. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      const proc = this.proc;
      if (!proc) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          this.opts.log?.('The indexing process did not close in time; stopping it.');
          proc.kill();
          resolve();
        }, this.opts.closeTimeoutMs ?? 10_000);
        const done = () => {
          clearTimeout(timer);
          resolve();
        };
        proc.port.listen((m) => m?.type === 'closed' && done());
        proc.onExit(done);
        proc.port.post({ type: 'close' });
      });
    })();
    return this.closing;
  }
}
