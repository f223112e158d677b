// `kanjian maintenance [--dry-run] [--json]`: garbage collection on demand (the app also runs it
// once a day). Prints what was (or would be) removed.
import type { MaintenanceReport } from '../../core/api.js';
import { formatBytes } from '../../shell-common/format.js';

export function maintenanceLines(r: MaintenanceReport): string[] {
  const verb = r.dryRun ? 'Would remove' : 'Removed';
  const rows = Object.entries(r.rows)
    .map(([t, n]) => `${n} ${t}`)
    .join(', ');
  return [
    `${verb} ${r.thumbnails} thumbnails, ${r.previews} previews and ${r.tempFiles} temp files (${formatBytes(r.bytesFreed)}).`,
    `${verb} rows of contents no photo has: ${rows || 'none'}.`,
    `${verb} the vectors of ${r.modelsDropped.length} models neither installed nor in use${r.modelsDropped.length ? `: ${r.modelsDropped.join(', ')}` : ''}.`,
  ];
}
