import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Store } from '../../../main/core/store/index.js';
import { builtinVocabulary, Tags, type Vocabulary } from '../../../main/core/tags/index.js';

let store: Store;
const changes = () => (store.db.prepare('SELECT total_changes() AS n').get() as { n: number }).n;
const count = (source: string) => (store.db.prepare('SELECT COUNT(*) AS n FROM tags WHERE source = ?').get(source) as { n: number }).n;

beforeEach(() => {
  store = Store.open(':memory:');
});
afterEach(() => store.close());

describe('the vocabulary is written only when it changed', () => {
  it('the built-in vocabulary: written at the first open, not at the next ones', () => {
    new Tags(store, () => null);
    const n = builtinVocabulary().tags.length;
    expect(n).toBeGreaterThan(400);
    expect(count('builtin')).toBe(n);
    const before = changes();
    new Tags(store, () => null);
    new Tags(store, () => null);
    expect(changes()).toBe(before);
  });

  it('a changed vocabulary is written again (a renamed tag, a dropped one)', () => {
    const vocab: Vocabulary = {
      ...builtinVocabulary(),
      tags: [
        { id: 'red', en: 'red', zh: '红色' },
        { id: 'blue', en: 'blue', zh: '蓝色' },
      ],
    };
    new Tags(store, () => null, { vocabulary: vocab });
    expect(count('file')).toBe(2);
    const before = changes();
    new Tags(store, () => null, { vocabulary: vocab });
    expect(changes()).toBe(before);
    new Tags(store, () => null, { vocabulary: { ...vocab, tags: [{ id: 'red', en: 'crimson', zh: '红色' }, vocab.tags[1]] } });
    expect(changes()).toBeGreaterThan(before);
    expect(store.db.prepare("SELECT en FROM tags WHERE key = 'file:red'").get()).toEqual({ en: 'crimson' });
  });
});
