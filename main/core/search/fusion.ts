// Reciprocal-rank fusion (Cormack, Clarke & Büttcher, SIGIR 2009) of the views' ranked hits.
//
// Why ranks, not scores: the views' scores live on unrelated scales — CLIP cosines sit in a
// narrow, model-specific band (0.2–0.35 for XLM-R ViT-B/32, 0.5–1 for the toy model), BM25 is
// unbounded and depends on the library's vocabulary, "share of query words" is a fraction.
// Calibrating them into one probability would need labelled queries per model, which we do not
// have; RRF needs none and is what hybrid lexical+vector engines (Elasticsearch, OpenSearch,
// Azure AI Search) use by default. Each view already applied its own relevance rule (the image
// cut-off, "a query word matched"), so fusion only orders photos that matched somewhere: a
// photo no view returned is never a result.
//
// Two adjustments: (1) a lexical hit counts in proportion to the share of the query's words it
// explains (`weight`), so a photo whose text holds one word of a five-word query does not
// count as much as one that holds all five; (2) scores are scaled by (k + 1) so the top hit of a
// single view scores 1 and each agreeing view adds up to 1 more — readable in the UI.
import type { MatchView } from '../api.js';
import type { ViewHit } from './views/types.js';

/** The constant from the RRF paper; larger k flattens the difference between ranks. */
export const RRF_K = 60;

/** Display and tie-break order of views. */
export const VIEW_ORDER: readonly MatchView[] = ['similar', 'image', 'tags', 'ocr', 'place', 'metadata'];

export interface FusedHit {
  photoId: number;
  score: number;
  views: MatchView[];
  hits: Partial<Record<MatchView, ViewHit>>;
}

export function fuse(lists: Partial<Record<MatchView, ViewHit[]>>, k = RRF_K): FusedHit[] {
  const byPhoto = new Map<number, FusedHit>();
  for (const view of VIEW_ORDER) {
    for (const hit of lists[view] ?? []) {
      let f = byPhoto.get(hit.photoId);
      if (!f) {
        f = { photoId: hit.photoId, score: 0, views: [], hits: {} };
        byPhoto.set(hit.photoId, f);
      }
      if (f.hits[view]) continue; // a view names a photo once
      f.hits[view] = hit;
      f.views.push(view);
      f.score += (hit.weight * (k + 1)) / (k + hit.rank);
    }
  }
  return [...byPhoto.values()].sort(
    (a, b) => b.score - a.score || b.views.length - a.views.length || bestRank(a) - bestRank(b) || a.photoId - b.photoId,
  );
}

function bestRank(f: FusedHit): number {
  return Math.min(...Object.values(f.hits).map((h) => h!.rank));
}
