import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { TrashOutcome, TrashPlan } from '../../../main/core/api.js';
import { TrashPlanner } from '../../../main/core/duplicates/trash.js';
import type { Store } from '../../../main/core/store/index.js';
import { formatBytes } from '../../../main/shell-common/format.js';
import {
  confirmedTrashPhotos,
  TrashCancelledError,
  dialogLocale,
  trashConfirmText,
  type ConfirmText,
  type TrashConfirmDeps,
} from '../../../main/electron/trash-confirm.js';

const plan = (over: Partial<TrashPlan> = {}): TrashPlan => ({
  confirmToken: 'f'.repeat(32),
  count: 2,
  bytes: 3_500_000,
  photos: [
    { id: 1, path: '/lib/a/红.jpg', size: 1_500_000 },
    { id: 2, path: 'C:\\lib\\b\\blue.jpg', size: 2_000_000 },
  ],
  missing: [],
  lastCopies: [],
  expiresAt: new Date().toISOString(),
  ...over,
});

function fakeDeps(opts: { answer?: boolean; plan?: TrashPlan; locale?: string } = {}) {
  const log: string[] = [];
  const asked: ConfirmText[] = [];
  const outcome: TrashOutcome = { trashed: [], failed: [], bytesFreed: 0 };
  const deps: TrashConfirmDeps = {
    async planTrash(r) {
      log.push(`plan:${r.photoIds.join(',')}${r.allowLastCopy ? ':allowLastCopy' : ''}`);
      return opts.plan ?? plan();
    },
    async trashPhotos(req) {
      log.push(`trash:${req.photoIds.join(',')}:${req.confirmToken}`);
      return outcome;
    },
    async confirm(text) {
      log.push('confirm');
      asked.push(text);
      return opts.answer ?? true;
    },
    locale: opts.locale ?? 'en-US',
  };
  return { deps, log, asked, outcome };
}

const req = { photoIds: [1, 2], confirmToken: 'a'.repeat(32) };

describe('native confirm before trashing', () => {
  it('plans the same ids, asks, and forwards the page\'s request only on yes', async () => {
    const { deps, log, asked, outcome } = fakeDeps();
    expect(await confirmedTrashPhotos(deps, req)).toBe(outcome);
    expect(log).toEqual(['plan:1,2', 'confirm', `trash:1,2:${'a'.repeat(32)}`]);
    expect(asked[0].message).toBe('Move 2 files (3.5 MB) to the trash?');
  });

  it('passes allowLastCopy on to the re-plan and the trash, and says so in the dialog', async () => {
    const { deps, log, asked } = fakeDeps({ plan: plan({ lastCopies: [{ groupKey: 'near:x', photoIds: [1, 2] }] }) });
    await confirmedTrashPhotos(deps, { ...req, allowLastCopy: true });
    expect(log).toEqual(['plan:1,2:allowLastCopy', 'confirm', `trash:1,2:${'a'.repeat(32)}`]);
    expect(asked[0].detail).toContain('2 of them are the last copies of a picture');
    const zh = fakeDeps({ plan: plan({ lastCopies: [{ groupKey: null, photoIds: [1] }] }), locale: 'zh-CN' });
    await confirmedTrashPhotos(zh.deps, { ...req, allowLastCopy: true });
    expect(zh.asked[0].detail).toContain('其中 1 张是该照片最后的副本');
  });

  it('rejects as cancelled and never calls trashPhotos on no', async () => {
    const { deps, log } = fakeDeps({ answer: false });
    const err = await confirmedTrashPhotos(deps, req).catch((e: Error) => e);
    expect(err).toBeInstanceOf(TrashCancelledError);
    expect((err as Error).name).toBe('CancelledError');
    expect((err as Error).message).toMatch(/^Cancelled/);
    expect(log).toEqual(['plan:1,2', 'confirm']);
    const zh = await confirmedTrashPhotos(fakeDeps({ answer: false, locale: 'zh-CN' }).deps, req).catch((e: Error) => e);
    expect((zh as Error).message).toMatch(/^已取消/);
  });

  it('carries codes the page renders in its language, and follows the app language over the OS one', async () => {
    const { deps } = fakeDeps({ answer: false });
    expect(await confirmedTrashPhotos(deps, req).catch((e: { code?: string }) => e.code)).toBe('trash.cancelled');
    expect(dialogLocale('zh', 'en-US')).toBe('zh');
    expect(dialogLocale(null, 'zh-TW')).toBe('zh-TW');
    expect(trashConfirmText(plan({}), dialogLocale('zh', 'en-US')).cancelLabel).toBe('取消');
  });

  it('asks nothing and moves nothing when none of the files is on disk', async () => {
    const { deps, log } = fakeDeps({ plan: plan({ count: 0, bytes: 0, photos: [], missing: [1, 2] }) });
    await expect(confirmedTrashPhotos(deps, req)).rejects.toThrow(/nothing to move/);
    expect(log).toEqual(['plan:1,2']);
  });

  it('does not swallow a failing plan or trash', async () => {
    const { deps, log } = fakeDeps();
    deps.planTrash = async () => {
      throw new Error('the library is not open');
    };
    await expect(confirmedTrashPhotos(deps, req)).rejects.toThrow('the library is not open');
    expect(log).toEqual([]);
  });

  it('dialog text: count and bytes, a few names, Chinese for a zh locale', () => {
    const en = trashConfirmText(plan(), 'en-GB');
    expect(en).toMatchObject({ message: 'Move 2 files (3.5 MB) to the trash?', confirmLabel: 'Move 2 to Trash', cancelLabel: 'Cancel' });
    expect(en.detail).toContain('红.jpg\nblue.jpg');
    expect(en.detail).not.toContain('/lib');
    const one = trashConfirmText(plan({ count: 1, bytes: 999, photos: [{ id: 1, path: '/x/a.jpg', size: 999 }], missing: [7] }), 'en');
    expect(one.message).toBe('Move 1 file (999 B) to the trash?');
    expect(one.detail).toContain("1 more photo's file is no longer on disk");

    const many = Array.from({ length: 8 }, (_, i) => ({ id: i + 1, path: `/a/b/照片${i}.jpg`, size: 1_000_000 }));
    const zh = trashConfirmText(plan({ count: 8, bytes: 8_000_000, photos: many, missing: [99, 100] }), 'zh-CN');
    expect(zh.message).toBe('将 8 个文件（8.0 MB）移到废纸篓？');
    expect(zh.confirmLabel).toBe('移到废纸篓（8）');
    expect(zh.cancelLabel).toBe('取消');
    expect(zh.detail).toContain('照片0.jpg');
    expect(zh.detail).not.toContain('照片5.jpg');
    expect(zh.detail).toContain('另外 3 个');
    expect(zh.detail).toContain('另有 2 张照片');
    expect(trashConfirmText(plan(), 'zh-TW').cancelLabel).toBe('取消');
    expect(trashConfirmText(plan(), 'zu').cancelLabel).toBe('Cancel');
  });

  it('formats bytes in decimal units', () => {
    expect([0, 999, 1000, 1_234_567, 250_000_000, 3e12, 5e15].map(formatBytes)).toEqual([
      '0 B', '999 B', '1.0 KB', '1.2 MB', '250 MB', '3.0 TB', '5000 TB',
    ]);
  });
});

describe('with the core\'s TrashPlanner', () => {
  let dir = '';
  afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

  function setup() {
    dir = mkdtempSync(path.join(tmpdir(), 'kanjian-trash-confirm-'));
    const rows = new Map<number, { id: number; path: string; size: number }>();
    for (const [id, name, bytes] of [[1, 'a.jpg', 10], [2, 'b.jpg', 20]] as const) {
      const file = path.join(dir, name);
      writeFileSync(file, Buffer.alloc(bytes));
      rows.set(id, { id, path: file, size: bytes });
    }
    const store = {
      // The planner trashes only files whose real path is inside a library folder.
      folders: { all: () => [{ id: 1, path: dir }] },
      photos: {
        byId: (id: number) => rows.get(id),
        removePaths: (paths: string[]) => {
          for (const [id, r] of rows) if (paths.includes(r.path)) rows.delete(id);
        },
      },
    } as unknown as Store;
    const moved: string[] = [];
    // No duplicate groups: each photo is its own last copy, so the page plans with
    // allowLastCopy (as it does after its second confirmation) and the gate must pass it on.
    const planner = new TrashPlanner(store, async () => [], async (file) => {
      moved.push(path.basename(file));
      rmSync(file); // stands in for the OS trash
    });
    return { planner, rows, moved };
  }

  it('the page\'s own token still works after the gate re-plans, and a no moves nothing', async () => {
    const { planner, rows, moved } = setup();
    const pagePlan = await planner.plan({ photoIds: [1, 2], allowLastCopy: true });
    const request = { photoIds: pagePlan.photos.map((p) => p.id), confirmToken: pagePlan.confirmToken, allowLastCopy: true };
    const texts: ConfirmText[] = [];
    const deps = (answer: boolean): TrashConfirmDeps => ({
      planTrash: (r) => planner.plan(r),
      trashPhotos: (r) => planner.trash(r),
      confirm: async (t) => (texts.push(t), answer),
      locale: 'en-US',
    });

    await expect(confirmedTrashPhotos(deps(false), request)).rejects.toBeInstanceOf(TrashCancelledError);
    expect(moved).toEqual([]);
    expect(existsSync(rows.get(1)!.path)).toBe(true);

    const outcome = await confirmedTrashPhotos(deps(true), request);
    expect(texts.map((t) => t.message)).toEqual(['Move 2 files (30 B) to the trash?', 'Move 2 files (30 B) to the trash?']);
    expect(outcome.trashed.map((t) => t.id)).toEqual([1, 2]);
    expect(outcome.bytesFreed).toBe(30);
    expect(moved).toEqual(['a.jpg', 'b.jpg']);
    expect(rows.size).toBe(0);

    // Single use: the same request cannot move anything again.
    await expect(planner.trash(request)).rejects.toThrow(/not confirmed/);
  });
});
