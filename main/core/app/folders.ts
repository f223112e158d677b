// Library folders while the app runs: adding (with the checks a user's path needs), removing,
// one live watcher per root, and the catch-up rescan at start. Changes found are handed to the
// pipeline through `onChange`; this part never indexes anything itself.
import { existsSync } from 'node:fs';
import type { FolderInfo, UserMessage } from '../api.js';
import { countWatchedDirs, watchBudget } from '../library/watch-budget.js';
import { checkNewFolder } from '../library/folder-rules.js';
import type { ProgressTracker } from '../library/progress.js';
import { scanFolder, type ScanResult } from '../library/scan.js';
import { FolderWatcher } from '../library/watch.js';
import { isInside } from '../paths.js';
import type { Store } from '../store/index.js';
import type { FolderRow } from '../store/folders.js';
import type { BackgroundWork, EventHub } from './events.js';

export interface FoldersOptions {
  /** Kanjian's own data folder: never a library folder, never scanned. */
  dataDir: string;
  /** Something on disk changed (a watcher event, a scan finished): index it. */
  onChange: () => void;
  isClosed: () => boolean;
  /** Directories that may be watched; default: half the OS's budget (library/watch-budget.ts). */
  watchBudget?: number | null;
  log?: (message: string) => void;
}

export class LibraryFolders {
  private watchers = new Map<number, FolderWatcher>();
  /** Folders not watched live, and why (shown with the folder). */
  private watchProblems = new Map<number, UserMessage>();
  /** Directories each watched folder costs against the OS's watch budget. */
  private watchCost = new Map<number, number>();

  constructor(
    private store: Store,
    private events: EventHub,
    private progress: ProgressTracker,
    private background: BackgroundWork,
    private opts: FoldersOptions,
  ) {}

  list(): FolderInfo[] {
    return this.store.folders.info().map((f) => {
      const problem = this.watchProblems.get(f.id);
      return problem ? { ...f, watchProblem: problem } : f;
    });
  }

  /** Sends the folder counts to listeners (only when someone listens: it costs a query). */
  emitInfo(): void {
    if (this.events.listening) this.events.emit({ type: 'folders', folders: this.list() });
  }

  /** Watches every library folder, then catches up with what changed while we were not running. */
  async startWatching(): Promise<void> {
    for (const f of this.store.folders.all()) await this.watch(f.id, f.path);
    this.background.track(this.rescanAll());
  }

  /**
   * The row of a folder the user asked for: checked (library/folder-rules.ts: each refusal a
   * KanjianError with its code), added (absorbing folders inside it). `allowExisting`: the CLI's
   * `index`/`watch` of a folder already in the library works on it again instead of refusing.
   */
  async addRow(folder: string, opts: { allowExisting?: boolean } = {}): Promise<FolderRow> {
    if (typeof folder !== 'string' || !folder) throw new TypeError('addFolder: path must be a non-empty string');
    const roots = this.store.folders.all().map((f) => f.path);
    const abs = checkNewFolder(folder, { roots, dataDir: this.opts.dataDir, allowExisting: opts.allowExisting });
    // Absorbed child folders lose their watchers; the parent's watcher covers them.
    const before = new Set(this.store.folders.all().map((f) => f.id));
    const row = this.store.folders.add(abs);
    for (const id of before) {
      if (!this.store.folders.byId(id)) await this.unwatch(id);
    }
    return row;
  }

  /** Adds a folder, watches it and scans it in the background (the app, serve). */
  async addWatched(folder: string, opts: { allowExisting?: boolean } = {}): Promise<FolderInfo> {
    const row = await this.addRow(folder, opts);
    await this.watch(row.id, row.path);
    this.progress.start('scanning');
    this.events.emit({ type: 'progress', progress: this.progress.snapshot() });
    this.background.track(
      this.scan(row).then(() => {
        this.emitInfo();
        this.opts.onChange();
      }),
    );
    return this.info(row.id);
  }

  info(id: number): FolderInfo {
    return this.list().find((f) => f.id === id)!;
  }

  scan(row: { id: number; path: string }): Promise<ScanResult> {
    return scanFolder(this.store, row.id, row.path, { exclude: [this.opts.dataDir] });
  }

  /** Drops the folder's rows (its vectors become orphans); files on disk are never touched. */
  async remove(id: number): Promise<void> {
    if (!Number.isInteger(id)) throw new TypeError('removeFolder: id must be an integer');
    await this.unwatch(id);
    this.store.tx(() => {
      this.store.folders.remove(id);
      this.store.vectors.markOrphans();
    });
    this.emitInfo();
  }

  async stopAll(): Promise<void> {
    for (const w of this.watchers.values()) await w.stop();
    this.watchers.clear();
    this.watchCost.clear();
  }

  private async unwatch(id: number): Promise<void> {
    await this.watchers.get(id)?.stop();
    this.watchers.delete(id);
    this.watchCost.delete(id);
    this.watchProblems.delete(id);
  }

  private async watch(id: number, root: string): Promise<void> {
    if (this.watchers.has(id) || !existsSync(root)) return;
    const w = new FolderWatcher(this.store, id, root, {
      onChange: () => {
        this.emitInfo();
        this.opts.onChange();
      },
      onError: (e) => this.opts.log?.(`watcher: ${e.message}`),
      exclude: [this.opts.dataDir],
    });
    this.watchProblems.delete(id);
    const budget = this.opts.watchBudget !== undefined ? this.opts.watchBudget : await watchBudget();
    if (budget !== null) {
      const used = [...this.watchCost.values()].reduce((a, b) => a + b, 0);
      const dirs = await countWatchedDirs(root, budget - used);
      if (used + dirs > budget) {
        this.watchProblems.set(id, { code: 'folder.watchLimit', params: { path: root, dirs, limit: budget } });
        this.opts.log?.(`Not watching ${root}: it has more than ${budget - used} folders left in the watch budget (${budget}). Changes there are found at the next start.`);
        return;
      }
      this.watchCost.set(id, dirs);
    }
    try {
      await w.start();
      this.watchers.set(id, w);
    } catch (e) {
      // E.g. the OS watch limit (inotify) is reached after all: the library still opens; changes
      // in this folder are picked up by the rescan at the next start.
      this.watchCost.delete(id);
      this.watchProblems.set(id, { code: 'folder.watchFailed', params: { path: root, detail: (e as Error).message } });
      this.opts.log?.(`Cannot watch ${root}: ${(e as Error).message}. Changes there are found at the next start.`);
    }
  }

  private async rescanAll(): Promise<void> {
    this.progress.start('scanning');
    try {
      for (const f of this.store.folders.all()) {
        if (this.opts.isClosed()) return;
        if (!existsSync(f.path)) continue; // an unplugged drive is not a deletion
        await this.scan(f);
      }
    } finally {
      this.progress.idle();
    }
    this.opts.onChange();
  }
}
