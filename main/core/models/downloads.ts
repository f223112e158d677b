// Model downloads started from the app (first-run panel, model switcher): one background
// install per model, cancelable, reporting progress as events the UI turns into a bar.
import type { DownloadState, ModelInfo } from '../api.js';
import { KanjianError } from '../errors.js';
import { classifyDownloadError } from './download-errors.js';
import { installModel, listModels, type ModelListing } from './install.js';
import { findEntry, loadRegistry, plainModelName } from './registry.js';

export interface ModelDownloadsOptions {
  /** The Hugging Face endpoint to use now (settings, then HF_ENDPOINT); read at each start. */
  endpoint: () => Promise<string>;
  /** Give up when a server sends nothing for this long (tests shorten it). */
  idleTimeoutMs?: number;
}

/** A registry listing as the API shows it. */
export function toModelInfo(m: ModelListing, download: DownloadState | null): ModelInfo {
  return {
    id: m.id,
    name: plainModelName(m.name),
    languages: m.languages,
    license: m.license,
    sizeBytes: m.sizeBytes,
    downloadable: m.downloadable,
    installed: m.installed,
    default: m.default,
    current: m.current,
    role: m.role ?? (m.default ? 'default' : 'seed'),
    // ModelScope: see docs/architecture.md "Download sources" for why none is listed yet.
    sources: m.downloadable ? ['huggingface'] : [],
    download,
  };
}

export class ModelDownloads {
  private active = new Map<string, { abort: AbortController; state: DownloadState }>();
  /** The last failure per model, so a panel opened after it still shows why (once). */
  private lastFailed = new Map<string, DownloadState>();

  constructor(
    private dataDir: string,
    private emit: (state: DownloadState) => void,
    /** Called once a model is installed and verified (e.g. to start using it). */
    private onInstalled: (id: string) => Promise<void>,
    private opts: ModelDownloadsOptions,
  ) {}

  async list(): Promise<ModelInfo[]> {
    const models = await listModels(this.dataDir);
    return models.map((m) => toModelInfo(m, this.active.get(m.id)?.state ?? (m.installed ? null : this.lastFailed.get(m.id) ?? null)));
  }

  /** Starts (or joins) the download of a model; progress arrives as events. Unknown ids are refused at once. */
  async start(id: string): Promise<DownloadState> {
    const running = this.active.get(id);
    if (running) return { ...running.state };
    const entry = findEntry(loadRegistry(), id);
    if (!entry) throw new KanjianError('model.unknown', `Unknown model ${JSON.stringify(id)}`, { params: { id } });
    if (entry.fixture) throw new KanjianError('model.fixture', `${id} is a test fixture`, { params: { id } });
    const endpoint = await this.opts.endpoint();
    const host = hostOf(endpoint);
    const abort = new AbortController();
    const state: DownloadState = {
      id, state: 'downloading', bytes: 0, totalBytes: null, rate: 0, etaSeconds: null, file: null, error: null, errorCode: null,
    };
    this.active.set(id, { abort, state });
    this.lastFailed.delete(id);
    let lastEmit = 0;
    const update = (patch: Partial<DownloadState>, force = false) => {
      Object.assign(state, patch);
      const now = Date.now();
      if (force || now - lastEmit > 200) {
        lastEmit = now;
        this.emit({ ...state });
      }
    };
    update({}, true);
    void installModel(id, {
      dataDir: this.dataDir,
      signal: abort.signal,
      endpoint,
      idleTimeoutMs: this.opts.idleTimeoutMs,
      onProgress: (p) =>
        update({ bytes: p.overallBytes, totalBytes: p.overallTotalBytes, rate: p.rate, etaSeconds: p.etaSeconds, file: p.file }),
    })
      .then(async () => {
        this.active.delete(id);
        update({ state: 'done', etaSeconds: 0 }, true);
        await this.onInstalled(id);
      })
      .catch((e: Error) => {
        this.active.delete(id);
        if (abort.signal.aborted) return update({ state: 'cancelled', error: null, errorCode: null }, true);
        const why = classifyDownloadError(e, { host });
        update({ state: 'failed', error: e.message, errorCode: why.code, errorParams: why.params, rate: 0, etaSeconds: null }, true);
        this.lastFailed.set(id, { ...state });
      });
    return { ...state };
  }

  cancel(id: string): void {
    this.active.get(id)?.abort.abort();
  }

  cancelAll(): void {
    for (const a of this.active.values()) a.abort.abort();
  }
}

function hostOf(endpoint: string): string {
  try {
    return new URL(endpoint).host;
  } catch {
    return endpoint;
  }
}
