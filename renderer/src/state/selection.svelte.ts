// Which photos of the grid are selected, by photo id (so a selection survives pages loading and
// the grid re-laying out), plus the anchor for shift-click / shift+arrow ranges, which are
// index ranges of what the grid shows now. Kept apart from PhotoGrid.svelte on purpose: the
// grid only asks "is cell i selected?" and reports clicks and keys; every rule lives here.

/** What the grid tells the selection (PhotoGrid's `onSelect`). */
export type SelectGesture =
  /** A click on a cell, with its modifier keys. */
  | 'click'
  /** Space on the focused cell. */
  | 'toggle'
  /** Shift+arrow (and friends) moved focus to this cell. */
  | 'extend'
  /** Ctrl/Cmd+A. */
  | 'all'
  /** Escape. */
  | 'clear';

export interface Modifiers {
  shiftKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
}

export class Selection {
  ids = $state.raw<ReadonlySet<number>>(new Set());
  size = $derived(this.ids.size);
  /** The index a range starts from (the last cell clicked or toggled). */
  #anchor: number | null = null;

  /** Photo id at a grid index, or undefined while its page is loading. */
  constructor(private idAt: (index: number) => number | undefined) {}

  has(id: number | undefined): boolean {
    return id !== undefined && this.ids.has(id);
  }

  hasIndex(index: number): boolean {
    return this.has(this.idAt(index));
  }

  clear(): void {
    if (this.ids.size) this.ids = new Set();
    this.#anchor = null;
  }

  set(ids: Iterable<number>): void {
    this.ids = new Set(ids);
  }

  toggle(index: number): void {
    const id = this.idAt(index);
    if (id === undefined) return;
    const next = new Set(this.ids);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    this.ids = next;
    this.#anchor = index;
  }

  /** Selects [anchor, index] (adding to what is selected); with no anchor, just this cell. */
  extendTo(index: number): void {
    const from = this.#anchor ?? index;
    const [a, b] = from <= index ? [from, index] : [index, from];
    const next = new Set(this.ids);
    for (let i = a; i <= b; i++) {
      const id = this.idAt(i);
      if (id !== undefined) next.add(id);
    }
    this.ids = next;
    this.#anchor ??= from;
  }

  /**
   * A gesture from the grid. Returns true when the selection used it (the grid then does not
   * open the photo): ctrl/cmd-click toggles, shift-click selects a range, and once anything is
   * selected a plain click toggles too (selection mode), so picking photos never opens one by
   * accident. With nothing selected a plain click or Enter opens, as before.
   */
  gesture(index: number, kind: SelectGesture, mods: Modifiers, count: number): boolean {
    switch (kind) {
      case 'click':
        if (mods.shiftKey) {
          this.extendTo(index);
          return true;
        }
        if (mods.ctrlKey || mods.metaKey || this.ids.size > 0) {
          this.toggle(index);
          return true;
        }
        this.#anchor = index;
        return false;
      case 'toggle':
        this.toggle(index);
        return true;
      case 'extend':
        this.extendTo(index);
        return true;
      case 'all':
        this.selectRange(0, count);
        return true;
      case 'clear':
        if (!this.ids.size) return false;
        this.clear();
        return true;
    }
  }

  /** Adds every loaded photo in [start, end) (select all, select a date group). */
  selectRange(start: number, end: number): void {
    const next = new Set(this.ids);
    for (let i = start; i < end; i++) {
      const id = this.idAt(i);
      if (id !== undefined) next.add(id);
    }
    this.ids = next;
  }

  /** Drops ids no longer in the library (after a trash). */
  forget(ids: Iterable<number>): void {
    const next = new Set(this.ids);
    for (const id of ids) next.delete(id);
    this.ids = next;
  }
}
