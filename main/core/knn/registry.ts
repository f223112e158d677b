// The in-memory search indexes of one open library (one SQLite connection): a VectorIndex per
// model, loaded at its first search, and the filter facets, loaded at the first filtered search.
// Each read first takes the changes since the last (changes.ts), so a photo is searchable as
// soon as its vector is committed.
import type { SearchFilters } from '../api.js';
import type { Db } from '../store/index.js';
import { ChangeFeed } from './changes.js';
import { PhotoFacets } from './facets.js';
import { OcrContents } from './ocr-contents.js';
import { VectorIndex } from './vector-index.js';

/** After another process wrote, reload in full at most this often (new rows are caught up at once). */
const FOREIGN_RELOAD_MS = 5 * 60_000;
/** Filter bitmaps kept (1 byte a vector row each: 8 MB at a million). */
const BITMAPS_HELD = 8;

class LibraryIndexes {
  readonly feed: ChangeFeed;
  private vectors = new Map<number, { index: VectorIndex; loadedAt: number }>();
  private ocr = new Map<number, OcrContents>();
  private facets = new Map<number, { facets: PhotoFacets; loadedAt: number }>();
  /** Recent filters' bitmaps: as-you-type search asks again with the same filter for every keystroke. */
  private bitmaps = new Map<string, { index: VectorIndex; facets: PhotoFacets; generation: number; rows: number; result: { bitmap: Uint8Array; count: number } }>();

  constructor(private db: Db) {
    this.feed = new ChangeFeed(db);
  }

  vectorIndex(modelId: number, dim: number): VectorIndex {
    const name = `vectors:${modelId}`;
    const held = this.vectors.get(modelId);
    if (held && held.index.dim === dim) {
      const changes = this.feed.take(name);
      if (changes.foreign && Date.now() - held.loadedAt > FOREIGN_RELOAD_MS) return this.loadVectors(modelId, dim);
      held.index.sync(changes.embeddings);
      if (changes.foreign) held.index.catchUp();
      return held.index;
    }
    return this.loadVectors(modelId, dim);
  }

  /** The model's index if a search has loaded it (kept in step), else null: callers that only gain from it never load it. */
  loadedVectorIndex(modelId: number): VectorIndex | null {
    const held = this.vectors.get(modelId);
    return held ? this.vectorIndex(modelId, held.index.dim) : null;
  }

  /**
   * Vector rows of `index` allowed by the filters (see PhotoFacets.allowed); the same object
   * for the same filters while nothing changed (callers only read it).
   */
  allowed(index: VectorIndex, filters: SearchFilters): { bitmap: Uint8Array; count: number } {
    const name = `facets:${index.modelId}`;
    let held = this.facets.get(index.modelId);
    if (held) {
      const changes = this.feed.take(name);
      if (changes.foreign && Date.now() - held.loadedAt > FOREIGN_RELOAD_MS) held = undefined;
      else {
        held.facets.sync(changes.photos, changes.embeddings);
        if (changes.foreign) held.facets.catchUp();
      }
    }
    if (!held) {
      this.feed.subscribe(name);
      held = { facets: PhotoFacets.load(this.db, index.modelId), loadedAt: Date.now() };
      this.facets.set(index.modelId, held);
    }
    // Albums, favourites and places read tables the change feed does not follow: never cached.
    const key = filters.album != null || filters.favourite === true || filters.place != null ? null : `${index.modelId}:${JSON.stringify(filters)}`;
    const facets = held.facets;
    const hit = key ? this.bitmaps.get(key) : undefined;
    if (hit && hit.index === index && hit.facets === facets && hit.generation === facets.generation && hit.rows === index.size) {
      this.bitmaps.delete(key!);
      this.bitmaps.set(key!, hit);
      return hit.result;
    }
    const result = facets.allowed(filters, index.size, (eid) => index.positionOf(eid));
    if (key) {
      this.bitmaps.delete(key);
      this.bitmaps.set(key, { index, facets, generation: facets.generation, rows: index.size, result });
      if (this.bitmaps.size > BITMAPS_HELD) this.bitmaps.delete(this.bitmaps.keys().next().value!);
    }
    return result;
  }

  /**
   * For a filtered text search: whether the filters allow a text row's content — 1 yes, 0 no,
   * -1 unknown (its content has no vector row in `index`, or is not in it yet: ask SQL). The
   * same answer as the filter's SQL on the content's photos (facets.ts semantics), from the
   * bitmap the image view uses; the SQL still checks every photo shown.
   */
  textRowsAllowed(index: VectorIndex, filters: SearchFilters): (ocrId: number) => number {
    let map = this.ocr.get(index.modelId);
    if (!map) this.ocr.set(index.modelId, (map = OcrContents.load(this.db, index.modelId)));
    else map.catchUp();
    const { bitmap } = this.allowed(index, filters);
    const m = map;
    return (ocrId) => {
      const eid = m.eidOf(ocrId);
      const at = eid > 0 ? index.positionOf(eid) : -1;
      // A row orphaned or purged since the map was made may stand for a content now held by another row.
      return at < 0 || at >= bitmap.length || !index.aliveAt(at) ? -1 : bitmap[at];
    };
  }

  private loadVectors(modelId: number, dim: number): VectorIndex {
    // Subscribe first: a write between the load and the subscription would otherwise be lost.
    this.feed.subscribe(`vectors:${modelId}`);
    // Beside the library file: the codes, so the next start reads them instead of rebuilding.
    const cache = this.db.memory ? undefined : `${this.db.name}.knn-${Math.trunc(modelId)}`;
    const index = VectorIndex.load(this.db, modelId, dim, cache);
    this.vectors.set(modelId, { index, loadedAt: Date.now() });
    return index;
  }
}

const libraries = new WeakMap<Db, LibraryIndexes>();

/** The indexes of this connection's library (made on first use, gone with the connection). */
export function libraryIndexes(db: Db): LibraryIndexes {
  let l = libraries.get(db);
  if (!l) libraries.set(db, (l = new LibraryIndexes(db)));
  return l;
}

export type { LibraryIndexes };
