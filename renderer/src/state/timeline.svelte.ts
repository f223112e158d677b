// The timeline's histogram (photos per day under the grid's filters), read again whenever the
// browsed library changes. Newest answer wins, like search.
import type { KanjianApi, SearchFilters, TimelineBucket } from '../api/types.ts';

export class TimelineState {
  days = $state.raw<TimelineBucket[]>([]);
  total = $state(0);
  error = $state.raw<unknown>(null);
  #seq = 0;
  readonly api: Pick<KanjianApi, 'timeline'>;

  constructor(api: Pick<KanjianApi, 'timeline'>) {
    this.api = api;
  }

  async load(filters: SearchFilters, tag: string | null): Promise<void> {
    const seq = ++this.#seq;
    const f: SearchFilters = { ...filters, ...(tag !== null && { tag }) };
    try {
      const res = await this.api.timeline({ by: 'day', ...(Object.keys(f).length > 0 && { filters: f }) });
      if (seq !== this.#seq) return;
      this.days = res.buckets;
      this.total = res.total;
      this.error = null;
    } catch (err) {
      if (seq !== this.#seq) return;
      this.error = err;
    }
  }
}
