// The current UI language: chosen from navigator.languages, switchable, remembered.
import { LOCALES, TABLES, type Locale, type MessageKey } from './messages.ts';

const STORAGE_KEY = 'kanjian.locale';

export function detectLocale(languages: readonly string[] = navigator.languages ?? [navigator.language]): Locale {
  for (const lang of languages) {
    const l = lang.toLowerCase();
    if (l.startsWith('zh')) return 'zh-CN';
    if (l.startsWith('en')) return 'en';
  }
  return 'en';
}

function stored(): Locale | null {
  try {
    const v = localStorage.getItem(STORAGE_KEY);
    return v && (LOCALES as readonly string[]).includes(v) ? (v as Locale) : null;
  } catch {
    return null;
  }
}

export class I18n {
  locale = $state<Locale>('en');

  constructor(initial?: Locale) {
    this.locale = initial ?? stored() ?? detectLocale();
    this.#apply();
  }

  set(locale: Locale) {
    this.locale = locale;
    try {
      localStorage.setItem(STORAGE_KEY, locale);
    } catch {
      /* not remembered, still switched */
    }
    this.#apply();
  }

  // <html lang> picks CJK glyph variants and hyphenation; keep it in step with the UI.
  #apply() {
    if (typeof document !== 'undefined') document.documentElement.lang = this.locale;
  }

  t = (key: MessageKey, params: Record<string, string | number> = {}): string => {
    const m = TABLES[this.locale][key];
    return typeof m === 'function' ? m(params) : m;
  };

  /** Locale-aware number, e.g. 12,345. */
  n = (value: number, maxFractionDigits = 0): string =>
    new Intl.NumberFormat(this.locale, { maximumFractionDigits: maxFractionDigits }).format(value);

  duration = (seconds: number): string => {
    const s = Math.max(0, Math.round(seconds));
    if (s < 60) return s < 1 ? this.t('duration.lessThanMinute') : this.t('duration.seconds', { n: s });
    if (s < 3600) return this.t('duration.minutes', { n: Math.round(s / 60) });
    const h = Math.floor(s / 3600);
    return this.t('duration.hours', { h, m: Math.floor((s % 3600) / 60) });
  };

  bytes = (size: number): string => {
    const units = ['B', 'KB', 'MB', 'GB', 'TB'];
    let v = size;
    let i = 0;
    while (v >= 1024 && i < units.length - 1) {
      v /= 1024;
      i++;
    }
    return `${this.n(v, i === 0 ? 0 : 1)} ${units[i]}`;
  };
}
