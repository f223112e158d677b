// Duplicates behind the API: finding groups, "not duplicates", and trash-only removal.
import type { DuplicateGroup, DuplicatesRequest, DuplicatesResponse, TrashOutcome, TrashPlan, TrashRequest } from '../api.js';
import type { Store } from '../store/index.js';
import { moveInlineGrids } from '../store/near-hashes.js';
import { backfillNearHashes, nearHashBacklog } from './backfill.js';
import { GroupCache } from './cache.js';
import { dismissPhotos } from './dismiss.js';
import { pageGroups } from './find.js';
import { scanSimilar, unscanned, type ManifestModel } from './similar.js';
import { TrashPlanner, type TrashFile } from './trash.js';

export { NEAR_MAX_DISTANCE, MAX_GROUP_SIZE, similarThreshold } from './thresholds.js';
export { osTrash, type TrashFile } from './trash.js';

/** Up to this many unscanned photos, find() waits for their similar-shot scan (a few seconds). */
const WAIT_FOR_SCAN_MAX = 200;

/**
 * From this many indexed photos, the groups are built after indexing (warm()), so the review
 * opens on them: at a million, pairing the photos just added takes tens of seconds.
 * Smaller libraries group in a second or less when asked.
 */
const WARM_FROM = 10_000;
/**
 * Built once indexing has been quiet this long: a watcher's passes (a phone syncing photo by
 * photo) each end with a warm(), and a million photos' build takes 5–9 s (bench:scale), so
 * one build follows the burst rather than one a pass. The review asked meanwhile builds at once.
 */
const WARM_QUIET_MS = 30_000;
/**
 * Grids a library stored inline before near_details are moved this many at a time (8 ms of the
 * main thread a step, 20 ms at worst, at 100k), a pause between steps for the work around it:
 * 4 s of steps at 100k, ~2 min of the background at a million with the pauses, once.
 */
const GRID_MOVE_STEP = 256;
const GRID_MOVE_PAUSE_MS = 20;

export class Duplicates {
  private planner: TrashPlanner;
  private scanning: Promise<number> | null = null;
  private cache: GroupCache;
  private backfilling: Promise<number> | null = null;
  /**
   * The two backlogs find() checks, by what they were counted at: each is a query over every
   * photo (a second at a million), and opening the review must not pay it while nothing changed.
   * A write that can change either bumps the epoch; a scan or backfill run here, its own counter.
   */
  private backlogs = new Map<string, { at: string; n: number }>();
  private runs = 0;
  private warmTimer: NodeJS.Timeout | null = null;
  private gridTimer: NodeJS.Timeout | null = null;
  /** WARM_FROM and WARM_QUIET_MS (tests lower them). */
  warming = { from: WARM_FROM, quietMs: WARM_QUIET_MS };

  constructor(
    private store: Store,
    /** The model whose vectors cover the library (search's model), or null. */
    private model: () => ManifestModel | null,
    trashFile?: TrashFile,
    private shouldStop: () => boolean = () => false,
  ) {
    this.cache = new GroupCache(store);
    this.planner = new TrashPlanner(store, () => this.allGroups(), trashFile);
    if (!store.db.readonly) this.moveGridsSoon(0);
  }

  /** Moves inline grids (store/near-hashes.ts moveInlineGrids) a step at a time until none is left. */
  private moveGridsSoon(pauseMs: number): void {
    this.gridTimer = setTimeout(() => {
      this.gridTimer = null;
      let moved = 0;
      try {
        moved = moveInlineGrids(this.store.db, GRID_MOVE_STEP);
      } catch {
        // Locked by another writer past the busy timeout, or closing: the next start goes on.
      }
      if (moved) this.moveGridsSoon(GRID_MOVE_PAUSE_MS);
    }, pauseMs);
    this.gridTimer.unref();
  }

  /** Contents the next scan() looks at (the progress total). */
  unscannedCount(): number {
    const m = this.model();
    return m ? unscanned(this.store, m).length : 0;
  }

  /** Stores vector neighbours of newly indexed contents; call after indexing. One run at a time. */
  async scan(): Promise<number> {
    const m = this.model();
    if (!m) return 0;
    if (!this.scanning) {
      this.scanning = scanSimilar(this.store, m, { shouldStop: this.shouldStop }).finally(() => {
        this.scanning = null;
        this.runs++;
      });
    }
    return this.scanning;
  }

  /**
   * Photos indexed since the last scan are scanned first when they are few; a long scan (a big
   * library seen for the first time) runs in the background and the answer says so, rather
   * than keeping the review screen waiting. Groups come from the cache while nothing changed.
   */
  async find(req: DuplicatesRequest): Promise<DuplicatesResponse> {
    const m = this.model();
    let pending = 0;
    if (m && (!req.kind || req.kind === 'similar')) {
      pending = this.backlog(`similar:${m.modelId}`, () => unscanned(this.store, m).length);
      if (pending <= WAIT_FOR_SCAN_MAX) {
        if (pending > 0) await this.scan();
        pending = 0;
      } else void this.scan().catch(() => undefined);
    }
    // Old rows without near hashes: a few are hashed before answering, a big backlog (a library
    // from before schema v6) in the background while the old pHash stands in.
    if (req.kind !== 'similar') {
      const backlog = this.backlog('near', () => nearHashBacklog(this.store, WAIT_FOR_SCAN_MAX + 1));
      if (backlog > 0 && backlog <= WAIT_FOR_SCAN_MAX) await this.backfill(WAIT_FOR_SCAN_MAX);
      else if (backlog > 0) void this.backfill(Number.MAX_SAFE_INTEGER).catch(() => undefined);
    }
    const all = await this.cache.get(req, m);
    const res = pageGroups(all, req);
    if (all.pairing) {
      // A library's first review pairs in steps (cache.ts): what is shown is what was found so far.
      const { done, total } = all.pairing;
      res.notice = { code: 'duplicates.pairing', params: { done, total } };
      res.message = `Comparing photos for near copies: ${done} of ${total} done; the groups found so far are shown, more come as it goes.`;
    } else if (pending > 0 && !res.notice) {
      res.notice = { code: 'duplicates.scanning', params: { n: pending } };
      res.message = `Still looking for similar shots among ${pending} recently indexed photos; they will show when that is done.`;
    }
    return res;
  }

  private backlog(name: string, count: () => number): number {
    const at = `${this.cache.epoch()}:${this.runs}`;
    const held = this.backlogs.get(name);
    if (held?.at === at) return held.n;
    const n = count();
    this.backlogs.set(name, { at, n });
    return n;
  }

  /**
   * After indexing: builds the review's first answer (all kinds, default thresholds) in the
   * grouping worker, for a big library, so opening the review does not wait for it; once
   * indexing has been quiet for WARM_QUIET_MS.
   */
  warm(): void {
    const n = this.store.db.prepare("SELECT COUNT(*) FROM photos WHERE status = 'indexed'").pluck().get() as number;
    if (n < this.warming.from) return;
    if (this.warmTimer) clearTimeout(this.warmTimer);
    this.warmTimer = setTimeout(() => {
      this.warmTimer = null;
      void this.cache.get({}, this.model()).catch(() => undefined);
    }, this.warming.quietMs);
    this.warmTimer.unref();
  }

  /** Group builds started so far (tests count them). */
  get builds(): number {
    return this.cache.builds;
  }

  /**
   * Waits until every content is paired for near copies (a library's first review pairs in
   * steps, see cache.ts), `onStep` told how far each step got: a one-shot caller (the CLI)
   * then gets every group.
   */
  async finishPairing(onStep?: (done: number, total: number) => void): Promise<void> {
    await this.cache.complete({}, this.model(), (partial) => {
      if (partial.pairing) onStep?.(partial.pairing.done, partial.pairing.total);
    });
  }

  /** Near hashes for contents indexed before they existed; one run at a time. */
  backfill(limit: number): Promise<number> {
    if (!this.backfilling) {
      this.backfilling = backfillNearHashes(this.store, { limit, shouldStop: this.shouldStop }).finally(() => {
        this.backfilling = null;
        this.runs++;
      });
    }
    return this.backfilling;
  }

  /** Every group at the default thresholds: what "the last copy of a group" is judged against. */
  private async allGroups(): Promise<readonly DuplicateGroup[]> {
    return (await this.cache.get({}, this.model())).groups;
  }

  /** Stops the grouping worker (the library is closing). */
  close(): Promise<void> {
    if (this.warmTimer) clearTimeout(this.warmTimer);
    this.warmTimer = null;
    if (this.gridTimer) clearTimeout(this.gridTimer);
    this.gridTimer = null;
    return this.cache.close();
  }

  async dismiss(photoIds: number[]): Promise<{ pairs: number }> {
    return { pairs: dismissPhotos(this.store, photoIds) };
  }

  planTrash(req: TrashRequest): Promise<TrashPlan> {
    return this.planner.plan(req);
  }

  trashPhotos(req: TrashRequest & { confirmToken: string }): Promise<TrashOutcome> {
    return this.planner.trash(req);
  }
}
