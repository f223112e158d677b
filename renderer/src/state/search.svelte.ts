// Search as you type: debounced, newest-wins. Each run gets a sequence number and only the
// latest one may write results, so a slow old answer never replaces a newer one.
import type { KanjianApi, SearchFilters, SearchResult, UserMessage } from '../api/types.ts';

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
  /** True when the grid should show search results instead of browsing. */
  active = $derived(this.query.trim() !== '' || (!this.browseFilters && this.hasFilters));
  /** True while the grid shows an answer (to a query, or to filters alone). */
  showing = $state(false);
  /** The answer is a listing (filters alone, no query): photos, not ranked results. */
  listing = $state(false);

  #seq = 0;
  #timer: ReturnType<typeof setTimeout> | null = null;

  readonly api: Pick<KanjianApi, 'search'>;
  readonly debounceMs: number;

  constructor(api: Pick<KanjianApi, 'search'>, debounceMs = SEARCH_DEBOUNCE_MS) {
    this.api = api;
    this.debounceMs = debounceMs;
  }

  /** Called on every keystroke. */
  setQuery(q: string) {
    this.query = q;
    this.#clearTimer();
    if (q.trim() === '' && (this.browseFilters || !this.hasFilters)) {
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
    if (!q && (this.browseFilters || !this.hasFilters)) return;
    const seq = ++this.#seq;
    this.loading = true;
    try {
      const tag = this.tag;
      const filters: SearchFilters = { ...this.filters, ...(tag !== null && { tag }) };
      const res = await this.api.search({ query: q, limit: SEARCH_LIMIT, ...(Object.keys(filters).length > 0 && { filters }) });
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
