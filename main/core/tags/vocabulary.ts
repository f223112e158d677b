// Tag vocabularies: the built-in one shipped as data (vocabulary.json), files a user loads for a
// CLI run (--vocabulary), and the user's own words. Each tag becomes a few text prompts per
// language; their embeddings, averaged, are what photos are scored against.
import { readFile } from 'node:fs/promises';
import builtinData from './vocabulary.json' with { type: 'json' };

export type TagLanguage = 'en' | 'zh';
export const TAG_LANGUAGES: readonly TagLanguage[] = ['en', 'zh'];

export type PromptSet = Partial<Record<TagLanguage, string[]>>;

export interface VocabularyTag {
  /** Stable id within its vocabulary: letters, digits, dashes. */
  id: string;
  en: string;
  zh: string;
  category?: string;
  /** The English noun phrase the templates wrap ("a dog"); default `en`. */
  phrase?: string;
  /** Whole prompts replacing the templates (a screenshot is not "a photo of a screenshot"). */
  prompts?: PromptSet;
}

export interface Vocabulary {
  templates: Record<TagLanguage, string[]>;
  /**
   * Prompts for "a photo of nothing in particular": an extra class in the softmax, so a photo
   * that matches no tag well gives its probability mass to this instead of to the nearest tag.
   */
  background: PromptSet;
  tags: VocabularyTag[];
}

export class VocabularyError extends Error {}

const DEFAULT_TEMPLATES: Record<TagLanguage, string[]> = {
  en: ['a photo of {}.', 'a picture of {}.'],
  zh: ['一张{}的照片。', '照片里有{}。'],
};

let builtin: Vocabulary | null = null;

export function builtinVocabulary(): Vocabulary {
  builtin ??= parseVocabulary(builtinData, 'built-in vocabulary');
  return builtin;
}

export async function loadVocabularyFile(file: string): Promise<Vocabulary> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    throw new VocabularyError(`Cannot read vocabulary ${file}: ${(e as Error).message}`);
  }
  return parseVocabulary(raw, file);
}

/** Checks a vocabulary's shape and fills in defaults; throws VocabularyError naming the problem. */
export function parseVocabulary(raw: unknown, source: string): Vocabulary {
  const fail = (msg: string): never => {
    throw new VocabularyError(`${source}: ${msg}`);
  };
  if (!isObject(raw)) fail('must be a JSON object with a "tags" array');
  const o = raw as Record<string, unknown>;
  if (!Array.isArray(o.tags) || o.tags.length === 0) fail('"tags" must be a non-empty array');
  const templates = { ...DEFAULT_TEMPLATES };
  if (o.templates !== undefined) {
    if (!isObject(o.templates)) fail('"templates" must be an object {"en": [...], "zh": [...]}');
    for (const lang of TAG_LANGUAGES) {
      const list = (o.templates as Record<string, unknown>)[lang];
      if (list === undefined) continue;
      if (!isStringList(list) || (list as string[]).some((t) => !t.includes('{}'))) fail(`"templates.${lang}" must be strings containing {}`);
      templates[lang] = list as string[];
    }
  }
  const background = o.background === undefined ? {} : promptSet(o.background, '"background"', fail);
  const ids = new Set<string>();
  const tags = (o.tags as unknown[]).map((t, i): VocabularyTag => {
    const where = `tags[${i}]`;
    if (!isObject(t)) fail(`${where} must be an object`);
    const x = t as Record<string, unknown>;
    if (typeof x.id !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/.test(x.id)) fail(`${where}.id must be letters, digits, "-" or "_"`);
    const id = x.id as string;
    if (ids.has(id)) fail(`${where}.id "${id}" appears twice`);
    ids.add(id);
    const en = typeof x.en === 'string' ? x.en.trim() : '';
    const zh = typeof x.zh === 'string' ? x.zh.trim() : '';
    if (!en && !zh) fail(`${where} ("${id}") needs an "en" or a "zh" name`);
    const tag: VocabularyTag = { id, en, zh };
    if (typeof x.category === 'string') tag.category = x.category;
    if (typeof x.phrase === 'string' && x.phrase.trim()) tag.phrase = x.phrase.trim();
    if (x.prompts !== undefined) tag.prompts = promptSet(x.prompts, `${where}.prompts`, fail);
    return tag;
  });
  return { templates, background, tags };
}

/**
 * The prompts embedded for a tag, per language the model reads. A language whose name is
 * missing is skipped (a custom tag given only in Chinese is prompted only in Chinese).
 */
export function tagPrompts(tag: Omit<VocabularyTag, 'id'>, templates: Record<TagLanguage, string[]>, languages: readonly TagLanguage[]): string[] {
  const out: string[] = [];
  for (const lang of languages) {
    const own = tag.prompts?.[lang];
    if (own?.length) {
      out.push(...own);
      continue;
    }
    const word = lang === 'en' ? (tag.phrase ?? tag.en) : tag.zh;
    if (!word) continue;
    for (const t of templates[lang]) out.push(t.replace('{}', word));
  }
  return out;
}

/** Languages of ours the model reads well (manifest `languages`); all of them when it names none. */
export function modelLanguages(manifestLanguages: readonly string[]): TagLanguage[] {
  const known = TAG_LANGUAGES.filter((l) => manifestLanguages.some((m) => m.toLowerCase().split('-')[0] === l));
  return known.length ? known : [...TAG_LANGUAGES];
}

function promptSet(v: unknown, where: string, fail: (m: string) => never): PromptSet {
  if (!isObject(v)) fail(`${where} must be an object {"en": [...], "zh": [...]}`);
  const out: PromptSet = {};
  for (const lang of TAG_LANGUAGES) {
    const list = (v as Record<string, unknown>)[lang];
    if (list === undefined) continue;
    if (!isStringList(list)) fail(`${where}.${lang} must be a list of strings`);
    out[lang] = list as string[];
  }
  return out;
}

function isObject(v: unknown): boolean {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function isStringList(v: unknown): boolean {
  return Array.isArray(v) && v.length > 0 && v.every((s) => typeof s === 'string' && s.trim().length > 0);
}
