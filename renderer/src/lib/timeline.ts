// The timeline's groups from the core's per-day histogram (timeline({ by: 'day' })): a section
// per day, headed by its month when it is the month's first day, and the months for the
// scrubber. Dates are written by Intl in the UI's language ("July 2023" / "2023年7月").
import type { TimelineBucket } from '../api/types.ts';
import type { GridSection } from './grid-rows.ts';

export interface TimelineMonth {
  /** 'YYYY-MM' */
  key: string;
  year: number;
  month: number;
  count: number;
  /** Index of its first photo in the grid. */
  offset: number;
}

/** Days (newest first) → months (newest first), each with its first photo's offset. */
export function monthsOf(days: readonly TimelineBucket[]): TimelineMonth[] {
  const out: TimelineMonth[] = [];
  for (const d of days) {
    const key = d.key.slice(0, 7);
    const last = out[out.length - 1];
    if (last && last.key === key) last.count += d.count;
    else if (/^\d{4}-\d{2}$/.test(key)) out.push({ key, year: Number(key.slice(0, 4)), month: Number(key.slice(5, 7)), count: d.count, offset: d.offset });
  }
  return out;
}

function localDate(key: string): Date {
  const [y, m, d] = key.split('-').map(Number);
  return new Date(y, (m || 1) - 1, d || 1);
}

const formats = new Map<string, Intl.DateTimeFormat>();
function fmt(locale: string, kind: 'month' | 'day' | 'dayYear'): Intl.DateTimeFormat {
  const k = `${locale}|${kind}`;
  let f = formats.get(k);
  if (!f) {
    const opts: Intl.DateTimeFormatOptions =
      kind === 'month' ? { year: 'numeric', month: 'long' } : { weekday: 'short', month: 'long', day: 'numeric', ...(kind === 'dayYear' && { year: 'numeric' }) };
    f = new Intl.DateTimeFormat(locale, opts);
    formats.set(k, f);
  }
  return f;
}

export function monthLabel(key: string, locale: string): string {
  return fmt(locale, 'month').format(localDate(key));
}

export function dayLabel(key: string, locale: string): string {
  return fmt(locale, 'day').format(localDate(key));
}

/**
 * Grid sections for `count` photos: one per day, the month's heading before its first day.
 * Photos past the histogram (the library grew since it was read) follow in a plain section.
 */
export function sectionsOf(days: readonly TimelineBucket[], locale: string, count: number): GridSection[] {
  const out: GridSection[] = [];
  let month = '';
  let end = 0;
  for (const d of days) {
    if (d.offset >= count) break;
    const headings: GridSection['headings'] = [];
    if (/^\d{4}-\d{2}-\d{2}$/.test(d.key)) {
      const m = d.key.slice(0, 7);
      if (m !== month) headings.push({ level: 2, text: monthLabel(m, locale), key: m });
      month = m;
      headings.push({ level: 3, text: dayLabel(d.key, locale), key: d.key });
    }
    out.push({ start: d.offset, count: d.count, headings });
    end = d.offset + d.count;
  }
  if (end < count) out.push({ start: end, count: count - end, headings: [] });
  return out;
}
