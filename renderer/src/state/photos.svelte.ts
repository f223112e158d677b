// All photos, fetched lazily a page at a time as the grid scrolls. Pages are tagged with the
// generation that fetched them: refresh() bumps the generation so visible pages reload while
// the old ones stay on screen until their replacements arrive (no flash of empty cells).
import { untrack } from 'svelte';
import type { KanjianApi, LibrarySort, PhotoSummary, SearchFilters } from '../api/types.ts';

export const PAGE_SIZE = 200;

interface Page {
  gen: number;
  photos: PhotoSummary[];
}

export class PhotoPages {
  total = $state(0);
  /** True once the first answer arrived, so "no photos yet" is not shown while loading. */
  loaded = $state(false);
  error = $state.raw<unknown>(null);
  /** Only photos carrying this tag (its English or Chinese name); null for all photos. */
  tag = $state<string | null>(null);
  /** The grid's order (the timeline: 'taken'); the core's histogram offsets are in this order. */
  sort = $state<LibrarySort>('taken');
  /** Metadata filters applied to the browsed library (the timeline under a filter). */
  filters = $state.raw<SearchFilters>({});

  #version = $state(0);
  #pages = new Map<number, Page>();
  #inflight = new Map<number, number>(); // page → gen being fetched
  #gen = 0;
  #lastRange: [number, number] = [0, PAGE_SIZE];
  #refreshTimer: ReturnType<typeof setTimeout> | null = null;

  readonly api: Pick<KanjianApi, 'listPhotos'>;
  readonly pageSize: number;

  constructor(api: Pick<KanjianApi, 'listPhotos'>, pageSize = PAGE_SIZE) {
    this.api = api;
    this.pageSize = pageSize;
  }

  get(index: number): PhotoSummary | undefined {
    void this.#version; // reactive dependency: re-read when any page lands
    return this.#pages.get(Math.floor(index / this.pageSize))?.photos[index % this.pageSize];
  }

  /** Makes sure photos [start, end) are loaded or on their way. */
  ensure(start: number, end: number) {
    untrack(() => {
      this.#lastRange = [start, end];
      const last = Math.max(start, end - 1);
      for (let p = Math.floor(Math.max(0, start) / this.pageSize); p <= Math.floor(last / this.pageSize); p++) {
        const page = this.#pages.get(p);
        if (page && page.gen === this.#gen) continue;
        if (this.#inflight.get(p) === this.#gen) continue;
        if (this.loaded && p * this.pageSize >= this.total && p > 0) continue;
        void this.#load(p);
      }
    });
  }

  async #load(p: number) {
    const gen = this.#gen;
    this.#inflight.set(p, gen);
    try {
      const tag = this.tag;
      const filters = this.filters;
      const res = await this.api.listPhotos({
        offset: p * this.pageSize,
        limit: this.pageSize,
        sort: this.sort,
        ...(tag !== null && { tag }),
        ...(Object.keys(filters).length > 0 && { filters }),
      });
      if (gen !== this.#gen) return;
      this.#pages.set(p, { gen, photos: res.photos });
      this.total = res.total;
      this.loaded = true;
      this.error = null;
      this.#version++;
    } catch (err) {
      if (gen !== this.#gen) return;
      this.error = err;
    } finally {
      if (this.#inflight.get(p) === gen) this.#inflight.delete(p);
    }
  }

  /** The library changed: reload what is on screen; other pages reload when scrolled to. */
  refresh() {
    this.#gen++;
    this.#inflight.clear();
    const [s, e] = this.#lastRange;
    this.ensure(s, e);
  }

  /** Shows only photos with this tag (null: all); starts over from the first page. */
  setTag(tag: string | null) {
    if (tag === this.tag) return;
    this.tag = tag;
    this.#pages.clear();
    this.total = 0;
    this.loaded = false;
    this.#version++;
    this.refresh();
  }

  /** A new order or filter: starts over from the first page. */
  setView(sort: LibrarySort, filters: SearchFilters) {
    if (sort === this.sort && JSON.stringify(filters) === JSON.stringify(this.filters)) return;
    this.sort = sort;
    this.filters = filters;
    this.#pages.clear();
    this.total = 0;
    this.loaded = false;
    this.#version++;
    this.refresh();
  }

  /** Coalesces bursts of change events (indexing emits many) into one refresh. */
  refreshSoon(delayMs = 1000) {
    if (this.#refreshTimer) return;
    this.#refreshTimer = setTimeout(() => {
      this.#refreshTimer = null;
      this.refresh();
    }, delayMs);
  }

  destroy() {
    if (this.#refreshTimer) clearTimeout(this.#refreshTimer);
    this.#gen++;
  }
}
