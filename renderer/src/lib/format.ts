// Locale-independent shaping of photo metadata for display.
import type { ExecutionProvider } from '../api/types.ts';

export const PROVIDER_LABELS: Record<ExecutionProvider, string> = {
  cpu: 'CPU',
  cuda: 'CUDA',
  dml: 'DirectML',
  coreml: 'CoreML',
};

/** "Canon EOS 5D" rather than "Canon Canon EOS 5D". */
export function cameraName(make: string | null, model: string | null): string | null {
  const mk = make?.trim() || '';
  const md = model?.trim() || '';
  if (!mk && !md) return null;
  if (!mk) return md;
  if (!md) return mk;
  return md.toLowerCase().startsWith(mk.toLowerCase().split(/\s+/)[0]) ? md : `${mk} ${md}`;
}

/** 31.23040° N, 121.47370° E */
export function latLon(lat: number | null, lon: number | null): string | null {
  if (lat == null || lon == null || !Number.isFinite(lat) || !Number.isFinite(lon)) return null;
  const ns = lat >= 0 ? 'N' : 'S';
  const ew = lon >= 0 ? 'E' : 'W';
  return `${Math.abs(lat).toFixed(5)}° ${ns}, ${Math.abs(lon).toFixed(5)}° ${ew}`;
}

/** takenAt is camera-local time without a zone; show it as written, in the UI's locale. */
export function takenAt(iso: string | null, locale: string): string | null {
  if (!iso) return null;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const hasTime = /T\d\d:\d\d/.test(iso);
  return new Intl.DateTimeFormat(locale, hasTime ? { dateStyle: 'long', timeStyle: 'short' } : { dateStyle: 'long' }).format(d);
}
