// Model downloads started from the app (first-run panel, model switcher): one background
// install per model, cancelable, reporting progress as events the UI turns into a bar.
import type { DownloadState, ModelInfo } from '../api.js';
import { installModel, listModels } from './install.js';

export class ModelDownloads {
  private active = new Map<string, { abort: AbortController; state: DownloadState }>();

  constructor(
    private dataDir: string,
    private emit: (state: DownloadState) => void,
    /** Called once a model is installed and verified (e.g. to start using it). */
    private onInstalled: (id: string) => Promise<void>,
  ) {}

  async list(): Promise<ModelInfo[]> {
    const models = await listModels(this.dataDir);
    return models.map((m) => ({
      id: m.id,
      name: m.name,
      languages: m.languages,
      license: m.license,
      sizeBytes: m.sizeBytes,
      downloadable: m.downloadable,
      installed: m.installed,
      default: m.default,
      current: m.current,
      download: this.active.get(m.id)?.state ?? null,
    }));
  }

  /** Starts (or joins) the download of a model; progress arrives as events. */
  start(id: string): DownloadState {
    const running = this.active.get(id);
    if (running) return running.state;
    const abort = new AbortController();
    const state: DownloadState = { id, state: 'downloading', bytes: 0, totalBytes: null, rate: 0, etaSeconds: null, file: null, error: null };
    this.active.set(id, { abort, state });
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
        const cancelled = abort.signal.aborted;
        update({ state: cancelled ? 'cancelled' : 'failed', error: cancelled ? null : e.message }, true);
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
