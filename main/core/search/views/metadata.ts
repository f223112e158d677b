// The metadata view: query words found in a photo's file name, its folders below the library
// root or its camera ("beach" finds beach-2024.jpg, 海边 finds 旅行/海边/…). Filters (dates,
// place, type…) narrow every view; this view is what matches words.
import type { Store } from '../../store/index.js';
import { lexicalCandidates, takeAccepted } from '../lexical.js';
import { statement } from '../statements.js';
import type { SearchView, ViewHit, ViewQuery } from './types.js';

export class MetadataView implements SearchView {
  readonly name = 'metadata' as const;

  constructor(private store: Store) {}

  async search(q: ViewQuery): Promise<ViewHit[]> {
    const ranked = lexicalCandidates(this.store.db, 'name_fts', q.terms);
    if (!ranked.length) return [];
    // name_fts rowid = photos.id
    const accept = statement(
      this.store.db,
      `SELECT p.id AS id FROM photos p NOT INDEXED WHERE p.id IN (SELECT value FROM json_each(?)) AND ${q.filter.sql}`,
    ).pluck();
    const kept = takeAccepted(ranked, q.depth, (chunk) => {
      const ids = accept.all(JSON.stringify(chunk.map((c) => c.rowid)), ...q.filter.params) as number[];
      return new Map(ids.map((id) => [id, id]));
    });
    return kept.map(({ candidate }, i) => ({
      photoId: candidate.rowid,
      rank: i + 1,
      score: Math.round(candidate.weight * 10000) / 10000,
      weight: candidate.weight,
      evidence: { metadata: { matches: candidate.matches } },
    }));
  }
}
