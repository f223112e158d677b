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
import { cosine } from '../../knn/codes.js';
import { scoreAll } from '../../knn/small-table.js';
import { statement } from '../statements.js';
import { ContentExpander, type SearchView, type ViewHit, type ViewQuery } from './types.js';

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
    const db = this.store.db;
    const index = new TagSequenceIndex(db);
    if (!index.ready(this.model.modelId)) return [];
    const vector = await q.embedding();
    if (!vector) return [];
    const table = tagSequenceTable(this.model.modelId);
    const version = statement(db, "SELECT COUNT(*) || ':' || COALESCE(MAX(id), 0) FROM tag_sequences WHERE model_id = ?")
      .pluck()
      .get(this.model.modelId) as string;
    // Every sequence scored (exact, from the floats in memory: main/core/knn/small-table.ts).
    const { ids, scores } = scoreAll(db, table, version, vector);
    if (!ids.length) return [];
    // Without a usable caption (a tokenizer that knows neither word), a sequence must at least
    // point the query's way: cosine above 0.
    const bg = await this.background();
    const floor = bg ? Math.max(0, cosine(vector, bg)) : 0;
    // Scores as 1 − distance, the way they were read from sqlite-vec's cosine distance.
    const score = (i: number) => 1 - (1 - scores[i]);
    let best = -Infinity;
    for (let i = 0; i < ids.length; i++) best = Math.max(best, score(i));
    const matching: { id: number; score: number }[] = [];
    for (let i = 0; i < ids.length; i++) {
      const s = score(i);
      if (s > floor && s >= best - TAG_BAND) matching.push({ id: ids[i], score: s });
    }
    if (!matching.length) return [];
    matching.sort((a, b) => b.score - a.score || a.id - b.id);
    // Sequence by sequence, best first, each one's contents in sha256 order, until the depth
    // is filled: a popular sequence at a million photos holds thousands of contents, and only
    // the first page's worth is read.
    const tagsOf = statement(db, 'SELECT tags FROM tag_sequences WHERE id = ?').pluck();
    const page = statement(
      db,
      `SELECT sha256 FROM content_tag_sequence INDEXED BY content_tag_sequence_seq
        WHERE seq_id = ? AND model_id = ? AND sha256 > ? ORDER BY sha256 LIMIT ?`,
    ).pluck();
    const expander = new ContentExpander(db, q.filter, q.depth);
    for (const m of matching) {
      const stored = tagsOf.get(m.id) as string | undefined;
      if (stored === undefined) continue;
      const evidence = { tags: { tags: JSON.parse(stored) as string[] } };
      const rounded = Math.round(m.score * 10000) / 10000;
      let after = '';
      for (;;) {
        const want = Math.max(64, (q.depth - expander.hits.length) * 2);
        const shas = page.all(m.id, this.model.modelId, after, want) as string[];
        if (!shas.length) break;
        after = shas[shas.length - 1];
        if (expander.add(shas.map((sha256) => ({ sha256, score: rounded, group: m.id, evidence })))) return expander.hits;
        if (shas.length < want) break;
      }
    }
    return expander.hits;
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
