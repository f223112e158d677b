// The duplicates review: groups from the core, which photos are marked for the trash, and the
// plan → confirm → trash round trip. Nothing is removed without a plan the user confirmed:
// the core hands out a token with the plan's count and bytes, and only that token trashes.
import type { DuplicateGroup, DuplicateKind, KanjianApi, TrashOutcome, TrashPlan } from '../api/types.ts';

type Api = Pick<KanjianApi, 'findDuplicates' | 'dismissDuplicates' | 'planTrash' | 'trashPhotos'>;

export class DuplicatesState {
  groups = $state.raw<DuplicateGroup[]>([]);
  total = $state(0);
  kind = $state<DuplicateKind | null>(null);
  loading = $state(false);
  loaded = $state(false);
  message = $state<string | null>(null);
  /** The last failure, rendered by i18n.error (coded API errors in the UI language). */
  error = $state.raw<unknown>(null);
  /** Photo ids marked for the trash. */
  marked = $state.raw<ReadonlySet<number>>(new Set());
  /** The plan awaiting the user's answer in the confirm dialog. */
  plan = $state.raw<TrashPlan | null>(null);
  outcome = $state.raw<TrashOutcome | null>(null);

  #seq = 0;
  readonly api: Api;

  constructor(api: Api) {
    this.api = api;
  }

  async load(kind: DuplicateKind | null = this.kind): Promise<void> {
    this.kind = kind;
    const seq = ++this.#seq;
    this.loading = true;
    try {
      const res = await this.api.findDuplicates({ ...(kind && { kind }), limit: 500 });
      if (seq !== this.#seq) return;
      this.groups = res.groups;
      this.total = res.total;
      this.message = res.message ?? null;
      this.error = null;
      // The suggestion: every copy but the keeper of exact and near groups. Similar shots are
      // different photos, so nothing of theirs is marked until the user says so.
      const marked = new Set<number>();
      for (const g of res.groups) {
        if (g.kind === 'similar') continue;
        for (const p of g.photos) if (!p.keep) marked.add(p.id);
      }
      this.marked = marked;
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

  toggle(photoId: number) {
    const next = new Set(this.marked);
    if (next.has(photoId)) next.delete(photoId);
    else next.add(photoId);
    this.marked = next;
  }

  /** Marked bytes, from the groups (the plan re-measures on disk). */
  get markedBytes(): number {
    let n = 0;
    for (const g of this.groups) for (const p of g.photos) if (this.marked.has(p.id)) n += p.size;
    return n;
  }

  /** "These are not duplicates": the group goes and never comes back. */
  async dismiss(group: DuplicateGroup): Promise<void> {
    try {
      await this.api.dismissDuplicates({ photoIds: group.photos.map((p) => p.id) });
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
      this.plan = await this.api.planTrash([...this.marked]);
      this.error = null;
    } catch (err) {
      this.error = err;
    }
  }

  cancelPlan() {
    this.plan = null;
  }

  /** The user confirmed the plan: move exactly those photos to the trash. */
  async confirmTrash(): Promise<void> {
    const plan = this.plan;
    this.plan = null;
    if (!plan || plan.count === 0) return;
    try {
      this.outcome = await this.api.trashPhotos({ photoIds: plan.photos.map((p) => p.id), confirmToken: plan.confirmToken });
      this.error = null;
    } catch (err) {
      // The desktop app asks once more in a native dialog; "Cancel" there is not an error.
      const cancelled = err instanceof Error && err.name === 'CancelledError';
      this.error = cancelled ? null : err;
    }
    await this.load();
  }
}
