// Duplicates behind the API: finding groups, "not duplicates", and trash-only removal.
import type { DuplicatesRequest, DuplicatesResponse, TrashOutcome, TrashPlan } from '../api.js';
import type { Store } from '../store/index.js';
import { dismissPhotos } from './dismiss.js';
import { findDuplicates } from './find.js';
import { scanSimilar, unscanned, type ManifestModel } from './similar.js';
import { TrashPlanner, type TrashFile } from './trash.js';

export { NEAR_MAX_DISTANCE, MAX_GROUP_SIZE, similarThreshold } from './thresholds.js';
export { osTrash, type TrashFile } from './trash.js';

/** Up to this many unscanned photos, find() waits for their similar-shot scan (a few seconds). */
const WAIT_FOR_SCAN_MAX = 200;

export class Duplicates {
  private planner: TrashPlanner;
  private scanning: Promise<number> | null = null;

  constructor(
    private store: Store,
    /** The model whose vectors cover the library (search's model), or null. */
    private model: () => ManifestModel | null,
    trashFile?: TrashFile,
    private shouldStop: () => boolean = () => false,
  ) {
    this.planner = new TrashPlanner(store, trashFile);
  }

  /** Stores vector neighbours of newly indexed contents; call after indexing. One run at a time. */
  async scan(): Promise<number> {
    const m = this.model();
    if (!m) return 0;
    if (!this.scanning) {
      this.scanning = scanSimilar(this.store, m, { shouldStop: this.shouldStop }).finally(() => {
        this.scanning = null;
      });
    }
    return this.scanning;
  }

  /**
   * Photos indexed since the last scan are scanned first when they are few; a long scan (a big
   * library seen for the first time) runs in the background and the answer says so, rather
   * than keeping the review screen waiting.
   */
  async find(req: DuplicatesRequest): Promise<DuplicatesResponse> {
    const m = this.model();
    let pending = 0;
    if (m && (!req.kind || req.kind === 'similar')) {
      pending = unscanned(this.store, m).length;
      if (pending <= WAIT_FOR_SCAN_MAX) {
        await this.scan();
        pending = 0;
      } else void this.scan().catch(() => undefined);
    }
    const res = findDuplicates(this.store, req ?? {}, { model: m });
    if (pending > 0 && !res.message) {
      res.message = `Still looking for similar shots among ${pending} recently indexed photos; they will show when that is done.`;
    }
    return res;
  }

  async dismiss(photoIds: number[]): Promise<{ pairs: number }> {
    return { pairs: dismissPhotos(this.store, photoIds) };
  }

  planTrash(photoIds: number[]): Promise<TrashPlan> {
    return this.planner.plan(photoIds);
  }

  trashPhotos(req: { photoIds: number[]; confirmToken: string }): Promise<TrashOutcome> {
    return this.planner.trash(req);
  }
}
