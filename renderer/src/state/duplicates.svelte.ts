// The duplicates review: groups from the core, which photos are marked for the trash, and the
// plan → confirm → trash round trip (state/trash-flow.svelte.ts, shared with the selection bar).
// Nothing is removed without a plan the user confirmed.
//
// Safety rules the review keeps (the core enforces the last one on its own, too):
//   - only the extra copies of byte-identical groups are marked up front; nothing else;
//   - the keeper is never marked up front; marking it hands "keep" to the next photo in the
//     core's keep order, and a group with every photo marked says so;
//   - taking the last copy of a picture needs a second confirmation naming those photos
//     (the core refuses with `duplicates.lastCopy` until the request says `allowLastCopy`).
import type { DuplicateGroup, DuplicateKind, DuplicatePhoto, KanjianApi, TrashOutcome, UserMessage } from '../api/types.ts';
import { TrashFlow, type TrashOwner } from './trash-flow.svelte.ts';

type Api = Pick<KanjianApi, 'findDuplicates' | 'dismissDuplicates' | 'planTrash' | 'trashPhotos'>;
type Answer = Awaited<ReturnType<Api['findDuplicates']>>;

/** While the core is still pairing near copies (a library's first review), ask again this often. */
const PAIRING_POLL_MS = 4000;

export class DuplicatesState implements TrashOwner {
  groups = $state.raw<DuplicateGroup[]>([]);
  total = $state(0);
  kind = $state<DuplicateKind | null>(null);
  loading = $state(false);
  loaded = $state(false);
  notice = $state.raw<UserMessage | null>(null);
  /** The last failure (a coded API error where the core sent one). */
  error = $state.raw<unknown>(null);
  /** Photo ids marked for the trash. */
  marked = $state.raw<ReadonlySet<number>>(new Set());
  outcome = $state.raw<TrashOutcome | null>(null);
  /** Newer groups than the ones shown exist: they were not swapped in under the user's marks. */
  stale = $state(false);

  #seq = 0;
  /** The user marked, unmarked or dismissed since the groups were shown. */
  #touched = false;
  #poll: ReturnType<typeof setTimeout> | null = null;
  /** The newest answer, held back because the user had started marking (see `stale`). */
  #newer: Answer | null = null;
  readonly api: Api;
  /** The plan and the last-copy question; the second confirmation names photos from the groups. */
  readonly trash: TrashFlow;

  constructor(api: Api) {
    this.api = api;
    this.trash = new TrashFlow(api, (id) => {
      for (const g of this.groups) for (const p of g.photos) if (p.id === id) return p.name;
      return undefined;
    });
  }

  async load(kind: DuplicateKind | null = this.kind): Promise<void> {
    this.kind = kind;
    const seq = ++this.#seq;
    this.loading = true;
    try {
      const res = await this.#fetch(kind);
      if (seq !== this.#seq) return;
      this.#show(res);
    } catch (err) {
      if (seq !== this.#seq) return;
      this.error = err;
    } finally {
      if (seq === this.#seq) {
        this.loading = false;
        this.loaded = true;
      }
    }
  }

  /**
   * Shows the newer groups held back while the user marked: marks of photos still in a group
   * stay; groups of exact copies not shown before get their usual suggestion.
   */
  showNewer() {
    const res = this.#newer;
    if (!res) return;
    this.#seq++;
    this.#show(res, this.marked);
  }

  /** Stops asking again (the review screen closed). */
  stop() {
    if (this.#poll) clearTimeout(this.#poll);
    this.#poll = null;
    this.#seq++;
  }

  #fetch(kind: DuplicateKind | null): Promise<Answer> {
    return this.api.findDuplicates({ ...(kind && { kind }), limit: 500 });
  }

  /** Shows an answer; `kept`: the user's marks to keep (for photos still in a group). */
  #show(res: Answer, kept: ReadonlySet<number> | null = null) {
    const shown = kept ? new Set(this.groups.map((g) => g.key)) : null;
    this.groups = res.groups;
    this.total = res.total;
    this.notice = res.notice ?? null;
    this.error = null;
    this.stale = false;
    this.#newer = null;
    this.#touched = kept !== null;
    // The only suggestion: the extra copies of byte-identical files. Near copies may be
    // crops or edits and similar shots are different photos: the user decides those.
    const marked = new Set<number>();
    for (const g of res.groups) {
      const suggest = g.kind === 'exact' && !shown?.has(g.key);
      for (const p of g.photos) if (kept?.has(p.id) || (suggest && !p.keep)) marked.add(p.id);
    }
    this.marked = marked;
    this.#pollWhilePairing();
  }

  /**
   * While the core pairs near copies step by step, ask again now and then: the progress moves,
   * and so do the groups until the user starts marking (then the notice offers them instead:
   * marks are never reset under the user's hands).
   */
  #pollWhilePairing() {
    if (this.#poll) clearTimeout(this.#poll);
    this.#poll = null;
    if (this.notice?.code !== 'duplicates.pairing') return;
    const seq = this.#seq;
    this.#poll = setTimeout(() => {
      this.#poll = null;
      void this.#fetch(this.kind)
        .then((res) => {
          if (seq !== this.#seq) return;
          if (!this.#touched) return this.#show(res);
          this.notice = res.notice ?? null;
          // Offered only when the groups differ from the ones shown (progress alone is not news).
          const keys = (groups: readonly DuplicateGroup[]) => groups.map((g) => g.key).join('\n');
          if (keys(res.groups) !== keys(this.groups)) {
            this.#newer = res;
            this.stale = true;
          }
          this.#pollWhilePairing();
        })
        .catch(() => {
          if (seq === this.#seq) this.#pollWhilePairing();
        });
    }, PAIRING_POLL_MS);
  }

  toggle(photoId: number) {
    this.#touched = true;
    const next = new Set(this.marked);
    if (next.has(photoId)) next.delete(photoId);
    else next.add(photoId);
    this.marked = next;
  }

  /** The photo the group keeps now: the best unmarked one in the core's keep order, or null. */
  keeperOf(group: DuplicateGroup): DuplicatePhoto | null {
    let best: DuplicatePhoto | null = null;
    for (const p of group.photos) if (!this.marked.has(p.id) && (!best || p.rank < best.rank)) best = p;
    return best;
  }

  /** Distinct marked photos (a photo can sit in an exact and a near group) with their sizes. */
  get markedPhotos(): Map<number, DuplicatePhoto> {
    const out = new Map<number, DuplicatePhoto>();
    for (const g of this.groups) for (const p of g.photos) if (this.marked.has(p.id)) out.set(p.id, p);
    return out;
  }

  /** Marked bytes of distinct files, from the groups (the plan re-measures on disk). */
  get markedBytes(): number {
    let n = 0;
    for (const p of this.markedPhotos.values()) n += p.size;
    return n;
  }

  /** "These are not duplicates": the group goes and never comes back. */
  async dismiss(group: DuplicateGroup): Promise<void> {
    try {
      await this.api.dismissDuplicates({ photoIds: group.photos.map((p) => p.id) });
      this.#touched = true;
      this.groups = this.groups.filter((g) => g.key !== group.key);
      this.total = Math.max(0, this.total - 1);
      const next = new Set(this.marked);
      for (const p of group.photos) next.delete(p.id);
      this.marked = next;
      this.error = null;
    } catch (err) {
      this.error = err;
    }
  }

  /** Asks the core what trashing the marked photos would do; the UI then asks the user. */
  async planTrash(): Promise<void> {
    if (!this.marked.size) return;
    try {
      await this.trash.start([...this.marked]);
      this.error = null;
    } catch (err) {
      this.error = err;
    }
  }

  /** Second "yes": the user knows these are the last copies; plan with allowLastCopy. */
  async confirmLastCopy(): Promise<void> {
    try {
      await this.trash.confirmLastCopy();
      this.error = null;
    } catch (err) {
      this.error = err;
    }
  }

  cancelPlan() {
    this.trash.cancel();
  }

  /** The user confirmed the plan: move exactly those photos to the trash. */
  async confirmTrash(): Promise<void> {
    if (!this.trash.pending) return this.trash.cancel();
    try {
      const outcome = await this.trash.confirm();
      if (outcome) this.outcome = outcome;
      this.error = null;
    } catch (err) {
      this.error = err;
    }
    await this.load();
  }
}
