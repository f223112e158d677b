// The catalogues: both languages hold every key, every code the core can send has its entry,
// and the Chinese table holds no English sentence (the reason "one language on screen" fails).
import { describe, expect, it } from 'vitest';
import { MESSAGE_CODES } from '../src/api/types.ts';
import { TABLES, type Message } from '../src/i18n/messages.ts';
import { I18n } from '../src/i18n/i18n.svelte.ts';

/** Names that stay Latin in a Chinese sentence. Keep it short: products, units, acronyms. */
const LATIN_NAMES = ['Kanjian', 'Hugging Face', 'ModelScope', 'CUDA', 'CPU', 'GPU', 'DirectML', 'CoreML', 'EXIF', 'GPS', 'JPEG', 'HEIC', 'TIFF', 'ZIP', 'zip', 'Esc', 'Delete', 'N', 'MB', 'GB'];

/** Any parameter a message asks for: a number, so the rendered text adds no words of its own. */
const ANY_PARAMS = new Proxy({}, { get: () => 2, has: () => true }) as Record<string, number>;

function render(m: Message): string {
  return typeof m === 'function' ? m(ANY_PARAMS) : m;
}

function withoutNames(text: string): string {
  let t = text;
  for (const name of LATIN_NAMES) t = t.split(name).join(' ');
  return t;
}

/** Keys of `zh` whose text is English: equal to the English entry, or ≥ 3 Latin words in a row. */
export function untranslated(zh: Record<string, Message>, en: Record<string, Message>): string[] {
  const bad: string[] = [];
  for (const [key, value] of Object.entries(zh)) {
    const text = render(value);
    const rest = withoutNames(text);
    const sameAsEnglish = key in en && render(en[key]) === text && /[A-Za-z]{2,}/.test(rest);
    const englishRun = /[A-Za-z][A-Za-z'’]*(?:[\s,;:.\-–—]+[A-Za-z][A-Za-z'’]*){2,}/.test(rest);
    if (sameAsEnglish || englishRun) bad.push(key);
  }
  return bad;
}

describe('message catalogues', () => {
  const en = TABLES.en as Record<string, Message>;
  const zh = TABLES['zh-CN'] as Record<string, Message>;

  it('have the same keys in English and Chinese, none empty', () => {
    expect(Object.keys(zh).sort()).toEqual(Object.keys(en).sort());
    for (const [key, value] of [...Object.entries(en), ...Object.entries(zh)]) expect(render(value).trim().length, key).toBeGreaterThan(0);
  });

  it('have an entry for every code the core can send (MESSAGE_CODES)', () => {
    expect(MESSAGE_CODES.length).toBeGreaterThan(0);
    const missing = MESSAGE_CODES.flatMap((code) => [`msg.${code}`].filter((k) => !(k in en) || !(k in zh)));
    expect(missing).toEqual([]);
  });

  it('hold no English sentence in the Chinese table', () => {
    expect(untranslated(zh, en)).toEqual([]);
  });

  it('the check catches English left in the Chinese table, and lets names through', () => {
    const fakeEn = { a: 'Could not add the folder', b: 'Kanjian', c: (p: Record<string, unknown>) => `Runs on ${p.n}` };
    const fakeZh = {
      a: 'Could not add the folder', // copied, not translated
      b: 'Kanjian', // a name: fine
      c: '运行于 CUDA', // a name inside Chinese: fine
      d: '下载失败：fetch failed for model', // English tail
      e: (p: Record<string, unknown>) => `正在下载 ${p.n}，please wait here`,
    };
    expect(untranslated(fakeZh, fakeEn).sort()).toEqual(['a', 'd', 'e']);
  });

  it('counts through Intl.PluralRules: 1 result, 2 results, grouped digits', () => {
    const i18n = new I18n('en');
    expect(i18n.t('search.results', { n: 1 })).toBe('1 result');
    expect(i18n.t('search.results', { n: 2 })).toBe('2 results');
    expect(i18n.t('search.results', { n: 0 })).toBe('0 results');
    expect(i18n.t('browse.count', { n: 1 })).toBe('1 photo');
    expect(i18n.t('browse.count', { n: 12345 })).toBe('12,345 photos');
    expect(i18n.t('search.missingVectors', { n: 1 })).toBe('1 photo not yet searchable by meaning');
    const zh = new I18n('zh-CN');
    expect(zh.t('search.results', { n: 1 })).toBe('1 个结果');
    expect(zh.t('browse.count', { n: 12345 })).toBe('12,345 张照片');
  });

  it('renders coded errors in the UI language and a failed fetch as a connection message', () => {
    const en = new I18n('en');
    const zh = new I18n('zh-CN');
    const apiError = Object.assign(new Error('addFolder: path must be an absolute folder path'), { code: 'validation' });
    expect(en.error(apiError)).toBe('Kanjian did not understand this request.');
    expect(zh.error(apiError)).toBe('看见无法理解这个请求。');
    expect(zh.error(new TypeError('Failed to fetch'))).toBe('连接不上看见，请确认它仍在运行。');
    expect(zh.error(new Error('ENOENT: something English'))).toBe('看见内部出错了，详细信息见它的日志。');
    // A code this build does not know yet: a true, translated sentence instead of English.
    expect(zh.message({ code: 'some.future.code' })).toBe('看见内部出错了，详细信息见它的日志。');
  });

  it('formats sizes in one decimal unit, per locale', () => {
    expect(new I18n('en').bytes(1_600_000_000)).toBe('1.6 GB');
    expect(new I18n('en').bytes(725_000_000)).toBe('725 MB');
    expect(new I18n('en').bytes(512)).toBe('512 B');
  });
});
