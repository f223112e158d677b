import { describe, expect, it } from 'vitest';
import type { FolderInfo } from '../../../main/core/api.js';
import { watchReporter } from '../../../main/cli/commands/watch-lines.js';

const folder = (indexed: number, failed = 0, pending = 0): FolderInfo[] => [
  { id: 1, path: '/p', photoCount: indexed + failed, indexedCount: indexed, failedCount: failed, pendingCount: pending, addedAt: '' },
];

describe('watch output', () => {
  it('prints one line per real change and nothing for repeated totals or mid-run counts', () => {
    const lines: string[] = [];
    const report = watchReporter((l) => lines.push(l));
    report(folder(5));
    for (let i = 0; i < 18; i++) report(folder(5)); // an idle folder's repeated events
    report(folder(6, 0, 3)); // still indexing: not settled
    report(folder(8, 1));
    report(folder(8, 1));
    report(folder(7, 1));
    expect(lines).toEqual([
      'library: 5 photos',
      '3 photos indexed, 1 photo could not be read (library: 8 photos, 1 unreadable)',
      '1 photo removed (library: 7 photos, 1 unreadable)',
    ]);
  });
});
