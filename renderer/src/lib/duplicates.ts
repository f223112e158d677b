// Words for what the core sends about duplicates as data: keep reasons (rule + facts) and the
// differences of a copy from the kept photo, in the UI language.
import type { DuplicateKind, DuplicatePhoto, PhotoDifference } from '../api/types.ts';
import type { I18n } from '../i18n/i18n.svelte.ts';
import type { MessageKey } from '../i18n/messages.ts';
import { takenAt } from './format.ts';

const FORMAT_NAMES: Record<string, string> = { jpeg: 'JPEG', png: 'PNG', webp: 'WebP', avif: 'AVIF', gif: 'GIF', tiff: 'TIFF', heic: 'HEIC' };

export const formatName = (f: string | number | null | undefined): string => (f ? (FORMAT_NAMES[String(f)] ?? String(f).toUpperCase()) : '?');

/** Wording that would be untrue of different shots of one moment ("re-save", "copy"). */
const SHOT_RULES = new Set(['format', 'mtime', 'path']);

/** Why this photo is kept (`keep`) or not, with its facts formatted for the UI language. */
export function reasonText(i18n: I18n, photo: DuplicatePhoto, keep: boolean, kind: DuplicateKind): string {
  const { rule, params } = photo.reason;
  const p: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(params)) {
    if (/^(kept)?(width|height|Width|Height)$/.test(k)) p[k] = typeof v === 'number' ? i18n.n(v) : v;
    else if (/bytes$/i.test(k)) p[k] = i18n.bytes(Number(v));
    else if (/format$/i.test(k)) p[k] = formatName(v);
    else if (/takenAt$/i.test(k)) p[k] = takenAt(String(v), i18n.locale) ?? String(v);
    else if (/mtime$/i.test(k)) p[k] = new Intl.DateTimeFormat(i18n.locale, { dateStyle: 'medium' }).format(new Date(String(v)));
    else p[k] = v;
  }
  if (!keep && kind === 'similar' && SHOT_RULES.has(rule)) return i18n.t(`dupes.shot.${rule}` as MessageKey, p);
  return i18n.t(`dupes.${keep ? 'keep' : 'lose'}.${rule}` as MessageKey, p);
}

export function differenceText(i18n: I18n, d: PhotoDifference): string {
  return i18n.t(`dupes.diff.${d}` as MessageKey);
}
