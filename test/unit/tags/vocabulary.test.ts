import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  builtinVocabulary,
  loadVocabularyFile,
  modelLanguages,
  parseVocabulary,
  tagPrompts,
  VocabularyError,
} from '../../../main/core/tags/vocabulary.js';
import { REPO_ROOT } from '../../helpers/cli.js';

describe('built-in vocabulary', () => {
  const v = builtinVocabulary();

  it('holds at least 300 everyday concepts with unique ids and names in both languages', () => {
    expect(v.tags.length).toBeGreaterThanOrEqual(300);
    expect(new Set(v.tags.map((t) => t.id)).size).toBe(v.tags.length);
    expect(new Set(v.tags.map((t) => t.en.toLowerCase())).size).toBe(v.tags.length);
    expect(new Set(v.tags.map((t) => t.zh)).size).toBe(v.tags.length);
    for (const t of v.tags) {
      // Chinese names are Chinese (no Latin letters, no placeholders), English names are English.
      expect(t.zh, t.id).toMatch(/^[\u4e00-\u9fff]+$/);
      expect(t.en, t.id).toMatch(/^[A-Za-z][A-Za-z' -]*$/);
    }
  });

  it('covers scenes, objects, animals, food, people and events, documents and screenshots', () => {
    const cats = new Set(v.tags.map((t) => t.category));
    for (const c of ['scene', 'object', 'animal', 'food', 'people', 'event', 'document', 'screenshot']) expect(cats).toContain(c);
    const zh = new Set(v.tags.map((t) => t.zh));
    for (const w of ['海滩', '日落', '猫', '狗', '火锅', '婚礼', '发票', '截图', '二维码', '合影']) expect(zh).toContain(w);
  });

  it('builds prompts per language from templates, or the tag’s own prompts', () => {
    const beach = v.tags.find((t) => t.id === 'beach')!;
    expect(tagPrompts(beach, v.templates, ['en', 'zh'])).toEqual(['a photo of a beach.', 'a picture of a beach.', '一张海滩的照片。', '照片里有海滩。']);
    expect(tagPrompts(beach, v.templates, ['zh'])).toEqual(['一张海滩的照片。', '照片里有海滩。']);
    const shot = v.tags.find((t) => t.id === 'chat-screenshot')!;
    expect(tagPrompts(shot, v.templates, ['en']).join(' ')).toMatch(/screenshot of a chat/);
    // A custom tag given only in Chinese is prompted only in Chinese.
    expect(tagPrompts({ en: '', zh: '外婆家' }, v.templates, ['en', 'zh'])).toEqual(['一张外婆家的照片。', '照片里有外婆家。']);
  });

  it('reads the model’s languages', () => {
    expect(modelLanguages(['zh', 'en'])).toEqual(['en', 'zh']);
    expect(modelLanguages(['zh-CN'])).toEqual(['zh']);
    expect(modelLanguages(['fr'])).toEqual(['en', 'zh']);
  });
});

describe('vocabulary files', () => {
  it('loads the colour fixture', async () => {
    const v = await loadVocabularyFile(path.join(REPO_ROOT, 'test/fixtures/vocabularies/colors.json'));
    expect(v.tags.map((t) => t.zh)).toEqual(['红色', '绿色', '蓝色', '黄色', '白色', '黑色']);
    expect(v.background).toEqual({});
  });

  it('says what is wrong with a bad file', async () => {
    expect(() => parseVocabulary({ tags: [] }, 'x.json')).toThrow(/x.json: "tags" must be a non-empty array/);
    expect(() => parseVocabulary({ tags: [{ id: 'a', en: 'a' }, { id: 'a', zh: '甲' }] }, 'x')).toThrow(/appears twice/);
    expect(() => parseVocabulary({ tags: [{ id: 'a' }] }, 'x')).toThrow(/needs an "en" or a "zh"/);
    expect(() => parseVocabulary({ templates: { en: ['no placeholder'] }, tags: [{ id: 'a', en: 'a' }] }, 'x')).toThrow(/containing \{\}/);
    await expect(loadVocabularyFile('/no/such/file.json')).rejects.toBeInstanceOf(VocabularyError);
  });
});
