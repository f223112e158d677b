// The in-memory search indexes of one open library (one SQLite connection): a VectorIndex per
// model, loaded at its first search, and the filter facets. A big library's facets are loaded
// on a worker thread (facets-worker.ts), started beside the image index at the first search, so
// neither that search nor anything else on this thread waits for them; a filtered search awaits
// them (prepareFacets). A small library's load in this thread at the first filtered search.
// Each read first takes the changes since the last (changes.ts), so a photo is searchable as
// soon as its vector is committed.
import type { Worker } from 'node:worker_threads';
import type { SearchFilters } from '../api.js';
import type { Db } from '../store/index.js';
import { spawnWorker } from '../worker-thread.js';
import { ChangeFeed } from './changes.js';
import { PhotoFacets } from './facets.js';
import { facetsKey, restoreFacets, saveFacets } from './facets-file.js';
import type { FacetsReply } from './facets-worker.js';
import { OcrContents } from './ocr-contents.js';
import { VectorIndex } from './vector-index.js';

/** After another process wrote, reload in full at most this often (new rows are caught up at once). */
const FOREIGN_RELOAD_MS = 5 * 60_000;
/** Filter bitmaps kept (1 byte a vector row each: 8 MB at a million). */
const BITMAPS_HELD = 8;
/**
 * From this many photos the facets load on a worker thread. Below it the load in this thread
 * costs well under a second (0.3 s at 100k with the file cached), less than starting a worker.
 */
export const FACETS_WORKER_FROM = 200_000;

/** A load of one model's facets by a worker thread (facets-worker.ts). */
interface FacetsLoad {
  worker: Worker;
  done: Promise<void>;
  /** A search waits for it: the worker keeps the process alive. */
  waited: boolean;
}

/**
 * The files a model's search indexes keep beside the library file (`dbFile`) for the next start:
 * the image index's codes (vector-index.ts) and the facets (facets-file.ts). Rebuildable caches;
 * maintenance removes those of a model it drops.
 */
export function modelCacheFiles(dbFile: string, modelId: number): { vectors: string; facets: string } {
  const id = Math.trunc(modelId);
  return { vectors: `${dbFile}.knn-${id}`, facets: `${dbFile}.facets-${id}` };
}

/** A model's facets held in memory. */
interface HeldFacets {
  facets: PhotoFacets;
  loadedAt: number;
  /**
   * Nothing another connection wrote has reached the library since they were loaded: with this
   * connection's own changes taken in, they are exactly what a load would read now. (Another
   * process's new photos are caught up by id, but its updates are not seen until a reload.)
   */
  exact: boolean;
  /** The facets epoch the facets file was written or read at for these facets (null: none). */
  fileEpoch: number | null;
  /** Read from a facets file written before another process's change, while a worker loads them afresh (holdEarlierFacets). */
  earlier?: boolean;
}

class LibraryIndexes {
  readonly feed: ChangeFeed;
  private vectors = new Map<number, { index: VectorIndex; loadedAt: number }>();
  private ocr = new Map<number, OcrContents>();
  private facets = new Map<number, HeldFacets>();
  /** Facets being loaded on a worker thread, per model. */
  private facetLoads = new Map<number, FacetsLoad>();
  /**
   * Where the facets last came from (tests and the cold-start bench say which path ran): a
   * worker's load read the file or the library; 'earlier file': held from a file written before
   * another process's change until that load answers.
   */
  lastFacetsLoad: 'file' | 'library' | 'earlier file' | null = null;
  /** Photos from which the facets load on a worker (FACETS_WORKER_FROM; tests lower it). */
  facetsWorkerFrom = FACETS_WORKER_FROM;
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

  /** A big library's facets start loading on their thread (a search calls this before it may read the image index on this one). */
  warmFacets(modelId: number): void {
    if (!this.facets.has(modelId)) this.loadFacetsInWorker(modelId, false);
  }

  /**
   * Resolves when a filtered search of `modelId` can take the facets without loading them on
   * this thread (a big library's are loaded by a worker; this waits for it). Never rejects: a
   * failed worker load leaves allowed() to load them here.
   */
  prepareFacets(modelId: number): Promise<void> {
    if (this.facets.has(modelId)) return Promise.resolve(); // a reload under way: what is held answers meanwhile
    const load = this.facetLoads.get(modelId) ?? this.loadFacetsInWorker(modelId, true);
    if (!load) return Promise.resolve();
    if (this.holdEarlierFacets(modelId)) return Promise.resolve();
    if (!load.waited) {
      // Someone waits for it now: the worker keeps the process alive (a CLI search) until it answers.
      load.waited = true;
      load.worker.ref();
    }
    return load.done;
  }

  /**
   * After another process wrote to the library (a `cli index` while the app was closed), the
   * facets file no longer stands for it and the worker loads the facets from the library: 7.4–7.7 s
   * to the first filtered answer at a million (bench:reopen). Meanwhile they are read from that
   * file (tenths of a second) and the photos added since caught up by id: a moment stale, as
   * while a worker reloads after a change by another process (an update it made is not seen
   * until the load answers), and the filter's SQL still has the last word on every photo shown.
   * Not for another time zone (dates would be wrong) or another model. Returns whether it held them.
   */
  private holdEarlierFacets(modelId: number): boolean {
    const key = facetsKey(this.db);
    const snapshot = key && restoreFacets(modelCacheFiles(this.db.name, modelId).facets, key, modelId, { earlier: true });
    if (!snapshot) return false;
    const facets = PhotoFacets.fromSnapshot(this.db, snapshot);
    this.feed.subscribe(`facets:${modelId}`);
    facets.catchUp();
    this.facets.set(modelId, { facets, loadedAt: Date.now(), exact: false, fileEpoch: null, earlier: true });
    this.lastFacetsLoad = 'earlier file';
    return true;
  }

  /** A filtered read would not have to wait for a big load: the facets are held, or the library is small enough to load them here. */
  facetsReady(modelId: number): boolean {
    return this.facets.has(modelId) || !this.facetsLoadInWorker();
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
      // A big library keeps answering from what it holds (caught up) while a worker reloads.
      if (changes.foreign && Date.now() - held.loadedAt > FOREIGN_RELOAD_MS && !this.loadFacetsInWorker(index.modelId, false)) held = undefined;
      else {
        held.facets.sync(changes.photos, changes.embeddings);
        if (changes.foreign) {
          held.facets.catchUp();
          held.exact = false;
        }
      }
    }
    if (!held) {
      this.feed.subscribe(name);
      held = { facets: PhotoFacets.load(this.db, index.modelId), loadedAt: Date.now(), exact: true, fileEpoch: null };
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

  /** Whether this library's facets load on a worker: a file (a worker cannot open a memory database) of facetsWorkerFrom photos or more. */
  private facetsLoadInWorker(): boolean {
    if (this.db.memory) return false;
    const n = (this.db.prepare('SELECT COALESCE(MAX(id), 0) FROM photos').pluck().get() as number) ?? 0;
    return n >= this.facetsWorkerFrom;
  }

  /**
   * Starts loading `modelId`'s facets on a worker thread (or returns the load under way); null
   * when this library loads them in this thread. What changes on this connection meanwhile is
   * followed from the moment the worker starts (a feed consumer of its own) and taken in when
   * its answer arrives: its read starts later, so a change may be taken twice, which sync()
   * allows. A failed load leaves the facets unloaded: allowed() then loads them here.
   */
  private loadFacetsInWorker(modelId: number, waited: boolean): FacetsLoad | null {
    const running = this.facetLoads.get(modelId);
    if (running) return running;
    if (!this.facetsLoadInWorker()) return null;
    const pending = `facets-load:${modelId}`;
    this.feed.subscribe(pending);
    // Beside the library file: the facets, for the next start to read back (facets-file.ts).
    const cacheFile = modelCacheFiles(this.db.name, modelId).facets;
    const worker = spawnWorker(import.meta.url, 'facets-worker', { dbFile: this.db.name, modelId, cacheFile });
    if (!waited) worker.unref();
    const answer = new Promise<FacetsReply | null>((resolve) => {
      worker.once('message', (reply: FacetsReply) => resolve(reply));
      worker.once('error', () => resolve(null));
      worker.once('exit', () => resolve(null));
    });
    const done = answer.then((reply) => {
      if (this.facetLoads.get(modelId)?.worker !== worker) return;
      this.facetLoads.delete(modelId);
      if (!this.db.open) return;
      if (reply?.ok) {
        this.lastFacetsLoad = reply.from;
        this.takeFacets(modelId, PhotoFacets.fromSnapshot(this.db, reply.snapshot), pending, reply.fileEpoch);
      } else if (this.facets.get(modelId)?.earlier) this.facets.delete(modelId); // allowed() then loads them here
      this.feed.unsubscribe(pending);
    });
    const load: FacetsLoad = { worker, done, waited };
    this.facetLoads.set(modelId, load);
    return load;
  }

  /** Holds facets a worker loaded, after the changes made since it started. */
  private takeFacets(modelId: number, facets: PhotoFacets, pending: string, fileEpoch: number | null): void {
    const changes = this.feed.take(pending);
    facets.sync(changes.photos, changes.embeddings);
    if (changes.foreign) facets.catchUp();
    // From here the held facets follow the feed under their own name, from this very point.
    this.feed.subscribe(`facets:${modelId}`);
    // A foreign write while the worker ran may or may not be in what it read: not exact.
    this.facets.set(modelId, { facets, loadedAt: Date.now(), exact: !changes.foreign, fileEpoch });
  }

  /**
   * Before the connection closes (the app quits): writes the image index's codes file when it
   * no longer matches the store (VectorIndex.keepFor), and the facets file of a big library whose
   * facets changed since the file was written, so the next start reads them back instead of
   * loading every photo again (9.9–13.5 s warm at a million). Only facets known to be exactly
   * what the library holds are written — this connection's own changes taken in, nothing
   * written by another process since they were loaded — under the epoch read now, which every
   * committed write has bumped. Best effort: the file is a cache, and a stale one is never
   * taken for exact (holdEarlierFacets reads it only until a load answers).
   */
  keepForNextStart(): void {
    if (!this.db.open || this.db.inTransaction || this.db.memory) return;
    // The image index's codes (vector-index.ts keepFor), for any library that searched, after
    // the writes since its last search (the pass that purged orphans may have come after it).
    for (const [modelId, held] of this.vectors) {
      const changes = this.feed.take(`vectors:${modelId}`);
      held.index.sync(changes.embeddings);
      held.index.keepFor(modelCacheFiles(this.db.name, modelId).vectors, changes.foreign);
    }
    if (!this.facetsLoadInWorker()) return;
    for (const [modelId, held] of this.facets) {
      if (this.facetLoads.has(modelId)) continue; // a reload under way writes the file itself
      const changes = this.feed.take(`facets:${modelId}`);
      if (changes.foreign) held.exact = false;
      if (!held.exact) continue;
      held.facets.sync(changes.photos, changes.embeddings);
      // Every write to what the facets read bumps the epoch (by trigger): the same epoch, the same facets.
      const key = facetsKey(this.db);
      if (!key || key.epoch === held.fileEpoch) continue;
      if (saveFacets(modelCacheFiles(this.db.name, modelId).facets, held.facets.snapshot(), key)) held.fileEpoch = key.epoch;
    }
  }

  private loadVectors(modelId: number, dim: number): VectorIndex {
    // Subscribe first: a write between the load and the subscription would otherwise be lost.
    this.feed.subscribe(`vectors:${modelId}`);
    // Beside the library file: the codes, so the next start reads them instead of rebuilding.
    const cache = this.db.memory ? undefined : modelCacheFiles(this.db.name, modelId).vectors;
    const index = VectorIndex.load(this.db, modelId, dim, cache);
    this.vectors.set(modelId, { index, loadedAt: Date.now() });
    return index;
  }
}

const libraries = new WeakMap<Db, LibraryIndexes>();

/** Writes what the library's indexes keep for the next start (see keepForNextStart); nothing when no search ran. */
export function keepIndexesForNextStart(db: Db): void {
  libraries.get(db)?.keepForNextStart();
}

/** The indexes of this connection's library (made on first use, gone with the connection). */
export function libraryIndexes(db: Db): LibraryIndexes {
  let l = libraries.get(db);
  if (!l) libraries.set(db, (l = new LibraryIndexes(db)));
  return l;
}

export type { LibraryIndexes };
