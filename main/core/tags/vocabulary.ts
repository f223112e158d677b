// Tag vocabularies: the built-in one shipped as data (vocabulary.json), files a user loads for a
// CLI run (--vocabulary), and the user's own words. Each tag becomes a few text prompts per
// language; their embeddings, averaged, are what photos are scored against.
import { readFile } from 'node:fs/promises';
import * as v from 'valibot';
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

const nonBlank = v.pipe(v.string(), v.check((t) => t.trim().length > 0));
const promptList = (what: string) => v.pipe(v.array(nonBlank, `${what} must be a list of strings`), v.nonEmpty(`${what} must be a list of strings`));
const promptSetSchema = (where: string) =>
  v.object(
    { en: v.optional(promptList(`${where}.en`)), zh: v.optional(promptList(`${where}.zh`)) },
    `${where} must be an object {"en": [...], "zh": [...]}`,
  );
const templateList = (lang: TagLanguage) =>
  v.pipe(
    promptList(`"templates.${lang}"`),
    v.check((list) => list.every((t) => t.includes('{}')), `"templates.${lang}" must be strings containing {}`),
  );
const optionalName = v.pipe(
  v.optional(v.unknown()),
  v.transform((x) => (typeof x === 'string' ? x.trim() : '')),
);

const TagSchema = v.pipe(
  v.object(
    {
      /** Stable id within its vocabulary: letters, digits, dashes. */
      id: v.pipe(v.string('.id must be letters, digits, "-" or "_"'), v.regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, '.id must be letters, digits, "-" or "_"')),
      en: optionalName,
      zh: optionalName,
      category: v.pipe(v.optional(v.unknown()), v.transform((x) => (typeof x === 'string' ? x : undefined))),
      /** The English noun phrase the templates wrap ("a dog"); default `en`. */
      phrase: v.pipe(v.optional(v.unknown()), v.transform((x) => (typeof x === 'string' && x.trim() ? x.trim() : undefined))),
      /** Whole prompts replacing the templates (a screenshot is not "a photo of a screenshot"). */
      prompts: v.optional(promptSetSchema('.prompts')),
    },
    ' must be an object',
  ),
  v.check((t) => !!(t.en || t.zh), (issue) => ` ("${(issue.input as { id: string }).id}") needs an "en" or a "zh" name`),
  v.transform(dropUndefined),
);

/** The vocabulary file format (built-in vocabulary.json and --vocabulary files). */
export const VocabularySchema = v.pipe(
  v.object(
    {
      templates: v.optional(
        v.object({ en: v.optional(templateList('en')), zh: v.optional(templateList('zh')) }, '"templates" must be an object {"en": [...], "zh": [...]}'),
      ),
      /**
       * Prompts for "a photo of nothing in particular": an extra class in the softmax, so a photo
       * that matches no tag well gives its probability mass to this instead of to the nearest tag.
       */
      background: v.optional(promptSetSchema('"background"')),
      tags: v.pipe(v.array(v.unknown(), '"tags" must be a non-empty array'), v.nonEmpty('"tags" must be a non-empty array')),
    },
    'must be a JSON object with a "tags" array',
  ),
);

function dropUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, x]) => x !== undefined)) as T;
}

/** Checks a vocabulary's shape and fills in defaults; throws VocabularyError naming the problem. */
export function parseVocabulary(raw: unknown, source: string): Vocabulary {
  const fail = (msg: string): never => {
    throw new VocabularyError(`${source}: ${msg}`);
  };
  const top = v.safeParse(VocabularySchema, raw, { abortEarly: true });
  if (!top.success) return fail(top.issues[0].message);
  const { templates, background, tags: rawTags } = top.output;
  const ids = new Set<string>();
  const tags = rawTags.map((t, i): VocabularyTag => {
    const r = v.safeParse(TagSchema, t, { abortEarly: true });
    if (!r.success) return fail(`tags[${i}]${r.issues[0].message}`);
    if (ids.has(r.output.id)) fail(`tags[${i}].id "${r.output.id}" appears twice`);
    ids.add(r.output.id);
    return r.output as VocabularyTag;
  });
  return {
    templates: { ...DEFAULT_TEMPLATES, ...dropUndefined(templates ?? {}) },
    background: dropUndefined(background ?? {}),
    tags,
  };
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
