// The in-memory search indexes of one open library (one SQLite connection): a VectorIndex per
// model, loaded at its first search, and the filter facets, loaded at the first filtered search.
// Each read first takes the changes since the last (changes.ts), so a photo is searchable as
// soon as its vector is committed.
import type { SearchFilters } from '../api.js';
import type { Db } from '../store/index.js';
import { ChangeFeed } from './changes.js';
import { PhotoFacets } from './facets.js';
import { VectorIndex } from './vector-index.js';

/** After another process wrote, reload in full at most this often (new rows are caught up at once). */
const FOREIGN_RELOAD_MS = 5 * 60_000;

class LibraryIndexes {
  readonly feed: ChangeFeed;
  private vectors = new Map<number, { index: VectorIndex; loadedAt: number }>();
  private facets = new Map<number, { facets: PhotoFacets; loadedAt: number }>();

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

  /** Vector rows of `index` allowed by the filters (see PhotoFacets.allowed). */
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
    return held.facets.allowed(filters, index.size, (eid) => index.positionOf(eid));
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
