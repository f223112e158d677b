// Folders, indexing progress and model status: loaded once, then kept live by shell events.
import type { MessageKey } from '../i18n/messages.ts';
import type { FailedFile, FolderInfo, IndexProgress, KanjianApi, KanjianEvent, ModelStatus } from '../api/types.ts';

export class LibraryState {
  folders = $state.raw<FolderInfo[]>([]);
  progress = $state.raw<IndexProgress | null>(null);
  model = $state.raw<ModelStatus | null>(null);
  loaded = $state(false);
  adding = $state(false);
  /** Shown under the add-folder controls: why the last add (or drop) did not work. */
  addNotice = $state.raw<{ key: MessageKey; error?: unknown } | null>(null);
  /** Why loading failed (rendered by i18n.error). */
  error = $state.raw<unknown>(null);

  readonly api: KanjianApi;
  // Events may arrive while load() waits; they are newer than its answers.
  #seen = { folders: false, progress: false, model: false };
  #folderEvents = 0;

  constructor(api: KanjianApi) {
    this.api = api;
  }

  async load() {
    const [folders, progress, model] = await Promise.allSettled([
      this.api.listFolders(),
      this.api.getProgress(),
      this.api.getModel(),
    ]);
    if (folders.status === 'fulfilled' && !this.#seen.folders) this.folders = folders.value;
    if (progress.status === 'fulfilled' && !this.#seen.progress) this.progress = progress.value;
    if (model.status === 'fulfilled' && !this.#seen.model) this.model = model.value;
    const failed = [folders, progress, model].find((r) => r.status === 'rejected');
    this.error = failed ? (failed as PromiseRejectedResult).reason : null;
    this.loaded = true;
  }

  handle(event: KanjianEvent) {
    switch (event.type) {
      case 'progress':
        this.#seen.progress = true;
        this.progress = event.progress;
        break;
      case 'folders':
        this.#seen.folders = true;
        this.#folderEvents++;
        this.folders = event.folders;
        break;
      case 'model':
        this.#seen.model = true;
        this.model = event.model;
        break;
    }
  }

  /**
   * Reads the folders' counts again (after an indexing run: the core's folders event may come
   * later, and until then a fresh folder counts 0 photos). A folders event meanwhile wins.
   */
  async reloadFolders(): Promise<void> {
    const seen = this.#folderEvents;
    try {
      const folders = await this.api.listFolders();
      if (seen === this.#folderEvents) this.folders = folders;
    } catch {
      // The next event or load() brings them; nothing to tell the user here.
    }
  }

  async addFolder(path: string): Promise<FolderInfo> {
    const info = await this.api.addFolder(path);
    if (!this.folders.some((f) => f.id === info.id)) this.folders = [...this.folders, info];
    return info;
  }

  /** Adds a folder and reports failure in `addNotice` instead of throwing. */
  async tryAdd(path: string): Promise<boolean> {
    const p = path.trim();
    if (!p) return false;
    this.adding = true;
    this.addNotice = null;
    try {
      await this.addFolder(p);
      return true;
    } catch (err) {
      this.addNotice = { key: 'folders.addError', error: err };
      return false;
    } finally {
      this.adding = false;
    }
  }

  async removeFolder(id: number): Promise<void> {
    await this.api.removeFolder(id);
    this.folders = this.folders.filter((f) => f.id !== id);
  }

  listFailed(folderId: number): Promise<FailedFile[]> {
    return this.api.listFailed({ folderId, limit: 500 });
  }
}
