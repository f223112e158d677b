// The place view: query words found in the names of the place a photo was taken in (city, the
// big city near it, region, country — English and Chinese, from the offline geocoder in
// main/core/places). "北京", "Paris", "意大利" meet photos by where they were taken, with or
// without a model; in "意大利 教堂" this view explains 意大利 and the image view 教堂, and
// fusion ranks photos that have both first.
import type { Store } from '../../store/index.js';
import { lexicalCandidates, takeAccepted } from '../lexical.js';
import { statement } from '../statements.js';
import type { SearchView, ViewHit, ViewQuery } from './types.js';

export class PlaceView implements SearchView {
  readonly name = 'place' as const;

  constructor(private store: Store) {}

  async search(q: ViewQuery): Promise<ViewHit[]> {
    const ranked = lexicalCandidates(this.store.db, 'place_fts', q.terms);
    if (!ranked.length) return [];
    // place_fts rowid = photos.id
    const accept = statement(
      this.store.db,
      `SELECT p.id AS id FROM photos p NOT INDEXED WHERE p.id IN (SELECT value FROM json_each(?)) AND ${q.filter.sql}`)
      .pluck();
    const kept = takeAccepted(ranked, q.depth, (chunk) => {
      const ids = accept.all(JSON.stringify(chunk.map((c) => c.rowid)), ...q.filter.params) as number[];
      return new Map(ids.map((id) => [id, id]));
    });
    // Photos of one place hold the same words: they share a rank, as exact copies do elsewhere.
    let rank = 0;
    let last = '';
    return kept.map(({ candidate }) => {
      const key = `${candidate.weight}|${candidate.matches.join(' ')}`;
      if (key !== last) rank++;
      last = key;
      return {
        photoId: candidate.rowid,
        rank,
        score: Math.round(candidate.weight * 10000) / 10000,
        weight: candidate.weight,
        evidence: { place: { matches: candidate.matches } },
      };
    });
  }
}
