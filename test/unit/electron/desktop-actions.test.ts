import { describe, expect, it } from 'vitest';
import { openWithDefault, showInFolder, trashConfirmText, trashPhotos, type DesktopDeps } from '../../../main/electron/desktop-actions.js';
import type { MediaResult } from '../../../main/shell-common/media.js';
import { ValidationError } from '../../../main/shell-common/validate.js';

function deps(opts: { confirm?: boolean; failTrash?: string[]; openError?: string; locale?: string } = {}) {
  const files: Record<number, string> = { 1: '/lib/红.jpg', 2: '/lib/blue.jpg', 3: '/lib/sub/green.png' };
  const log: string[] = [];
  const d: DesktopDeps = {
    async resolveOriginal(id): Promise<MediaResult> {
      const file = files[id];
      return file
        ? { ok: true, kind: 'original', file, contentType: 'image/jpeg', etag: '"x"', size: 1, mtimeMs: 0, ino: 1 }
        : { ok: false, status: 404, reason: 'no such photo' };
    },
    async confirm(text) {
      log.push(`confirm:${text.message}`);
      return opts.confirm ?? true;
    },
    async trashItem(file) {
      if (opts.failTrash?.includes(file)) throw new Error('permission denied');
      log.push(`trash:${file}`);
    },
    showItemInFolder: (file) => void log.push(`show:${file}`),
    openPath: async (file) => {
      log.push(`open:${file}`);
      return opts.openError ?? '';
    },
    locale: opts.locale ?? 'en-US',
  };
  return { d, log };
}

describe('desktop actions', () => {
  it('trash asks once, naming the count, then trashes each file', async () => {
    const { d, log } = deps();
    const r = await trashPhotos(d, [1, 2, 3, 99]);
    expect(r).toEqual({ cancelled: false, trashed: 3, failed: [{ photoId: 99, error: expect.any(String) }] });
    expect(log).toEqual(['confirm:Move 3 files to the trash?', 'trash:/lib/红.jpg', 'trash:/lib/blue.jpg', 'trash:/lib/sub/green.png']);
  });

  it('trash touches nothing when the user cancels', async () => {
    const { d, log } = deps({ confirm: false });
    expect(await trashPhotos(d, [1])).toEqual({ cancelled: true, trashed: 0, failed: [] });
    expect(log).toEqual(['confirm:Move 1 file to the trash?']);
  });

  it('trash reports per-file failures and asks nothing for unknown ids', async () => {
    const { d, log } = deps({ failTrash: ['/lib/blue.jpg'] });
    expect(await trashPhotos(d, [1, 2])).toEqual({ cancelled: false, trashed: 1, failed: [{ photoId: 2, error: 'permission denied' }] });
    const none = deps();
    expect(await trashPhotos(none.d, [98, 99])).toMatchObject({ cancelled: false, trashed: 0 });
    expect(none.log).toEqual([]);
    expect(log[0]).toMatch(/^confirm:/);
  });

  it('validates every argument', async () => {
    const { d, log } = deps();
    for (const bad of [[], ['1'], 1, null, [1.5], [-1], new Array(10_001).fill(1)]) {
      await expect(trashPhotos(d, bad)).rejects.toBeInstanceOf(ValidationError);
    }
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

  it('confirm text follows the OS language and lists a few names', () => {
    const files = Array.from({ length: 8 }, (_, i) => `/a/b/照片${i}.jpg`);
    const zh = trashConfirmText(files, 'zh-CN');
    expect(zh.message).toBe('将 8 个文件移到废纸篓？');
    expect(zh.detail).toContain('照片0.jpg');
    expect(zh.detail).toContain('另外 3 个');
    expect(zh.detail).not.toContain('/a/b');
    const en = trashConfirmText(files.slice(0, 1), 'en-GB');
    expect(en.message).toBe('Move 1 file to the trash?');
    expect(en.confirmLabel).toBe('Move 1 to Trash');
  });
});
