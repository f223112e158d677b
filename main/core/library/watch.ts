// Live watching with @parcel/watcher (native recursive backends: inotify, FSEvents,
// ReadDirectoryChangesW — the same watcher VS Code uses for big trees). Renames and moves
// arrive as delete + create; the moved photo keeps its vector because vectors are keyed
// by content hash, so the "create" side reads the file again (hash, EXIF, thumbnail check) but
// is not embedded again.
import watcher from '@parcel/watcher';
import { lstat, readdir } from 'node:fs/promises';
import path from 'node:path';
import { checkInLibrary } from '../fs/real-path.js';
import { isInsidePath } from '../fs/path-key.js';
import { isIgnoredPath, isPhotoPath } from '../media/formats.js';
import type { Store } from '../store/index.js';
import { walkPhotos } from './scan.js';

export interface WatchOptions {
  /** Wait this long after the last event for a path before queuing it (copies in progress). */
  settleMs?: number;
  /** Called after queued work or removals were written, so the owner can run the indexer. */
  onChange: () => void;
  onError?: (error: Error) => void;
  /** Directories never to index (Kanjian's own data folder). */
  exclude?: readonly string[];
}

export class FolderWatcher {
  private subscription: watcher.AsyncSubscription | null = null;
  private pending = new Map<string, NodeJS.Timeout>();

  constructor(
    private store: Store,
    private folderId: number,
    private root: string,
    private opts: WatchOptions,
  ) {}

  async start(): Promise<void> {
    this.subscription = await watcher.subscribe(
      this.root,
      (err, events) => {
        if (err) {
          this.opts.onError?.(err);
          return;
        }
        for (const ev of events) {
          if (isIgnoredPath(this.root, ev.path) || this.excluded(ev.path)) continue;
          if (ev.type === 'delete') this.onDelete(ev.path);
          else this.schedule(ev.path);
        }
      },
      // Keep hidden and NAS-metadata trees out of the OS watch set entirely.
      { ignore: ['**/.*', '**/@eaDir', '**/$RECYCLE.BIN'] },
    );
  }

  private excluded(p: string): boolean {
    return (this.opts.exclude ?? []).some((d) => isInsidePath(d, p));
  }

  async stop(): Promise<void> {
    for (const t of this.pending.values()) clearTimeout(t);
    this.pending.clear();
    await this.subscription?.unsubscribe();
    this.subscription = null;
  }

  private onDelete(p: string): void {
    const t = this.pending.get(p);
    if (t) clearTimeout(t);
    this.pending.delete(p);
    this.removeGone(p).catch((e) => this.opts.onError?.(e as Error));
  }

  private async removeGone(p: string): Promise<void> {
    // The path may be a photo or a whole directory that was deleted or moved away.
    const paths = this.store.photos.byPath(p) ? [p] : this.store.photos.pathsUnder(p);
    // A job in flight for a path seen deleted must not write its row afterwards (a ghost).
    this.store.jobs.supersede(p);
    if (!paths.length) return;
    // An unmounted drive or a share going away looks like everything being deleted: as in a
    // scan, a root that is gone or empty keeps its rows until it is back.
    if (await this.rootUnavailable()) return;
    if (this.store.photos.removePaths(paths) > 0) this.opts.onChange();
  }

  private async rootUnavailable(): Promise<boolean> {
    try {
      return (await readdir(this.root)).length === 0;
    } catch {
      return true;
    }
  }

  private schedule(p: string): void {
    const prev = this.pending.get(p);
    if (prev) clearTimeout(prev);
    this.pending.set(
      p,
      setTimeout(() => {
        this.pending.delete(p);
        this.queue(p).catch((e) => this.opts.onError?.(e as Error));
      }, this.opts.settleMs ?? 500),
    );
  }

  private async queue(p: string): Promise<void> {
    let st;
    try {
      st = await lstat(p);
    } catch {
      return; // gone again before it settled; its delete event handles the row
    }
    // Links are not followed (a scan skips them too): a linked folder created while watching
    // must not bring in files from outside the library. Nor may a path below a link.
    if (st.isSymbolicLink() || !(await checkInLibrary(p, [this.root], { kind: 'any' })).ok) return;
    const items: { path: string; folderId: number }[] = [];
    if (st.isDirectory()) {
      // A directory moved or copied in: its files may not get events of their own.
      for await (const f of walkPhotos(p, undefined, this.opts.exclude)) items.push({ path: f, folderId: this.folderId });
    } else if (st.isFile() && isPhotoPath(p)) {
      items.push({ path: p, folderId: this.folderId });
    }
    if (items.length) {
      this.store.jobs.enqueue('index', items);
      this.opts.onChange();
    }
  }
}
