// Models the app can use: the registry merged with what is installed, downloads in flight (kept
// live by 'download' events) and switching. The model *in use* stays in LibraryState.model.
import type { DownloadState, KanjianApi, KanjianEvent, ModelInfo, ModelStatus } from '../api/types.ts';
import type { I18n } from '../i18n/i18n.svelte.ts';

export interface ModelsHost {
  /** The model status the app shows (LibraryState.model). */
  model(): ModelStatus | null;
  /** A fresher model status than the last event (useModel's answer, a re-embedding poll). */
  setModel(model: ModelStatus): void;
}

/** How often re-embedding progress is re-read while indexing events flow (the core sends no model event per photo). */
const REEMBED_POLL_MS = 1000;

export class ModelsState {
  list = $state.raw<ModelInfo[]>([]);
  loaded = $state(false);
  /** Why listing the models failed (e.g. an older server); the panel then shows CLI instructions. */
  error = $state.raw<unknown>(null);
  /** Latest download state per model id, from events and from starting one. */
  downloads = $state.raw<Record<string, DownloadState>>({});
  /** The model a "Use" click is switching to. */
  using = $state<string | null>(null);
  /** Why starting a download was refused (the API call itself failed), per model id. */
  startErrors = $state.raw<Record<string, unknown>>({});
  /** Why the last "Use" or "Cancel" on a model did not work. */
  actionError = $state.raw<{ id: string; error: unknown } | null>(null);

  readonly api: KanjianApi;
  readonly host: ModelsHost;
  #loadSeq = 0;
  #lastPoll = 0;
  #polling = false;

  constructor(api: KanjianApi, host: ModelsHost) {
    this.api = api;
    this.host = host;
  }

  async load(): Promise<void> {
    const seq = ++this.#loadSeq;
    try {
      const list = await this.api.listModels();
      if (seq !== this.#loadSeq) return;
      this.list = list;
      this.error = null;
    } catch (err) {
      if (seq !== this.#loadSeq) return;
      this.error = err;
    } finally {
      if (seq === this.#loadSeq) this.loaded = true;
    }
  }

  /** The model offered on first run: the registry's default, else the first downloadable one. */
  get recommended(): ModelInfo | undefined {
    return this.list.find((m) => m.default) ?? this.list.find((m) => m.downloadable);
  }

  byId(id: string | null | undefined): ModelInfo | undefined {
    return id ? this.list.find((m) => m.id === id) : undefined;
  }

  /** The newest thing known about a model's download: an event, else what listModels said. */
  downloadOf(id: string): DownloadState | null {
    return this.downloads[id] ?? this.byId(id)?.download ?? null;
  }

  /** Downloads running now, for models other than `except`. */
  active(except?: string): DownloadState[] {
    const ids = new Set([...Object.keys(this.downloads), ...this.list.filter((m) => m.download).map((m) => m.id)]);
    return [...ids]
      .filter((id) => id !== except)
      .map((id) => this.downloadOf(id))
      .filter((d): d is DownloadState => d !== null && d.state === 'downloading');
  }

  handle(event: KanjianEvent): void {
    switch (event.type) {
      case 'download': {
        this.downloads = { ...this.downloads, [event.download.id]: event.download };
        // Finished one way or another: installed flags (and perhaps the model in use) changed.
        if (event.download.state !== 'downloading') void this.load();
        break;
      }
      case 'model':
        void this.load();
        break;
      case 'progress': {
        // Re-embedding after a switch (or the first model) moves with indexing; re-read it now and
        // then, and once more when the queue empties.
        const m = this.host.model();
        if (!m?.reembedding) break;
        const now = Date.now();
        if (event.progress.state === 'idle' || now - this.#lastPoll >= REEMBED_POLL_MS) {
          this.#lastPoll = now;
          void this.#poll();
        }
        break;
      }
    }
  }

  async #poll(): Promise<void> {
    if (this.#polling) return;
    this.#polling = true;
    try {
      this.host.setModel(await this.api.getModel());
    } catch {
      /* the next progress event tries again */
    } finally {
      this.#polling = false;
    }
  }

  async download(id: string): Promise<void> {
    this.actionError = null;
    // Show it starting at once; events that arrive while we wait are newer than the answer.
    const before = blank(id);
    if (id in this.startErrors) {
      const { [id]: _gone, ...rest } = this.startErrors;
      this.startErrors = rest;
    }
    this.downloads = { ...this.downloads, [id]: before };
    try {
      const state = await this.api.downloadModel(id);
      if (this.downloads[id] === before) this.downloads = { ...this.downloads, [id]: state };
    } catch (err) {
      this.startErrors = { ...this.startErrors, [id]: err };
      this.downloads = {
        ...this.downloads,
        [id]: { ...blank(id), state: 'failed', error: message(err) },
      };
    }
  }

  /** Why a model's download failed, in the UI language, or null when nothing specific is known. */
  failureOf(id: string, i18n: I18n): string | null {
    const d = this.downloadOf(id);
    if (!d || d.state !== 'failed') return null;
    if (d.errorCode) return i18n.message({ code: d.errorCode, params: d.errorParams });
    if (id in this.startErrors) return i18n.error(this.startErrors[id]);
    return null;
  }

  async cancel(id: string): Promise<void> {
    this.actionError = null;
    try {
      await this.api.cancelDownload(id);
    } catch (err) {
      this.actionError = { id, error: err };
    }
  }

  async use(id: string): Promise<boolean> {
    this.using = id;
    this.actionError = null;
    try {
      this.host.setModel(await this.api.useModel(id));
      void this.load();
      return true;
    } catch (err) {
      this.actionError = { id, error: err };
      return false;
    } finally {
      this.using = null;
    }
  }
}

function blank(id: string): DownloadState {
  return { id, state: 'downloading', bytes: 0, totalBytes: null, rate: 0, etaSeconds: null, file: null, error: null, errorCode: null };
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
