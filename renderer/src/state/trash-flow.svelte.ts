// Moving photos to the OS trash, as every screen does it (the duplicates review, the selection
// bar): plan → confirm → trash. Nothing is removed without a plan the user confirmed: the core
// hands out a token with the plan's count and bytes, and only that token trashes. A plan that
// would take the last copy of a picture is refused by the core (`duplicates.lastCopy`) until a
// second confirmation naming those photos was given; then the plan and the trash request both
// say `allowLastCopy`. The owners (DuplicatesState, BulkActions) decide what a failure or an
// outcome means for their screen; TrashDialogs.svelte asks the two questions.
import type { KanjianApi, TrashOutcome, TrashPlan } from '../api/types.ts';

type Api = Pick<KanjianApi, 'planTrash' | 'trashPhotos'>;

/** The second question: these photos are the last copies of their pictures. */
export interface LastCopyQuestion {
  /** How many photos would go with no copy left. */
  n: number;
  /** Their names, joined in the UI language's list style by the dialog. */
  names: string[];
}

/** What a screen that trashes photos offers the dialogs (TrashDialogs.svelte). */
export interface TrashOwner {
  readonly trash: TrashFlow;
  confirmLastCopy(): Promise<void>;
  confirmTrash(): Promise<void>;
  cancelPlan(): void;
}

export class TrashFlow {
  /** The plan awaiting the user's answer in the confirm dialog. */
  plan = $state.raw<TrashPlan | null>(null);
  /** Set when the core refused because these are the last copies: a second question first. */
  lastCopy = $state.raw<LastCopyQuestion | null>(null);

  #photoIds: number[] = [];
  #allowLastCopy = false;

  /**
   * `nameOf`: the name of a photo the screen shows (the review knows every photo of its groups);
   * without it, the names the core lists in its refusal are shown.
   */
  constructor(
    private api: Api,
    private nameOf?: (id: number) => string | undefined,
  ) {}

  /** A plan the user can confirm (not an empty one). */
  get pending(): boolean {
    return !!this.plan && this.plan.count > 0;
  }

  /** Asks the core what trashing these photos would do; rejects on anything but the last-copy refusal. */
  async start(photoIds: number[]): Promise<void> {
    this.#allowLastCopy = false;
    this.#photoIds = photoIds;
    try {
      this.plan = await this.api.planTrash({ photoIds });
    } catch (err) {
      const e = err as { code?: unknown; params?: Record<string, string | number> };
      if (e?.code !== 'duplicates.lastCopy') throw err;
      this.lastCopy = this.#question(e.params ?? {});
    }
  }

  #question(params: Record<string, string | number>): LastCopyQuestion {
    if (!this.nameOf) return { n: Number(params.photos ?? 0), names: [String(params.names ?? '')] };
    const ids = String(params.ids ?? '')
      .split(',')
      .map(Number)
      .filter((n) => Number.isInteger(n) && n > 0);
    return { n: ids.length, names: ids.map((id) => this.nameOf!(id) ?? `#${id}`) };
  }

  /** Second "yes": the user knows these are the last copies; plan again with allowLastCopy. */
  async confirmLastCopy(): Promise<void> {
    this.lastCopy = null;
    this.plan = await this.api.planTrash({ photoIds: this.#photoIds, allowLastCopy: true });
    this.#allowLastCopy = true;
  }

  cancel(): void {
    this.plan = null;
    this.lastCopy = null;
    this.#allowLastCopy = false;
  }

  /**
   * The user confirmed the plan: move exactly its photos to the trash. Null when nothing was
   * planned, or when the desktop app's native dialog (one more question) was answered Cancel.
   */
  async confirm(): Promise<TrashOutcome | null> {
    const plan = this.plan;
    const allowLastCopy = this.#allowLastCopy;
    this.cancel();
    if (!plan || plan.count === 0) return null;
    try {
      return await this.api.trashPhotos({
        photoIds: plan.photos.map((p) => p.id),
        confirmToken: plan.confirmToken,
        ...(allowLastCopy && { allowLastCopy: true }),
      });
    } catch (err) {
      // "Cancel" in the native dialog is not an error.
      if (err instanceof Error && err.name === 'CancelledError') return null;
      throw err;
    }
  }
}
