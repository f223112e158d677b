// Maintenance of a library over the years: garbage collection on demand (`cli maintenance`) and on
// a schedule (an app or `watch` left running collects once a day, when nothing is being indexed).
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { MaintenanceReport } from '../api.js';
import { modelIdentity } from '../embed/identity.js';
import { loadModelPackage } from '../embed/manifest.js';
import { KanjianError } from '../errors.js';
import type { LibraryPaths } from '../paths.js';
import type { Store } from '../store/index.js';
import type { WriterLease } from '../store/lease.js';
import { collectGarbage, lastCollection } from './gc.js';

export { collectGarbage } from './gc.js';

/** How often a running app collects, and how old a file must be before it may go. */
export const GC_EVERY_MS = 24 * 60 * 60 * 1000;
const CHECK_EVERY_MS = 60 * 60 * 1000;
const MIN_FILE_AGE_MS = 60 * 60 * 1000;

/** Identities of every installed package, fp32 and int8 towers both (a precision switch is cheap). */
export async function installedModelKeys(modelsDir: string): Promise<Set<string>> {
  const keys = new Set<string>();
  for (const e of await readdir(modelsDir, { withFileTypes: true }).catch(() => [])) {
    if (!e.isDirectory()) continue;
    const pkg = await loadModelPackage(path.join(modelsDir, e.name)).catch(() => null);
    if (!pkg) continue; // a partial download, or not a package
    for (const f of [pkg.paths.image, pkg.paths.imageInt8]) if (f) keys.add(await modelIdentity(pkg, f).catch(() => ''));
  }
  keys.delete('');
  return keys;
}

export interface MaintenanceParts {
  store: Store;
  paths: LibraryPaths;
  lease: WriterLease;
  /** Keys of the models open now (index and search slots). */
  loadedKeys: () => (string | undefined)[];
  /** True while this process indexes or analyses. */
  busy: () => boolean;
  log?: (message: string) => void;
}

export class Maintenance {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<MaintenanceReport> | null = null;

  constructor(private p: MaintenanceParts) {}

  /**
   * Collects now. Refused (maintenance.busy) while photos are being indexed here or by another
   * process on this library: an index job may be writing a thumbnail its row does not yet name.
   */
  async run(opts: { dryRun?: boolean; minAgeMs?: number } = {}): Promise<MaintenanceReport> {
    if (this.running) return this.running;
    const { store, lease } = this.p;
    // Jobs still queued are not a risk: only a job in flight writes files its row does not yet
    // name, and with the lease held and this process idle, none is in flight anywhere.
    if (this.p.busy()) throw busy();
    const holder = lease.tryAcquire();
    if (holder) throw busy(`${holder.command} (pid ${holder.pid})`);
    this.running = (async () => {
      const keep = await installedModelKeys(this.p.paths.models);
      for (const k of this.p.loadedKeys()) if (k) keep.add(k);
      return collectGarbage({
        db: store.db,
        mediaDirs: [
          { kind: 'thumbnails', dir: this.p.paths.thumbnails },
          { kind: 'previews', dir: this.p.paths.previews },
        ],
        keepModelKeys: keep,
        dryRun: opts.dryRun === true,
        minAgeMs: opts.minAgeMs ?? MIN_FILE_AGE_MS,
      });
    })();
    try {
      return await this.running;
    } finally {
      this.running = null;
      lease.release();
    }
  }

  /** Collect once a day while the library stays open (checked hourly; skipped while busy). */
  schedule(): void {
    if (this.timer) return;
    const tick = () => {
      const last = lastCollection(this.p.store.db);
      if (last !== null && Date.now() - last < GC_EVERY_MS) return;
      this.run().then(
        (r) => this.p.log?.(`maintenance: removed ${r.thumbnails + r.previews} thumbnails, ${r.tempFiles} temp files, ${r.modelsDropped.length} old models`),
        () => undefined, // busy: the next tick tries again
      );
    };
    this.timer = setInterval(tick, CHECK_EVERY_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }
}

function busy(holder?: string): KanjianError {
  return new KanjianError(
    'maintenance.busy',
    holder
      ? `Another Kanjian process is indexing this library (${holder}); try maintenance when it is done`
      : 'Photos are being indexed; try maintenance when indexing is done',
    { params: { holder: holder ?? '' }, client: true },
  );
}
