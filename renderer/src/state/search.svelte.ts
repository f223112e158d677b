// Search as you type: debounced, newest-wins. Each run gets a sequence number and only the
// latest one may write results, so a slow old answer never replaces a newer one.
import type { KanjianApi, SearchFilters, SearchResult, UserMessage } from '../api/types.ts';

/** The picture a search is like ("photos like this one"): a library photo, or a dropped image. */
export type LikeQuery = { kind: 'photo'; photoId: number; name: string } | { kind: 'image'; imageId: string; name: string };

export const SEARCH_DEBOUNCE_MS = 250;
export const SEARCH_LIMIT = 500;

export class SearchState {
  /** What the input shows. */
  query = $state('');
  /** The query the current results answer (may lag `query` while typing). */
  answered = $state('');
  results = $state.raw<SearchResult[]>([]);
  /** Why part of search could not answer (e.g. `search.needsModel`), rendered in the UI language. */
  notice = $state.raw<UserMessage | null>(null);
  /** Photos the search model has not embedded yet (meaning search cannot find them yet). */
  missingVectors = $state(0);
  /** Why the last search failed (rendered by i18n.error). */
  error = $state.raw<unknown>(null);
  loading = $state(false);
  tookMs = $state<number | null>(null);
  /** Narrows results to photos carrying this tag (English or Chinese name); null for none. */
  tag = $state<string | null>(null);
  /** Metadata filters (dates, folder, camera, GPS, type); with an empty query they list photos. */
  filters = $state.raw<SearchFilters>({});
  hasFilters = $derived(Object.keys(this.filters).length > 0);
  /**
   * Filters alone are browsed (the timeline lists every matching photo, in date groups) rather
   * than asked of search (a listing capped at SEARCH_LIMIT). The app sets it; off by default.
   */
  browseFilters = $state(false);
  /** Photos like this picture (with the words, if any, fused); null for a plain search. */
  like = $state.raw<LikeQuery | null>(null);
  /** True while a dropped image is being read and embedded. */
  readingImage = $state(false);
  /** True when the grid should show search results instead of browsing. */
  active = $derived(this.query.trim() !== '' || (!this.browseFilters && this.hasFilters) || this.like !== null);
  /** True while the grid shows an answer (to a query, or to filters alone). */
  showing = $state(false);
  /** The answer is a listing (filters alone, no query): photos, not ranked results. */
  listing = $state(false);

  #seq = 0;
  #timer: ReturnType<typeof setTimeout> | null = null;

  readonly api: Pick<KanjianApi, 'search'> & Partial<Pick<KanjianApi, 'addQueryImage'>>;
  readonly debounceMs: number;

  constructor(api: Pick<KanjianApi, 'search'> & Partial<Pick<KanjianApi, 'addQueryImage'>>, debounceMs = SEARCH_DEBOUNCE_MS) {
    this.api = api;
    this.debounceMs = debounceMs;
  }

  /** Called on every keystroke. */
  setQuery(q: string) {
    this.query = q;
    this.#clearTimer();
    if (q.trim() === '' && (this.browseFilters || !this.hasFilters) && !this.like) {
      this.#seq++; // invalidates any answer still on its way
      this.answered = '';
      this.results = [];
      this.notice = null;
      this.missingVectors = 0;
      this.error = null;
      this.loading = false;
      this.tookMs = null;
      this.showing = false;
      return;
    }
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.run();
    }, this.debounceMs);
  }

  /** Runs the current query now (Enter in the box, or after the debounce). */
  async run(): Promise<void> {
    this.#clearTimer();
    const q = this.query.trim();
    if (!q && (this.browseFilters || !this.hasFilters) && !this.like) return;
    const seq = ++this.#seq;
    this.loading = true;
    try {
      const tag = this.tag;
      const filters: SearchFilters = { ...this.filters, ...(tag !== null && { tag }) };
      const like = this.like;
      const res = await this.api.search({
        query: q,
        limit: SEARCH_LIMIT,
        ...(Object.keys(filters).length > 0 && { filters }),
        ...(like?.kind === 'photo' && { similarTo: like.photoId }),
        ...(like?.kind === 'image' && { image: like.imageId }),
      });
      if (seq !== this.#seq) return;
      this.results = res.results;
      this.notice = res.notice ?? null;
      this.missingVectors = res.missingVectors ?? 0;
      this.error = null;
      this.tookMs = res.tookMs;
      this.answered = q;
      this.listing = res.mode === 'listing';
      this.showing = true;
    } catch (err) {
      if (seq !== this.#seq) return; // a newer query took over (the HTTP client aborts stale ones)
      // The server no longer holds the dropped image (restart, expiry): drop it from the query.
      if ((err as { code?: unknown })?.code === 'search.imageExpired') this.like = null;
      this.error = err;
      this.results = [];
      this.notice = null;
      this.missingVectors = 0;
      this.answered = q;
      this.showing = true;
    } finally {
      if (seq === this.#seq) this.loading = false;
    }
  }

  /** Replaces the metadata filters (empty values dropped) and searches again, or clears. */
  setFilters(filters: SearchFilters) {
    const clean = Object.fromEntries(
      Object.entries(filters).filter(([, v]) => v !== undefined && v !== null && v !== '' && v !== false && !(Array.isArray(v) && v.length === 0)),
    ) as SearchFilters;
    this.filters = clean;
    if (this.active) void this.run();
    else this.setQuery(this.query);
  }

  /** "Similar photos" from the viewer: this photo's picture is the query (words kept, if any). */
  likePhoto(photo: { id: number; name: string }) {
    this.like = { kind: 'photo', photoId: photo.id, name: photo.name };
    void this.run();
  }

  /** A dropped or pasted image: read by the core (never added to the library), then searched. */
  async likeImage(file: Blob & { name?: string }): Promise<void> {
    if (!this.api.addQueryImage) return;
    this.readingImage = true;
    const seq = ++this.#seq;
    try {
      const info = await this.api.addQueryImage(new Uint8Array(await file.arrayBuffer()));
      if (seq !== this.#seq) return;
      this.like = { kind: 'image', imageId: info.imageId, name: file.name || '' };
      await this.run();
    } catch (err) {
      if (seq !== this.#seq) return;
      this.error = err;
      this.results = [];
      this.showing = true;
    } finally {
      this.readingImage = false;
    }
  }

  clearLike() {
    this.like = null;
    this.setQuery(this.query);
    if (this.active) void this.run();
  }

  setTag(tag: string | null) {
    this.tag = tag;
    this.refresh();
  }

  /** Re-asks the current query (e.g. after a model was installed). */
  refresh() {
    if (this.active) void this.run();
  }

  #clearTimer() {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }

  destroy() {
    this.#clearTimer();
    this.#seq++;
  }
}
