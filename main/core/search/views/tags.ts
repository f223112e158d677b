// The tag view: the query's text embedding against each photo's tag-sequence embedding
// (tag-sequences.ts): text against text, where the image view is text against pixels.
//
// Relevance: text-to-text cosines sit higher and closer together than text-to-image ones, so
// the image view's calibrated cut-off does not carry over, and a fixed number would not carry
// over between models. The rule reads scores the way main/core/tags reads its own (CLIP's
// softmax at logit scale 100): a sequence matches when it beats a generic caption ("photo 照片")
// — the query is about something the tags name — and lies within TAG_BAND of the best sequence;
// at scale 100 a 0.05 cosine gap is a ~150× likelihood ratio, so anything further is noise.
import type { Store } from '../../store/index.js';
import type { LoadedModel } from '../../embed/loaded.js';
import { TagSequenceIndex, tagSequenceTable } from '../tag-sequences.js';
import { rankAll } from '../../knn/small-table.js';
import { photosOfContents, type SearchView, type ViewHit, type ViewQuery } from './types.js';

export const TAG_BAND = 0.05;
const BACKGROUND = 'photo 照片';

const backgrounds = new WeakMap<object, Promise<Float32Array | null>>();

export class TagView implements SearchView {
  readonly name = 'tags' as const;

  constructor(
    private store: Store,
    private model: LoadedModel,
  ) {}

  async search(q: ViewQuery): Promise<ViewHit[]> {
    const index = new TagSequenceIndex(this.store.db);
    if (!index.ready(this.model.modelId)) return [];
    const vector = await q.embedding();
    if (!vector) return [];
    const table = tagSequenceTable(this.model.modelId);
    const version = this.store.db
      .prepare('SELECT COUNT(*) || \':\' || COALESCE(MAX(id), 0) FROM tag_sequences WHERE model_id = ?')
      .pluck()
      .get(this.model.modelId) as string;
    // Every sequence, ranked (exact, from the floats in memory: main/core/knn/small-table.ts).
    const neighbours = rankAll(this.store.db, table, version, vector).map((n) => ({ id: n.id, distance: 1 - n.score }));
    if (!neighbours.length) return [];
    // Without a usable caption (a tokenizer that knows neither word), a sequence must at least
    // point the query's way: cosine above 0.
    const bg = await this.background();
    const floor = bg ? Math.max(0, cosine(vector, bg)) : 0;
    const best = 1 - neighbours[0].distance;
    const matching = neighbours
      .map((n) => ({ id: n.id, score: 1 - n.distance }))
      .filter((n) => n.score > floor && n.score >= best - TAG_BAND);
    if (!matching.length) return [];
    const scoreOf = new Map(matching.map((m) => [m.id, m.score]));
    const rows = this.store.db
      .prepare(
        `SELECT c.sha256 AS sha256, c.seq_id AS seq, s.tags AS tags
           FROM content_tag_sequence c JOIN tag_sequences s ON s.id = c.seq_id
          WHERE c.model_id = ? AND c.seq_id IN (SELECT value FROM json_each(?))`,
      )
      .all(this.model.modelId, JSON.stringify(matching.map((m) => m.id))) as { sha256: string; seq: number; tags: string }[];
    rows.sort((a, b) => scoreOf.get(b.seq)! - scoreOf.get(a.seq)! || a.seq - b.seq || (a.sha256 < b.sha256 ? -1 : 1));
    return photosOfContents(
      this.store.db,
      rows.map((r) => ({
        sha256: r.sha256,
        score: Math.round(scoreOf.get(r.seq)! * 10000) / 10000,
        group: r.seq,
        evidence: { tags: { tags: JSON.parse(r.tags) as string[] } },
      })),
      q.filter,
      q.depth,
    );
  }

  /** The generic caption's embedding, once per loaded model. */
  private background(): Promise<Float32Array | null> {
    const key = this.model.model;
    let p = backgrounds.get(key);
    if (!p) {
      p = this.model.model.embedText(BACKGROUND).then((v) => (v.some((x) => x !== 0) ? v : null));
      backgrounds.set(key, p);
    }
    return p;
  }
}

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return na && nb ? dot / Math.sqrt(na * nb) : 0;
}
