// The two model slots of a running library and the one place a model switch happens.
//
//   index   the model new photos are embedded with
//   search  the model queries use: the previous one while a switch re-embeds the library,
//           so results never go empty mid-switch
//
// A model that leaves both slots is "retired" and closed only once no work that may still run
// on it is in flight (a search, a background pass): each such piece of work holds the slots
// while it runs. The slots know nothing about SQLite or ONNX: whether a model covers the
// library and how to close one are given, so the state machine is testable on its own.

export interface SlotHooks<M> {
  /** True when the model has a vector for every indexed content. */
  isComplete(m: M): boolean;
  /** Closes a model nothing uses any more (not awaited: the caller tracks it). */
  close(m: M): void;
}

export class ModelSlots<M extends object> {
  private retired: M[] = [];
  private holds = 0;

  constructor(
    private indexing: M | null,
    private searching: M | null,
    private hooks: SlotHooks<M>,
  ) {}

  /** The model new photos are embedded with, or null (metadata and thumbnails only). */
  get index(): M | null {
    return this.indexing;
  }

  /** The model that answers queries and whose vectors tags and duplicates read. */
  get search(): M | null {
    return this.searching;
  }

  /** A switch is under way: the search slot still holds the previous model. */
  get switching(): boolean {
    return !!this.indexing && !!this.searching && this.indexing !== this.searching;
  }

  /**
   * Marks work that may use the models in the slots as in flight; the returned function ends
   * it (once; later calls do nothing). Retired models are closed when the last hold ends.
   */
  hold(): () => void {
    this.holds++;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.holds--;
      this.releaseRetired();
    };
  }

  /** Runs `fn` holding the slots. */
  async using<T>(fn: () => Promise<T>): Promise<T> {
    const release = this.hold();
    try {
      return await fn();
    } finally {
      release();
    }
  }

  /**
   * New photos use `next` from now on; search stays on the model that covers the library (or
   * takes `next` when there was none) until finishIfComplete() moves it.
   */
  switchTo(next: M): void {
    if (next === this.indexing) return;
    const previous = this.indexing;
    this.indexing = next;
    if (!this.searching) this.searching = next;
    this.retire(previous);
  }

  /** Once the index model covers the library, search moves to it. Returns true when it moved. */
  finishIfComplete(): boolean {
    if (!this.indexing || this.searching === this.indexing || !this.hooks.isComplete(this.indexing)) return false;
    const old = this.searching;
    this.searching = this.indexing;
    this.retire(old);
    return true;
  }

  /** Every model still open (slots and retired), emptied: for closing the library. */
  takeAll(): M[] {
    const all = [...this.retired.splice(0), this.indexing, this.searching].filter((m): m is M => m !== null);
    this.indexing = null;
    this.searching = null;
    return [...new Set(all)];
  }

  private retire(m: M | null): void {
    if (m && m !== this.indexing && m !== this.searching && !this.retired.includes(m)) this.retired.push(m);
    this.releaseRetired();
  }

  private releaseRetired(): void {
    if (this.holds > 0) return;
    for (const m of this.retired.splice(0)) {
      if (m !== this.indexing && m !== this.searching) this.hooks.close(m);
    }
  }
}
