// Search and listings as the API answers them, on the model in the search slot (held while a
// query runs, so a model switch cannot close it mid-query).
import type { LibraryFacets, PhotoSummary, SearchRequest, SearchResponse, TimelineResponse } from '../api.js';
import type { ApiArg } from '../api-schemas.js';
import { libraryFacets } from '../library/facets.js';
import { listSorted, timeline } from '../library/timeline.js';
import type { LoadedModel } from '../embed/loaded.js';
import { QueryImages, type LikeSource } from '../search/by-image.js';
import { searchPhotos } from '../search/search.js';
import { toSummary, type Store } from '../store/index.js';
import type { Tags } from '../tags/index.js';
import type { ModelSlots } from './model-slots.js';

export class LibrarySearch {
  /** Dropped or pasted query images, in memory only. */
  readonly queryImages = new QueryImages();

  constructor(
    private store: Store,
    private slots: ModelSlots<LoadedModel>,
    private tags: () => Tags,
  ) {}

  search(req: SearchRequest): Promise<SearchResponse> {
    return this.slots.using(() => this.searchNow(req));
  }

  private async searchNow(req: SearchRequest): Promise<SearchResponse> {
    if (typeof req?.query !== 'string') throw new TypeError('search: query must be a string');
    // Without a model the text, name and filter views answer alone and the response says meaning
    // search needs one (search.needsModel). Every filter, the tag too, is applied inside the views' SQL.
    const like: LikeSource | null =
      req.similarTo != null ? { photoId: req.similarTo } : req.image != null ? { image: this.queryImages.get(req.image) } : null;
    return searchPhotos(this.store, this.slots.search, req, like);
  }

  /** Decodes and embeds a query image with the search model (held while it runs). */
  addQueryImage(bytes: Uint8Array) {
    return this.slots.using(() => this.queryImages.add(bytes, this.slots.search));
  }

  listPhotos(req: ApiArg<'listPhotos'>): { photos: PhotoSummary[]; total: number } {
    const limit = Math.min(req?.limit ?? 200, 1000);
    if (req?.sort !== undefined || req?.filters !== undefined) {
      // The timeline's pages: any sort, any filter (the tag one too, as a filter).
      const filters = req.tag !== undefined ? { ...req.filters, tag: req.tag } : req.filters;
      return listSorted(this.store.db, { filters, sort: req.sort, folderId: req.folderId, offset: req.offset, limit, tagModelId: this.tagModelId() });
    }
    if (req?.tag !== undefined) {
      return this.tags().photosWithTag(req.tag, { folderId: req.folderId, offset: req.offset, limit });
    }
    const { rows, total } = this.store.photos.list({ folderId: req?.folderId, offset: req?.offset, limit });
    return { photos: rows.map(toSummary), total };
  }

  timeline(req: ApiArg<'timeline'>): TimelineResponse {
    return timeline(this.store.db, { filters: req?.filters, by: req?.by, tagModelId: this.tagModelId() });
  }

  facets(req: ApiArg<'facets'>): LibraryFacets {
    return libraryFacets(this.store.db, { filters: req?.filters, tagModelId: this.tagModelId() });
  }

  /** Tags are per model: the tag filter reads the search model's (as search does). */
  private tagModelId(): number | null {
    return this.slots.search?.modelId ?? null;
  }
}
