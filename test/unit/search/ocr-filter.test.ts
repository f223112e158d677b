// The text-in-photos view under a filter: answered from the filter bitmap in memory (knn/)
// when the search model's index is loaded, from SQL otherwise — the same hits either way, for
// contents with several photos, without a vector, and text read after the bitmap was made.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SearchFilters } from '../../../main/core/api.js';
import { libraryIndexes } from '../../../main/core/knn/registry.js';
import { OcrRepo } from '../../../main/core/ocr/repo.js';
import { filterSql } from '../../../main/core/search/filters.js';
import { queryTerms } from '../../../main/core/search/text.js';
import { OcrView } from '../../../main/core/search/views/ocr.js';
import { Store } from '../../../main/core/store/index.js';
import { embeddingWorld } from '../../bench/scale/vectors.js';

const N = 3000;
let store: Store;
let modelId: number;
const WORDS = ['发票', 'receipt', '合计', 'total', '出口', 'exit'];

function photo(i: number, folder: number, sha: string, year: number, format: string) {
  store.photos.upsert({
    folder_id: folder, path: `/lib/${folder === 1 ? 'a' : 'b'}/${year}/IMG_${i}.${format === 'png' ? 'png' : 'jpg'}`, size: 1, mtime_ms: Date.UTC(year, 3, 1),
    sha256: sha, width: 10, height: 10, format, taken_at: i % 3 ? `${year}-05-0${1 + (i % 9)}T10:00:00` : null, camera_make: (i >> 1) % 2 ? 'Apple' : 'Canon',
    camera_model: (i >> 1) % 2 ? 'iPhone 13' : 'EOS', lat: null, lon: null, orientation: 1, phash: null, has_thumb: 0, status: 'indexed', error: null, indexed_at: 0, lens: null,
  });
}

beforeAll(() => {
  store = Store.open(':memory:');
  const world = embeddingWorld(3);
  const folders = ['/lib/a', '/lib/b'].map((p) => store.folders.add(p).id);
  modelId = store.vectors.ensureModel('test-512', 512);
  const ocr = new OcrRepo(store.db);
  store.tx(() => {
    for (let i = 0; i < N; i++) {
      const sha = `sha-${i}`;
      photo(i, folders[(i >> 1) % 2], sha, 2000 + (i % 20), i % 5 ? 'jpeg' : 'png');
      if (i % 7 === 0) photo(N + i, folders[(i + 1) % 2], sha, 2015, 'png'); // a copy elsewhere
      if (i % 11 !== 0) store.vectors.put(modelId, sha, world.nextImage()); // some contents have no vector
      if (i % 2 === 0) ocr.put(sha, [{ text: `${WORDS[(i >> 1) % WORDS.length]} ${WORDS[(i >> 3) % WORDS.length]} ${i}`, score: 0.9 }]);
    }
  });
});
afterAll(() => store.close());

const cases: SearchFilters[] = [{ from: '2005', to: '2008' }, { folder: '/lib/a' }, { types: ['png' as 'png'] }, { camera: 'iphone', from: '2012' }, { folder: '/lib/b', to: '2003' }];

async function hits(view: OcrView, text: string, f: SearchFilters) {
  const got = await view.search({ text, terms: queryTerms(text), filter: filterSql(f), depth: 60, embedding: async () => null });
  return got.map((h) => [h.photoId, h.score]);
}

describe('text in photos under a filter', () => {
  for (const f of cases) {
    it(`the bitmap and SQL give the same hits: ${JSON.stringify(f)}`, async () => {
      const indexes = libraryIndexes(store.db);
      indexes.vectorIndex(modelId, 512); // loaded, as the image view leaves it
      for (const text of ['发票', 'receipt total', '出口 合计']) {
        const bySql = await hits(new OcrView(store), text, f);
        const byBitmap = await hits(new OcrView(store, modelId), text, f);
        expect(bySql.length).toBeGreaterThan(0);
        expect(byBitmap).toEqual(bySql);
      }
    });
  }

  it('text read after the map was made is found under the filter too', async () => {
    const sha = 'sha-late';
    store.tx(() => {
      photo(9_999_001, store.folders.all()[0].id, sha, 2006, 'jpeg');
      store.vectors.put(modelId, sha, embeddingWorld(9).nextImage());
      new OcrRepo(store.db).put(sha, [{ text: '独一无二 unique', score: 0.9 }]);
    });
    const f = { from: '2005', to: '2008' };
    const byBitmap = await hits(new OcrView(store, modelId), '独一无二', f);
    expect(byBitmap).toEqual(await hits(new OcrView(store), '独一无二', f));
    expect(byBitmap).toHaveLength(1);
  });
});
