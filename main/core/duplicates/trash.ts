// Removing duplicates: to the OS trash only, and only what the user confirmed. The core plans
// (count, bytes, paths) and hands out a single-use token; the shell shows the plan in its own
// confirm (Electron dialog, browser dialog, CLI --yes) and passes the token back. Each file is
// moved by the injected `trashFile` (default: the `trash` package, in every shell; Electron's
// main process adds a native confirm before forwarding). This module never deletes a file itself.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { checkInLibrary } from '../fs/real-path.js';
import type { DuplicateGroup, LastCopy, TrashOutcome, TrashPlan, TrashRequest } from '../api.js';
import { KanjianError } from '../errors.js';
import type { Store } from '../store/index.js';
import { lastCopies, lastCopyError } from './last-copy.js';

export type TrashFile = (file: string) => Promise<void>;

/** The OS trash via the `trash` package (XDG trash on Linux, Finder on macOS, Recycle Bin on Windows). */
export const osTrash: TrashFile = async (file) => {
  const { default: trash } = await import('trash');
  await trash(file, { glob: false });
};

/** A plan is confirmed within minutes or not at all; a few are kept (two windows, the CLI). */
const TOKEN_TTL_MS = 5 * 60 * 1000;
const MAX_PLANS = 8;
/** The most photos one removal may move (the shells' batch limit too). */
export const MAX_PLAN_PHOTOS = 10_000;

interface PendingPlan {
  ids: number[];
  /** What the user saw for each photo: a file replaced or moved since is not what they confirmed. */
  files: Map<number, { path: string; size: number; mtimeMs: number }>;
  /** The user confirmed, a second time, that these photos are the last copies. */
  allowLastCopy: boolean;
  expires: number;
}

export class TrashPlanner {
  private plans = new Map<string, PendingPlan>();

  constructor(
    private store: Store,
    /** Every duplicate group of the library (default thresholds, all kinds). */
    private groups: () => Promise<readonly DuplicateGroup[]>,
    private trashFile: TrashFile = osTrash,
  ) {}

  /** Refuses (duplicates.lastCopy) unless allowed; returns what the ids would remove entirely. */
  private async checkLastCopies(ids: readonly number[], allow: boolean): Promise<LastCopy[]> {
    const found = lastCopies(await this.groups(), new Set(ids), (p) => existsSync(p.path));
    if (found.length && !allow) throw lastCopyError(found, (id) => this.store.photos.byId(id)?.path);
    return found;
  }

  async plan(req: TrashRequest): Promise<TrashPlan> {
    this.expire();
    if (new Set(req.photoIds).size > MAX_PLAN_PHOTOS) {
      throw new KanjianError('trash.tooMany', `At most ${MAX_PLAN_PHOTOS} photos can be moved to the trash at once`, {
        params: { max: MAX_PLAN_PHOTOS },
      });
    }
    const photos: TrashPlan['photos'] = [];
    const missing: number[] = [];
    const files: PendingPlan['files'] = new Map();
    const allowLastCopy = req.allowLastCopy === true;
    const roots = this.roots();
    for (const id of new Set(req.photoIds)) {
      const row = this.store.photos.byId(id);
      // Only a regular file whose real path is in the library; a link (or a file behind a linked
      // folder) is never trashed, since the trash would move whatever the link points at.
      const inside = row ? (await checkInLibrary(row.path, roots)).ok : false;
      // Size from the disk, not the row: that is what the trash will receive.
      const st = row && inside ? await stat(row.path).catch(() => null) : null;
      if (!row || !st?.isFile()) missing.push(id);
      else {
        photos.push({ id, path: row.path, size: st.size });
        files.set(id, { path: row.path, size: st.size, mtimeMs: st.mtimeMs });
      }
    }
    const found = await this.checkLastCopies(photos.map((p) => p.id), allowLastCopy);
    const confirmToken = randomBytes(16).toString('hex');
    const expires = Date.now() + TOKEN_TTL_MS;
    this.plans.set(confirmToken, { ids: photos.map((p) => p.id).sort((a, b) => a - b), files, allowLastCopy, expires });
    // Oldest plans go first (a Map keeps insertion order): unconfirmed plans cannot pile up.
    for (const token of this.plans.keys()) {
      if (this.plans.size <= MAX_PLANS) break;
      this.plans.delete(token);
    }
    return {
      confirmToken,
      count: photos.length,
      bytes: photos.reduce((s, p) => s + p.size, 0),
      photos,
      missing,
      lastCopies: found,
      expiresAt: new Date(expires).toISOString(),
    };
  }

  /**
   * Moves the planned photos to the trash. The ids must be exactly the plan's: the user
   * confirmed that count and those bytes, nothing else. A photo whose file cannot be moved (or
   * is still there afterwards) stays in the library, with its error reported.
   */
  async trash(req: TrashRequest & { confirmToken: string }): Promise<TrashOutcome> {
    this.expire();
    const plan = this.plans.get(req.confirmToken);
    if (!plan) {
      throw new KanjianError('trash.notConfirmed', 'This removal was not confirmed, or the confirmation expired: plan it again (planTrash) and confirm.');
    }
    const ids = [...new Set(req.photoIds)].sort((a, b) => a - b);
    if (ids.length !== plan.ids.length || ids.some((id, i) => id !== plan.ids[i])) {
      throw new KanjianError('trash.planChanged', 'The photos differ from the ones confirmed: plan the removal again (planTrash) and confirm.');
    }
    // Checked again: another copy may have gone since the plan (deleted by hand, trashed elsewhere).
    await this.checkLastCopies(ids, plan.allowLastCopy);
    this.plans.delete(req.confirmToken);
    const outcome: TrashOutcome = { trashed: [], failed: [], bytesFreed: 0 };
    const roots = this.roots();
    for (const id of ids) {
      const row = this.store.photos.byId(id);
      if (!row) continue; // already gone from the library (a watcher saw it go)
      const check = await checkInLibrary(row.path, roots);
      if (!check.ok && check.reason !== 'missing') {
        outcome.failed.push({
          id,
          path: row.path,
          code: 'trash.outsideLibrary',
          error: 'The file is a link or lies outside the library folders by its real path; it was not moved to the trash',
        });
        continue;
      }
      const st = await stat(row.path).catch(() => null);
      const seen = plan.files.get(id);
      if (!st || !seen || seen.path !== row.path || seen.size !== st.size || seen.mtimeMs !== st.mtimeMs) {
        outcome.failed.push({
          id,
          path: row.path,
          code: 'trash.fileChanged',
          error: 'The file changed or moved since the removal was confirmed; it was not moved to the trash',
        });
        continue;
      }
      const size = st.size;
      try {
        await this.trashFile(row.path);
        if (existsSync(row.path)) throw new Error('the file is still there after moving it to the trash');
      } catch (e) {
        const detail = (e as Error).message || String(e);
        outcome.failed.push({ id, path: row.path, code: 'trash.failed', params: { detail }, error: detail });
        continue;
      }
      this.store.photos.removePaths([row.path]);
      outcome.trashed.push({ id, path: row.path, size });
      outcome.bytesFreed += size;
    }
    return outcome;
  }

  private roots(): string[] {
    return this.store.folders.all().map((f) => f.path);
  }

  private expire(): void {
    const now = Date.now();
    for (const [token, p] of this.plans) if (p.expires <= now) this.plans.delete(token);
  }
}
