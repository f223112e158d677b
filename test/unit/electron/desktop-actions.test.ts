import { describe, expect, it } from 'vitest';
import { openWithDefault, showInFolder, type DesktopDeps } from '../../../main/electron/desktop-actions.js';
import type { MediaResult } from '../../../main/shell-common/media.js';
import { ValidationError } from '../../../main/shell-common/validate.js';

function deps(opts: { openError?: string } = {}) {
  const files: Record<number, string> = { 1: '/lib/红.jpg', 2: '/lib/blue.jpg', 3: '/lib/sub/green.png' };
  const log: string[] = [];
  const d: DesktopDeps = {
    async resolveOriginal(id): Promise<MediaResult> {
      const file = files[id];
      return file
        ? { ok: true, kind: 'original', file, contentType: 'image/jpeg', etag: '"x"', size: 1, mtimeMs: 0, ino: 1 }
        : { ok: false, status: 404, reason: 'no such photo' };
    },
    showItemInFolder: (file) => void log.push(`show:${file}`),
    openPath: async (file) => {
      log.push(`open:${file}`);
      return opts.openError ?? '';
    },
  };
  return { d, log };
}

describe('desktop actions', () => {
  it('validates every argument', async () => {
    const { d, log } = deps();
    for (const bad of ['1', 0, null, {}, 1.2]) {
      await expect(showInFolder(d, bad)).rejects.toBeInstanceOf(ValidationError);
      await expect(openWithDefault(d, bad)).rejects.toBeInstanceOf(ValidationError);
    }
    expect(log).toEqual([]);
  });

  it('show in folder / open with default use the core\'s file for the id', async () => {
    const { d, log } = deps();
    await showInFolder(d, 1);
    await openWithDefault(d, 3);
    expect(log).toEqual(['show:/lib/红.jpg', 'open:/lib/sub/green.png']);
    await expect(showInFolder(d, 50)).rejects.toThrow(/not in the library/);
    await expect(openWithDefault(deps({ openError: 'No application' }).d, 1)).rejects.toThrow('No application');
  });
});
