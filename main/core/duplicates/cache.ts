// Grouping a 100k library takes tens of seconds; opening the review must not. Groups are built
// once per set of parameters (in a worker thread, grouping.ts) and reused until the library
// changes: every write that can change a group (photos added, removed, re-indexed; "not
// duplicates"; new similar-shot pairs) bumps the `duplicates` counter in `change_epochs` by
// trigger (store/migrations.ts), in the writer's own transaction — so a CLI run or the watcher
// invalidates the app's cache too. Asking again while a build is under way waits for that build;
// asking after writes while it runs waits for one more build, started when it ends and shared by
// every such ask (a watcher's passes come faster than a million photos' build: one build each
// would queue up in the worker, each stale before it began).
//
// A library's first review pairs every content for near copies, minutes at a million photos:
// builds pair one step at a time (near-pairs.ts), and while pairing is unfinished each answer is
// partial (AllGroups.pairing). The next step starts as soon as one ends, in the background;
// asking meanwhile gets the newest partial answer at once rather than waiting for the step.
import type { Store } from '../store/index.js';
import type { AllGroups, GroupingParams } from './find.js';
import { GroupBuilder } from './grouping.js';
import { FIRST_PAIRING_STEP, PAIR_AT_ONCE_MAX, type PairingSteps } from './near-pairs.js';
import type { ManifestModel } from './similar.js';

/** Parameter sets kept (the review asks for a few: all, exact, near, similar). */
const MAX_ENTRIES = 8;

interface Entry {
  /** The change epoch the newest build started at. */
  epoch: number;
  /** The newest build (under way, or done). */
  value: Promise<AllGroups>;
  /** The newest answer while near pairing is unfinished: served while the next step builds. */
  partial: AllGroups | null;
  /** The build has ended (answer or failure). */
  settled: boolean;
  /** Asks after writes while the build ran: the one build that follows it. */
  next?: Promise<AllGroups>;
}

export class GroupCache {
  private entries = new Map<string, Entry>();
  private builder: GroupBuilder;
  private closed = false;
  /** How a first review pairs in steps (near-pairs.ts; tests make the steps small). */
  pairingSteps: PairingSteps = { firstStep: FIRST_PAIRING_STEP, atOnceMax: PAIR_AT_ONCE_MAX };
  /** Builds started so far (tests count them). */
  builds = 0;

  constructor(private store: Store) {
    this.builder = new GroupBuilder(store);
  }

  epoch(): number {
    const row = this.store.db.prepare("SELECT n FROM change_epochs WHERE name = 'duplicates'").get() as { n: number } | undefined;
    return row?.n ?? 0;
  }

  get(req: GroupingParams, model: ManifestModel | null): Promise<AllGroups> {
    const key = keyOf(req, model);
    const hit = this.entries.get(key);
    // Pairing under way: its newest answer now (the next step is already building).
    if (hit?.partial) return Promise.resolve(hit.partial);
    if (hit && hit.epoch === this.epoch()) return hit.value;
    // Stale and still building: the build after it (see the header).
    if (hit && !hit.settled) {
      return (hit.next ??= hit.value.then(
        () => this.get(req, model),
        () => this.get(req, model),
      ));
    }
    return this.start(key, req, model).value;
  }

  /**
   * The groups once near pairing is finished (a one-shot caller: the CLI), `onStep` told of each
   * partial answer on the way.
   */
  async complete(req: GroupingParams, model: ManifestModel | null, onStep?: (partial: AllGroups) => void): Promise<AllGroups> {
    const key = keyOf(req, model);
    for (;;) {
      const entry = this.entries.get(key);
      const value = entry && (entry.partial || entry.epoch === this.epoch()) ? entry.value : this.start(key, req, model).value;
      const answer = await value;
      if (!answer.pairing) return answer;
      onStep?.(answer);
      // The entry's next step started when this one ended (or it was evicted: start again).
    }
  }

  close(): Promise<void> {
    this.closed = true;
    return this.builder.close();
  }

  /** Builds the groups (one pairing step at most); a partial answer starts the next step. */
  private start(key: string, req: GroupingParams, model: ManifestModel | null, partial: AllGroups | null = null): Entry {
    const epoch = this.epoch();
    const value = this.builder.build({ kind: req.kind, maxDistance: req.maxDistance, minSimilarity: req.minSimilarity }, model, this.pairingSteps);
    this.builds++;
    const entry: Entry = { epoch, value, partial, settled: false };
    value.then(
      (answer) => {
        entry.settled = true;
        if (this.entries.get(key) !== entry) return;
        if (!answer.pairing || this.closed) entry.partial = null;
        else this.start(key, req, model, answer);
      },
      // A failed build is not kept: the next ask tries again.
      () => {
        entry.settled = true;
        if (this.entries.get(key) === entry) this.entries.delete(key);
      },
    );
    this.entries.delete(key);
    this.entries.set(key, entry);
    while (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    return entry;
  }
}

function keyOf(req: GroupingParams, model: ManifestModel | null): string {
  return JSON.stringify([req.kind ?? null, req.maxDistance ?? null, req.minSimilarity ?? null, model?.modelId ?? null]);
}
