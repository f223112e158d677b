// Keep reasons (data from main/core/duplicates/keep.ts) worded in English for the CLI; the UI
// words the same data in its own language.
import type { KeepReason } from '../../core/api.js';
import { FORMAT_LABEL, type PhotoFormat } from '../../core/media/formats.js';
import { formatBytes } from '../../shell-common/format.js';

const formatName = (f: string | number | undefined) => (f ? (FORMAT_LABEL[f as PhotoFormat] ?? String(f).toUpperCase()) : 'unknown format');

/** The reason in English (CLI, logs). `shots`: different shots of one moment, not copies. */
export function reasonText(reason: KeepReason, keep: boolean, shots = false): string {
  const p = reason.params;
  switch (reason.rule) {
    case 'resolution':
      return keep ? `highest resolution: ${p.width}×${p.height}` : `lower resolution (${p.width}×${p.height}) than the kept photo (${p.keptWidth}×${p.keptHeight})`;
    case 'format':
      if (shots) return keep ? `camera format (${formatName(p.format)})` : `${formatName(p.format)}, not a camera format`;
      return keep ? `original camera format (${formatName(p.format)})` : `${formatName(p.format)} re-save of a ${formatName(p.keptFormat)} original`;
    case 'exif':
      return keep ? 'keeps the camera EXIF data (date, camera)' : 'no camera EXIF data (stripped by a converter or messenger)';
    case 'size':
      return keep ? `largest file at the same resolution (${formatBytes(Number(p.bytes))})` : `smaller file (${formatBytes(Number(p.bytes))} vs ${formatBytes(Number(p.keptBytes))}): more compressed`;
    case 'taken':
      return keep ? `taken earliest (${p.takenAt})` : `taken later (${p.takenAt})`;
    case 'mtime':
      if (shots) return keep ? `oldest file (dated ${String(p.mtime).slice(0, 10)})` : 'newer file';
      return keep ? `identical; kept the oldest copy (file dated ${String(p.mtime).slice(0, 10)})` : 'a later copy of the kept photo';
    case 'path':
      return keep ? `${shots ? 'equal in every respect' : 'identical'}; kept the shortest name (copies usually gain a suffix)` : `${shots ? 'equal in every respect' : 'identical'}; kept ${p.keptName} (shortest name)`;
  }
}
