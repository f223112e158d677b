// Trash plans are bounded: a capped number of photos per plan, only a few plans kept (oldest
// dropped), so a client cannot pile up unconfirmed plans in memory.
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Store } from '../../../main/core/store/index.js';
import { MAX_PLAN_PHOTOS, TrashPlanner } from '../../../main/core/duplicates/trash.js';
import { KanjianError } from '../../../main/core/errors.js';

let tmp: string;
let store: Store;
let ids: number[];
let moved: string[] = [];
/** Stands in for the OS trash: really moves the file (to the test's own folder). */
const toTrash = async (f: string) => {
  moved.push(f);
  renameSync(f, path.join(tmp, 'trash', path.basename(f)));
};

beforeEach(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'kanjian-bounds-'));
  store = Store.open(path.join(tmp, 'library.db'));
  mkdirSync(path.join(tmp, 'lib'));
  mkdirSync(path.join(tmp, 'trash'));
  const folder = store.folders.add(path.join(tmp, 'lib'));
  ids = [];
  moved = [];
  for (let i = 0; i < 10; i++) {
    const file = path.join(tmp, 'lib', `p${i}.jpg`);
    writeFileSync(file, `photo ${i}`);
    store.photos.upsert({
      folder_id: folder.id, path: file, size: 7, mtime_ms: 0, sha256: `sha${i}`, width: 1, height: 1, format: 'jpeg',
      taken_at: null, camera_make: null, camera_model: null, lat: null, lon: null, orientation: 1, phash: null,
      has_thumb: 0, status: 'indexed', error: null, indexed_at: Date.now(),
    } as Parameters<typeof store.photos.upsert>[0]);
    ids.push(store.photos.byPath(file)!.id);
  }
});
afterEach(() => {
  store.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('TrashPlanner bounds', () => {
  it('refuses a plan over the cap with a client error code', async () => {
    const planner = new TrashPlanner(store, async () => [], toTrash);
    const many = Array.from({ length: MAX_PLAN_PHOTOS + 1 }, (_, i) => i + 1);
    const err = await planner.plan({ photoIds: many }).catch((e) => e);
    expect(err).toBeInstanceOf(KanjianError);
    expect(err).toMatchObject({ code: 'trash.tooMany', client: true, params: { max: MAX_PLAN_PHOTOS } });
  });

  it('keeps only the newest few plans: an old token stops working, a new one works', async () => {
    const planner = new TrashPlanner(store, async () => [], toTrash);
    const first = await planner.plan({ photoIds: [ids[0]], allowLastCopy: true });
    for (let i = 0; i < 20; i++) await planner.plan({ photoIds: [ids[1]], allowLastCopy: true });
    await expect(planner.trash({ photoIds: [ids[0]], confirmToken: first.confirmToken })).rejects.toThrow(/not confirmed/);
    const last = await planner.plan({ photoIds: [ids[2]], allowLastCopy: true });
    expect(Date.parse(last.expiresAt) - Date.now()).toBeLessThanOrEqual(5 * 60 * 1000);
    const outcome = await planner.trash({ photoIds: [ids[2]], confirmToken: last.confirmToken });
    expect(outcome.trashed.map((t) => t.id)).toEqual([ids[2]]);
    expect(moved).toEqual([path.join(tmp, 'lib', 'p2.jpg')]);
  });
});
