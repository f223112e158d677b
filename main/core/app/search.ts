// Search and listings as the API answers them, on the model in the search slot (held while a
// query runs, so a model switch cannot close it mid-query).
import type { PhotoSummary, SearchRequest, SearchResponse } from '../api.js';
import type { LoadedModel } from '../embed/loaded.js';
import { searchPhotos } from '../search/search.js';
import { toSummary, type Store } from '../store/index.js';
import type { Tags } from '../tags/index.js';
import type { ModelSlots } from './model-slots.js';

const NO_MODEL_MESSAGE =
  'No model is installed, so photos cannot be searched by meaning yet (they are still indexed: metadata and thumbnails). ' +
  'Download the default bilingual model with: npm run -s cli -- models download xlm-roberta-base-vit-b-32';

export class LibrarySearch {
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
    const model = this.slots.search;
    if (!model) return { results: [], tookMs: 0, message: NO_MODEL_MESSAGE };
    // Every filter, the tag too, is applied inside the views' SQL (search/filters.ts).
    return searchPhotos(this.store, model, req);
  }

  listPhotos(req: { folderId?: number; offset?: number; limit?: number; tag?: string }): { photos: PhotoSummary[]; total: number } {
    const limit = Math.min(req?.limit ?? 200, 1000);
    if (req?.tag !== undefined) {
      return this.tags().photosWithTag(req.tag, { folderId: req.folderId, offset: req.offset, limit });
    }
    const { rows, total } = this.store.photos.list({ folderId: req?.folderId, offset: req?.offset, limit });
    return { photos: rows.map(toSummary), total };
  }
}
