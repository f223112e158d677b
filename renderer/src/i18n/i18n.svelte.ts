// The current UI language: the app settings' choice (AppSettings.language, kept by the core so it
// survives restarts and port changes), else navigator.languages; switchable.
import type { UserMessage } from '../api/types.ts';
import { TABLES, type Locale, type MessageKey } from './messages.ts';

export function detectLocale(languages: readonly string[] = navigator.languages ?? [navigator.language]): Locale {
  for (const lang of languages) {
    const l = lang.toLowerCase();
    if (l.startsWith('zh')) return 'zh-CN';
    if (l.startsWith('en')) return 'en';
  }
  return 'en';
}

/** The settings' language ('zh' | 'en' | null) as a UI locale; null follows the system. */
export function localeOf(language: 'zh' | 'en' | null): Locale | null {
  return language === 'zh' ? 'zh-CN' : language === 'en' ? 'en' : null;
}

export class I18n {
  locale = $state<Locale>('en');

  /** Called when the user picks a language (the app saves it in the settings). */
  onChoose: ((locale: Locale) => void) | null = null;

  constructor(initial?: Locale) {
    this.locale = initial ?? detectLocale();
    this.#apply();
  }

  /** The user's choice: shown at once, then saved through `onChoose`. */
  set(locale: Locale) {
    this.show(locale);
    this.onChoose?.(locale);
  }

  /** Shows a language without saving it (e.g. the one read from the settings). */
  show(locale: Locale) {
    this.locale = locale;
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

  /** A message the core sent as a code (UserMessage, ApiErrorBody, FailedFile…), in the UI language. */
  message = (m: UserMessage | { code: string; params?: Record<string, string | number> }): string => {
    const key = `msg.${m.code}`;
    const table = TABLES[this.locale] as Record<string, (typeof TABLES)[Locale][MessageKey]>;
    // A code newer than this build's catalogue: say something true rather than show English.
    if (!(key in table)) return this.t('msg.internal');
    return this.t(key as MessageKey, m.params ?? {});
  };

  /**
   * Any failure as words in the UI language: a coded API error from its catalogue entry, a
   * network failure ("Failed to fetch") as a connection message, anything else as a generic
   * internal error (its English text goes to the console, not the screen).
   */
  error = (err: unknown): string => {
    if (err && typeof err === 'object') {
      const e = err as { code?: unknown; params?: Record<string, string | number>; name?: unknown };
      if (e.name === 'ConnectionError') return this.t('error.connection');
      if (typeof e.code === 'string' && e.code) return this.message({ code: e.code, params: e.params });
    }
    if (err instanceof TypeError && /fetch|network/i.test(err.message)) return this.t('error.connection');
    if (typeof console !== 'undefined') console.warn('[kanjian]', err);
    return this.t('msg.internal');
  };

  /** Locale-aware date (and time when given) of an ISO string without a zone. */
  date = (iso: string, withTime = false): string => {
    const d = new Date(iso);
    if (Number.isNaN(d.getTime())) return iso;
    return new Intl.DateTimeFormat(this.locale, withTime ? { dateStyle: 'medium', timeStyle: 'short' } : { dateStyle: 'medium' }).format(d);
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

  /** Decimal units (1 MB = 1000 kB), like the CLI (main/shell-common/format.ts) and OS file managers. */
  bytes = (size: number): string => {
    if (size < 1000) return `${this.n(size)} B`;
    const units = ['kilobyte', 'megabyte', 'gigabyte', 'terabyte'] as const;
    let v = size / 1000;
    let i = 0;
    while (v >= 1000 && i < units.length - 1) {
      v /= 1000;
      i++;
    }
    return new Intl.NumberFormat(this.locale, { style: 'unit', unit: units[i], unitDisplay: 'short', maximumFractionDigits: v >= 100 ? 0 : 1 }).format(v);
  };
}
