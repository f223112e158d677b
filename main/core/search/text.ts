// Words for the lexical views (text in photos, file and folder names): how a text is cut into
// FTS5 tokens when it is stored, and how a query is cut the same way and compiled to a MATCH.
//
// Two columns per indexed text, because one tokenisation cannot serve both scripts:
//  - `words`: word-like segments from Intl.Segmenter (ICU's word break rules) for scripts that
//    separate words, lower-cased; FTS5's unicode61 tokenizer folds case and diacritics again.
//  - `chars`: every Han / kana character as its own token, in order. A Chinese query word is
//    matched as a phrase of its characters, i.e. as a substring. ICU's dictionary segmenter
//    would cut the stored text and the query differently whenever the context differs
//    ("增值税发票" vs "发票", or unknown words like 日落 that it splits into 日|落), and FTS5's
//    trigram tokenizer needs three characters while many Chinese words (发票) have two; the
//    character phrase finds 2-character words and never depends on the segmenter agreeing.
//    Runs of CJK text are separated by a filler token so a phrase never spans two lines.

const CJK_CHAR = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;
const CJK_RUN = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]+/gu;
/** A token no query can produce in the chars column (queries put only CJK characters there). */
const RUN_BREAK = 'x';

const segmenter = new Intl.Segmenter('zh', { granularity: 'word' });

export interface IndexedText {
  words: string;
  chars: string;
}

/** FTS5 column values for a stored text (OCR lines, a file name). */
export function indexText(text: string): IndexedText {
  const normal = normalise(text);
  const words: string[] = [];
  for (const s of segmenter.segment(splitJoiners(normal))) {
    if (s.isWordLike && !CJK_CHAR.test(s.segment)) words.push(s.segment);
  }
  const runs = normal.match(CJK_RUN) ?? [];
  return { words: words.join(' '), chars: runs.map((r) => [...r].join(' ')).join(` ${RUN_BREAK} `) };
}

export interface QueryTerm {
  /** As the user typed it (normalised), for "matched words" shown with results. */
  text: string;
  kind: 'cjk' | 'word';
}

// Words that carry no meaning on their own: as lexical terms they would match the text of half
// the library ("the", 的). Also the generic nouns people put in a photo search ("a red photo"):
// the image view understands them, but a file called photo.jpg is no evidence of redness.
const STOP_WORDS = new Set([
  'a', 'an', 'the', 'of', 'at', 'in', 'on', 'and', 'or', 'to', 'for', 'with', 'by', 'from', 'is', 'are',
  'was', 'be', 'it', 'its', 'this', 'that', 'my', 'me', 'i', 'some', 'any',
  'photo', 'photos', 'picture', 'pictures', 'pic', 'pics', 'image', 'images',
  '的', '了', '和', '与', '在', '是', '有', '个', '张', '这', '那', '一', '些', '着', '及',
  '照片', '图片', '相片', '图像',
]);

/**
 * The content words of a query, in order, without duplicates. Latin words are ICU word
 * segments; Chinese is cut by ICU too, and consecutive single characters are joined again
 * because ICU falls back to single characters for words its dictionary lacks (日落 → 日|落).
 */
export function queryTerms(query: string): QueryTerm[] {
  const out: QueryTerm[] = [];
  let singles = '';
  const flush = () => {
    if (singles) out.push({ text: singles, kind: 'cjk' });
    singles = '';
  };
  for (const s of segmenter.segment(splitJoiners(normalise(query)))) {
    if (!s.isWordLike) {
      flush();
      continue;
    }
    const seg = s.segment;
    if (STOP_WORDS.has(seg)) {
      flush();
      continue;
    }
    if (CJK_CHAR.test(seg)) {
      // Mixed segments are rare (ICU splits scripts), but keep only the CJK runs to be safe.
      const runs = seg.match(CJK_RUN) ?? [];
      if (runs.length === 1 && [...runs[0]].length === 1) {
        singles += runs[0];
        continue;
      }
      flush();
      for (const r of runs) out.push({ text: r, kind: 'cjk' });
    } else {
      flush();
      out.push({ text: seg, kind: 'word' });
    }
  }
  flush();
  const seen = new Set<string>();
  return out.filter((t) => (seen.has(t.text) ? false : (seen.add(t.text), true)));
}

/**
 * An FTS5 MATCH expression finding texts that contain any of the terms. Latin words of four
 * or more letters also match as prefixes (receipt → receipts); shorter ones must match whole,
 * or "cat" would find "catalogue".
 */
export function matchExpression(terms: QueryTerm[]): string | null {
  if (!terms.length) return null;
  return terms.map((t) => termExpression(t)).join(' OR ');
}

function termExpression(t: QueryTerm): string {
  if (t.kind === 'cjk') return `chars : ${quote([...t.text].join(' '))}`;
  return `words : ${quote(t.text)}${[...t.text].length >= 4 ? ' *' : ''}`;
}

/** FTS5 string literal: double quotes, inner quotes doubled; nothing inside is syntax. */
function quote(s: string): string {
  return `"${s.replace(/"/g, '""')}"`;
}

/**
 * Which terms a stored text contains, by the same rules as the MATCH expression. FTS5 tells
 * us a row matched, not which alternatives did; this says it for "why it matched".
 */
export function matchedTerms(text: string, terms: QueryTerm[]): string[] {
  const idx = indexText(text);
  const words = idx.words ? idx.words.toLowerCase().split(' ') : [];
  const chars = idx.chars.replace(/ /g, '');
  return terms
    .filter((t) => {
      if (t.kind === 'cjk') return chars.includes(t.text);
      const w = t.text.toLowerCase();
      return [...w].length >= 4 ? words.some((x) => x.startsWith(w)) : words.includes(w);
    })
    .map((t) => t.text);
}

function normalise(s: string): string {
  // NFKC folds full-width Latin and digits (ＲＥＣＥＩＰＴ, ２０２４) common in Chinese text;
  // Latin accents go (café = cafe), as FTS5's remove_diacritics does, so matchedTerms agrees.
  return s.normalize('NFKC').normalize('NFKD').replace(/[\u0300-\u036f]/g, '').normalize('NFC').toLowerCase();
}

/** File names join words with _ - . (IMG_2024-beach.jpg); ICU keeps "IMG_2024" as one word. */
function splitJoiners(s: string): string {
  return s.replace(/[_]+/g, ' ');
}
