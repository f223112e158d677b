// Grouping a 100k library takes tens of seconds; opening the review must not. Groups are built
// once per set of parameters (in a worker thread, grouping.ts) and reused until the library
// changes: every write that can change a group (photos added, removed, re-indexed; "not
// duplicates"; new similar-shot pairs) bumps the `duplicates` counter in `change_epochs` by
// trigger (store/migrations.ts), in the writer's own transaction — so a CLI run or the watcher
// invalidates the app's cache too. Asking again while a build is under way waits for that build.
import type { Store } from '../store/index.js';
import type { AllGroups, GroupingParams } from './find.js';
import { GroupBuilder } from './grouping.js';
import type { ManifestModel } from './similar.js';

/** Parameter sets kept (the review asks for a few: all, exact, near, similar). */
const MAX_ENTRIES = 8;

export class GroupCache {
  private entries = new Map<string, { epoch: number; value: Promise<AllGroups> }>();
  private builder: GroupBuilder;

  constructor(private store: Store) {
    this.builder = new GroupBuilder(store);
  }

  epoch(): number {
    const row = this.store.db.prepare("SELECT n FROM change_epochs WHERE name = 'duplicates'").get() as { n: number } | undefined;
    return row?.n ?? 0;
  }

  get(req: GroupingParams, model: ManifestModel | null): Promise<AllGroups> {
    const key = JSON.stringify([req.kind ?? null, req.maxDistance ?? null, req.minSimilarity ?? null, model?.modelId ?? null]);
    const epoch = this.epoch();
    const hit = this.entries.get(key);
    if (hit && hit.epoch === epoch) return hit.value;
    const value = this.builder.build({ kind: req.kind, maxDistance: req.maxDistance, minSimilarity: req.minSimilarity }, model);
    // A failed build is not kept: the next ask tries again.
    value.catch(() => {
      if (this.entries.get(key)?.value === value) this.entries.delete(key);
    });
    this.entries.delete(key);
    this.entries.set(key, { epoch, value });
    while (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    return value;
  }

  close(): Promise<void> {
    return this.builder.close();
  }
}
