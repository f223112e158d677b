// "Photos like this one": a picture as the query. Either a photo of the library (its stored
// vector) or an image the user dropped or pasted (decoded and preprocessed exactly as indexing
// does — media/decode.ts openImage, the model's imageTensor — then embedded by the image tower,
// kept in memory only: nothing is written to the library or to disk).
//
// The picture's vector asks the image index for its nearest image vectors (the `similar` view);
// a text typed beside it runs the usual views, and fusion.ts merges both by rank, so "like this,
// but 夜景" ranks first what is near the picture *and* matches the words.
//
// Without a model there are no vectors, but near-copy hashes (media/near-hash.ts) exist for
// every indexed photo: they answer a narrower question — other copies of the same picture
// (re-encoded, resized, lightly cropped, turned) — and the response says so
// (`similar.needsModel`), rather than saying nothing or pretending to find similar scenes.
import { randomBytes } from 'node:crypto';
import type { QueryImageInfo, UserMessage } from '../api.js';
import { LIMITS } from '../api-values.js';
import type { LoadedModel } from '../embed/loaded.js';
import { KanjianError } from '../errors.js';
import { DEFAULT_PIXEL_LIMIT, openImage } from '../media/decode.js';
import { failureCode } from '../media/error-codes.js';
import { hammingDistance } from '../media/hash.js';
import { nearHashesOf, rotateHash, type NearHashes } from '../media/near-hash.js';
import { libraryIndexes } from '../knn/registry.js';
import { allNearHashes } from '../store/near-hashes.js';
import { vectorsOf } from '../store/vectors.js';
import type { Store } from '../store/index.js';
import type { SqlFilter } from './filters.js';
import { photosOfContents, type ViewHit } from './views/types.js';

/** What the HTTP shell accepts as an upload body, and the core as bytes (a phone photo is ~3–12 MB). */
export const QUERY_IMAGE_MAX_BYTES = LIMITS.queryImageBytes;
/** Query images held at once (each is a vector and a few hashes, not the image). */
const HELD_MAX = 16;
/** A dropped image is forgotten after this; the UI drops it again if asked. */
const HELD_MS = 30 * 60_000;
/**
 * Without a model: near-copy hash distance (bits of 64) that still counts as "the same picture".
 * Looser than the duplicates finder's 8 (duplicates/thresholds.ts) because a wrong hit here costs
 * a glance, not a file in the trash.
 */
export const NEAR_SIMILAR_MAX_DISTANCE = 12;

export interface HeldImage {
  id: string;
  /** The model that embedded it (null: none was installed). */
  modelId: number | null;
  vector: Float32Array | null;
  near: NearHashes;
  width: number;
  height: number;
  at: number;
}

/** Dropped images, by an unguessable id, in memory only. */
export class QueryImages {
  private held = new Map<string, HeldImage>();

  async add(bytes: Uint8Array, model: LoadedModel | null): Promise<QueryImageInfo> {
    if (bytes.length > QUERY_IMAGE_MAX_BYTES) {
      throw new KanjianError('search.imageTooLarge', `Image larger than ${QUERY_IMAGE_MAX_BYTES} bytes`, {
        params: { mb: Math.round(QUERY_IMAGE_MAX_BYTES / 1024 / 1024) },
      });
    }
    let held: HeldImage;
    try {
      // The indexer's decode: content decides the format, EXIF orientation applied, pixel limit.
      const opened = await openImage(bytes, {
        pixelLimit: DEFAULT_PIXEL_LIMIT,
        decodeSize: Math.max(256, model?.model.manifest.image.size ?? 0),
      });
      const near = await nearHashesOf(opened.image);
      const vector = model ? await model.model.embedImage(await model.model.imageTensor(opened.image)) : null;
      held = { id: randomBytes(16).toString('hex'), modelId: model?.modelId ?? null, vector, near, width: opened.width, height: opened.height, at: Date.now() };
    } catch (e) {
      if (e instanceof KanjianError) throw e;
      const f = failureCode(e);
      throw new KanjianError(f.code, `Cannot read the image: ${(e as Error).message}`, { params: f.params ?? {} });
    }
    this.prune();
    this.held.set(held.id, held);
    while (this.held.size > HELD_MAX) this.held.delete(this.held.keys().next().value!);
    return { imageId: held.id, width: held.width, height: held.height, embedded: held.vector !== null };
  }

  get(id: string): HeldImage {
    this.prune();
    const h = this.held.get(id);
    if (!h) throw new KanjianError('search.imageExpired', `Query image ${id.slice(0, 8)}… is no longer held`);
    return h;
  }

  private prune(): void {
    const now = Date.now();
    for (const [id, h] of this.held) if (now - h.at > HELD_MS) this.held.delete(id);
  }
}

/** The picture a search is like: a library photo, or a held upload. */
export type LikeSource = { photoId: number } | { image: HeldImage };

export interface SimilarHits {
  hits: ViewHit[];
  notice?: UserMessage;
}

/** The `similar` view: contents nearest to the picture, best first, within the filter. */
export async function similarHits(store: Store, model: LoadedModel | null, like: LikeSource, filter: SqlFilter, depth: number): Promise<SimilarHits> {
  const self = 'photoId' in like ? store.photos.byId(like.photoId) : null;
  if ('photoId' in like && !self) throw new KanjianError('photo.notFound', `No photo with id ${like.photoId}`, { params: { id: like.photoId } });
  const exclude = (hits: ViewHit[]) => (self ? hits.filter((h) => h.photoId !== self.id) : hits);

  let vector: Float32Array | null = null;
  if (model) {
    if ('image' in like) {
      // Embedded by another model (a switch since the drop): its vector means nothing here.
      if (like.image.modelId !== model.modelId) throw new KanjianError('search.imageExpired', 'The query image was embedded by another model');
      vector = like.image.vector;
    } else if (self?.sha256) {
      vector = vectorsOf(store.db, model.modelId, [self.sha256]).get(self.sha256) ?? null;
    }
  }
  if (model && vector) {
    const indexes = libraryIndexes(store.db);
    if (filter.active) await indexes.prepareFacets(model.modelId);
    const index = indexes.vectorIndex(model.modelId, vector.length);
    let allowed: Uint8Array | null = null;
    if (filter.active) {
      const a = indexes.allowed(index, filter.filters);
      if (a.count === 0) return { hits: [] };
      allowed = a.bitmap;
    }
    // No cut-off: image-to-image cosines have no calibrated "relevant" line (the model's
    // search.minScore is for text); the nearest ones, best first, are the answer.
    const found = index.search(vector, depth * 2 + 1, { allowed });
    const shaOf = new Map(
      store.db
        .prepare('SELECT id, sha256 FROM embeddings WHERE id IN (SELECT value FROM json_each(?)) AND orphaned_at IS NULL')
        .raw()
        .all(JSON.stringify(found.map((h) => h.eid))) as [number, string][],
    );
    const ranked = found.flatMap((h) => (shaOf.has(h.eid) ? [{ sha256: shaOf.get(h.eid)!, score: h.score }] : []));
    return { hits: exclude(photosOfContents(store.db, ranked, filter, depth + 1)).slice(0, depth) };
  }

  // No model (or a photo not embedded yet): near copies by hash, and the response says so.
  // Read once: the photo's own hashes come from the same table the comparison walks.
  const stored = 'image' in like || !self?.sha256 ? null : allNearHashes(store.db);
  const near = 'image' in like ? like.image.near : self?.sha256 ? stored!.get(self.sha256) : undefined;
  const notice: UserMessage = { code: 'similar.needsModel' };
  if (!near) return { hits: [], notice };
  const turned = [0, 1, 2, 3].map((t) => (t ? rotateHash(near.full, t) : near.full));
  const ranked: { sha256: string; score: number; d: number }[] = [];
  for (const [sha, h] of stored ?? allNearHashes(store.db)) {
    const d = Math.min(...turned.map((q) => hammingDistance(q, h.full)));
    if (d <= NEAR_SIMILAR_MAX_DISTANCE) ranked.push({ sha256: sha, score: 1 - d / 64, d });
  }
  ranked.sort((a, b) => a.d - b.d || (a.sha256 < b.sha256 ? -1 : 1));
  return { hits: exclude(photosOfContents(store.db, ranked, filter, depth + 1)).slice(0, depth), notice };
}
