import { afterEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import { renderApp } from './fixtures/render-app.ts';
import { createFakeClient, dupePhoto, type FakeClient } from './fixtures/fake-client.ts';
import type { DuplicateGroup } from '../src/api/types.ts';

function library(): FakeClient {
  const client = createFakeClient({ photoCount: 12 });
  const p = client.photos;
  const groups: DuplicateGroup[] = [
    {
      key: 'exact:1',
      kind: 'exact',
      reclaimableBytes: 2_000_000,
      photos: [
        dupePhoto(p[0], true, { reason: { rule: 'mtime', params: { mtime: '2020-01-01T00:00:00.000Z', keptMtime: '2020-01-01T00:00:00.000Z' } }, differences: [] }),
        dupePhoto(p[1], false, { reason: { rule: 'mtime', params: { mtime: '2021-01-01T00:00:00.000Z', keptMtime: '2020-01-01T00:00:00.000Z' } }, differences: [] }),
      ],
    },
    {
      key: 'near:2',
      kind: 'near',
      reclaimableBytes: 3_000_000,
      photos: [
        dupePhoto(p[2], true),
        dupePhoto(p[3], false, { size: 1_000_000, rank: 2, differences: ['cropped', 'smaller'] }),
        dupePhoto(p[4], false, { format: 'png', rank: 1, reason: { rule: 'format', params: { format: 'png', keptFormat: 'jpeg' } }, differences: ['otherFormat'] }),
      ],
    },
    {
      key: 'similar:3',
      kind: 'similar',
      reclaimableBytes: 2_000_000,
      photos: [
        dupePhoto(p[5], true, { reason: { rule: 'exif', params: {} } }),
        dupePhoto(p[6], false, { reason: { rule: 'format', params: { format: 'png', keptFormat: 'jpeg' } } }),
      ],
    },
  ];
  client.duplicateGroups = groups;
  return client;
}

async function openDuplicates(client = library(), locale: 'en' | 'zh-CN' = 'en') {
  const r = await renderApp({ client, locale });
  await fireEvent.click(screen.getByTestId('open-duplicates'));
  const view = await screen.findByTestId('duplicates-view');
  await waitFor(() => expect(within(view).getAllByTestId('duplicate-group').length).toBeGreaterThan(0));
  return { ...r, view };
}

const photosOf = (group: HTMLElement) => within(group).getAllByTestId('duplicate-photo');
const keptIn = (group: HTMLElement) => photosOf(group).filter((el) => el.dataset.keep === 'true');

describe('duplicates review', () => {
  it('lists the groups with their kind, the keeper and why, in words built from the facts', async () => {
    const { view } = await openDuplicates();
    const groups = within(view).getAllByTestId('duplicate-group');
    expect(groups.map((g) => g.dataset.kind)).toEqual(['exact', 'near', 'similar']);
    const near = groups[1];
    expect(within(near).getAllByTestId('keep-badge')).toHaveLength(1);
    expect(within(keptIn(near)[0]).getByTestId('keep-reason').textContent?.trim()).toBe('Highest resolution (4,000×3,000)');
    expect(within(near).getByText('PNG re-save of a JPEG original')).toBeTruthy();
    // Similar shots are different pictures: never "re-save".
    expect(within(groups[2]).getByText('PNG, not a camera format')).toBeTruthy();
    // Differences are named, not hidden in bits.
    expect(within(photosOf(near)[1]).getByTestId('photo-differences').textContent).toContain('cropped');
    expect(view.textContent).not.toMatch(/bits\]/);
    await waitFor(() => expect(document.activeElement).toBe(groups[0]));
  });

  it('marks only the extra copies of exact groups up front, never a keeper', async () => {
    const { view } = await openDuplicates();
    const marked = within(view)
      .getAllByTestId('mark-photo')
      .map((el, i) => [i, (el as HTMLInputElement).checked] as const)
      .filter(([, c]) => c)
      .map(([i]) => i);
    // photos in order: exact(0 keep,1), near(2 keep,3,4), similar(5 keep,6)
    expect(marked).toEqual([1]);
    for (const el of within(view).getAllByTestId('duplicate-photo')) if (el.dataset.keep === 'true') expect(el.dataset.marked).toBe('false');
    expect(within(view).getByTestId('duplicates-summary').textContent).toBe('3 groups · 1 marked (2 MB)');
  });

  it('counts a photo that sits in two groups once, in the header and in the plan', async () => {
    const client = library();
    const p = client.photos;
    // p[0] is the exact group's keeper and a member of a near group too.
    client.duplicateGroups[1] = { ...client.duplicateGroups[1], photos: [...client.duplicateGroups[1].photos, dupePhoto(p[0], false, { rank: 3 })] };
    const { view } = await openDuplicates(client);
    const [exact, near] = within(view).getAllByTestId('duplicate-group');
    await fireEvent.keyDown(exact, { key: '2' }); // unmark p[1]
    await fireEvent.keyDown(exact, { key: '1' }); // p[0], from the exact group …
    await fireEvent.keyDown(near, { key: '2' }); // … and p[3]
    expect(within(view).getByTestId('duplicates-summary').textContent).toBe('3 groups · 2 marked (3 MB)');
    // In both groups it shows marked.
    expect(within(view).getAllByTestId('duplicate-photo').filter((el) => el.dataset.photoId === String(p[0].id)).map((el) => el.dataset.marked)).toEqual(['true', 'true']);
    await fireEvent.click(within(view).getByTestId('duplicates-trash'));
    const dialog = await screen.findByTestId('confirm-dialog');
    expect(within(dialog).getByTestId('confirm-body').textContent).toMatch(/^2 photos \(3 MB\)/);
    expect(client.planTrash).toHaveBeenLastCalledWith({ photoIds: expect.arrayContaining([p[0].id, p[3].id]) });
    expect((client.planTrash.mock.calls.at(-1)![0] as { photoIds: number[] }).photoIds).toHaveLength(2);
  });

  it('marking the keeper hands "keep" to the next photo; marking all of a group needs a second confirmation', async () => {
    const { view, client } = await openDuplicates();
    const p = client.photos;
    const near = within(view).getAllByTestId('duplicate-group')[1];
    // Space marks the current photo: the keeper. Keep moves to the next in keep order (p[4], rank 1).
    await fireEvent.keyDown(near, { key: ' ' });
    expect(keptIn(near).map((el) => el.dataset.photoId)).toEqual([String(p[4].id)]);
    expect(within(near).getByTestId('keeper-moved').textContent).toContain(p[4].name);
    // → → Space: the third photo; X on the second: every photo of the group is marked.
    await fireEvent.keyDown(near, { key: 'ArrowRight' });
    await fireEvent.keyDown(near, { key: 'x' });
    expect(keptIn(near).map((el) => el.dataset.photoId)).toEqual([String(p[4].id)]);
    await fireEvent.keyDown(near, { key: 'ArrowRight' });
    await fireEvent.keyDown(near, { key: 'x' });
    expect(keptIn(near)).toHaveLength(0);
    expect(within(near).getByTestId('group-no-keeper')).toBeTruthy();

    // The core refuses; the UI asks again, naming the photos.
    await fireEvent.click(within(view).getByTestId('duplicates-trash'));
    let dialog = await screen.findByTestId('confirm-dialog');
    const body = within(dialog).getByTestId('confirm-body').textContent!;
    expect(body).toMatch(/last copy/);
    for (const x of [p[2], p[3], p[4]]) expect(body).toContain(x.name);
    // No: nothing planned, nothing moved.
    await fireEvent.click(within(dialog).getByTestId('confirm-cancel'));
    await waitFor(() => expect(screen.queryByTestId('confirm-dialog')).toBeNull());
    expect(client.trashPhotos).not.toHaveBeenCalled();

    // Yes twice: planned and trashed with allowLastCopy.
    await fireEvent.click(within(view).getByTestId('duplicates-trash'));
    await fireEvent.click(within(await screen.findByTestId('confirm-dialog')).getByTestId('confirm-ok'));
    await waitFor(() => expect(client.planTrash).toHaveBeenLastCalledWith(expect.objectContaining({ allowLastCopy: true })));
    dialog = await screen.findByTestId('confirm-dialog');
    await waitFor(() => expect(within(dialog).getByTestId('confirm-body').textContent).toMatch(/^4 photos .* 3 of them are the last copies/));
    await fireEvent.click(within(dialog).getByTestId('confirm-ok'));
    await waitFor(() => expect(client.trashPhotos).toHaveBeenCalledTimes(1));
    expect(client.trashPhotos.mock.calls[0][0]).toMatchObject({ allowLastCopy: true, confirmToken: 'ab'.repeat(16) });
  });

  it('reports a photo the trash refused, in the UI language', async () => {
    const client = library();
    client.trashFailIds.add(client.photos[1].id);
    const { view } = await openDuplicates(client);
    await fireEvent.click(within(view).getByTestId('duplicates-trash'));
    await fireEvent.click(await screen.findByTestId('confirm-ok'));
    const failed = await screen.findByTestId('duplicates-failed');
    expect(failed.textContent).toContain(client.photos[1].path);
    expect(failed.textContent).toMatch(/system trash refused it \(permission denied\)/);
  });

  it('opens any member large beside the keeper, zooms both in sync, and is keyboard-driven', async () => {
    const { view, client } = await openDuplicates();
    const p = client.photos;
    const near = within(view).getAllByTestId('duplicate-group')[1];
    near.focus();
    await fireEvent.keyDown(near, { key: 'ArrowRight' });
    await fireEvent.keyDown(near, { key: 'Enter' });
    const compare = await screen.findByTestId('compare-view');
    const sides = within(compare).getAllByTestId('compare-side');
    expect(sides.map((s) => s.dataset.photoId)).toEqual([String(p[2].id), String(p[3].id)]);
    expect(within(compare).getByTestId('compare-differences').textContent).toMatch(/cropped.*smaller/);
    expect(within(sides[0]).getByTestId('compare-facts').textContent).toContain('4,000 × 3,000'.replace(/,/g, ','));
    // Zoom: both sides get the same transform.
    await fireEvent.keyDown(compare, { key: '+' });
    const [a, b] = within(compare).getAllByRole('img').map((img) => (img as HTMLImageElement).style.transform);
    expect(a).toMatch(/scale\(1\.5\)/);
    expect(b).toBe(a);
    // → the next member; Space marks it; Esc back to the review.
    await fireEvent.keyDown(compare, { key: 'ArrowRight' });
    await waitFor(() => expect(within(compare).getAllByTestId('compare-side')[1].dataset.photoId).toBe(String(p[4].id)));
    await fireEvent.keyDown(compare, { key: ' ' });
    expect((within(compare).getByTestId('compare-mark') as HTMLInputElement).checked).toBe(true);
    await fireEvent.keyDown(compare, { key: 'Escape' });
    await waitFor(() => expect(screen.queryByTestId('compare-view')).toBeNull());
    expect(screen.getByTestId('duplicates-view')).toBeTruthy();
    expect(photosOf(near).find((el) => el.dataset.photoId === String(p[4].id))!.dataset.marked).toBe('true');
  });

  it('is driven from the keyboard: move, not-duplicates, delete, close', async () => {
    const { view, client } = await openDuplicates();
    let groups = within(view).getAllByTestId('duplicate-group');
    await waitFor(() => expect(document.activeElement).toBe(groups[0]));
    await fireEvent.keyDown(groups[0], { key: 'ArrowDown' });
    expect(document.activeElement).toBe(groups[1]);
    await fireEvent.keyDown(groups[1], { key: '2' });
    expect((within(groups[1]).getAllByTestId('mark-photo')[1] as HTMLInputElement).checked).toBe(true);
    await fireEvent.keyDown(groups[1], { key: 'n' });
    await waitFor(() => expect(client.dismissDuplicates).toHaveBeenCalledWith({ photoIds: [client.photos[2].id, client.photos[3].id, client.photos[4].id] }));
    groups = within(view).getAllByTestId('duplicate-group');
    expect(groups.map((g) => g.dataset.kind)).toEqual(['exact', 'similar']);
    await waitFor(() => expect(document.activeElement).toBe(groups[1]));
    await fireEvent.keyDown(groups[1], { key: 'Delete' });
    expect(within(await screen.findByTestId('confirm-dialog')).getByTestId('confirm-body').textContent).toMatch(/^1 photo \(2 MB\)/);
    await fireEvent.keyDown(screen.getByTestId('confirm-dialog'), { key: 'Escape' });
    await waitFor(() => expect(screen.queryByTestId('confirm-dialog')).toBeNull());
    expect(screen.getByTestId('duplicates-view')).toBeTruthy();
    await fireEvent.keyDown(groups[1], { key: 'Escape' });
    await waitFor(() => expect(screen.queryByTestId('duplicates-view')).toBeNull());
    expect(screen.getByTestId('photo-grid')).toBeTruthy();
  });

  it('filters by kind', async () => {
    const { view, client } = await openDuplicates();
    await fireEvent.click(within(view).getAllByTestId('duplicates-kind').find((b) => b.dataset.kind === 'near')!);
    await waitFor(() => expect(within(view).getAllByTestId('duplicate-group').map((g) => g.dataset.kind)).toEqual(['near']));
    expect(client.findDuplicates).toHaveBeenLastCalledWith(expect.objectContaining({ kind: 'near' }));
  });

  it('speaks Chinese: kinds, reasons and differences are translated', async () => {
    const { view } = await openDuplicates(library(), 'zh-CN');
    expect(within(view).getAllByTestId('duplicate-group')[1].textContent).toContain('近似副本');
    const reasons = within(view).getAllByTestId('keep-reason').map((el) => el.textContent?.trim());
    expect(reasons).toContain('分辨率最高（4,000×3,000）');
    expect(reasons).toContain('由 JPEG 原图另存的 PNG');
    expect(reasons.some((r) => r?.startsWith('完全相同；保留最早的文件'))).toBe(true);
    expect(view.textContent).toContain('经过裁剪');
    expect(view.textContent).not.toMatch(/[A-Za-z]{4,} (re-save|copy)/);
  });

  it('says so when there are no duplicates', async () => {
    const client = createFakeClient({ photoCount: 2 });
    await renderApp({ client, locale: 'en' });
    await fireEvent.click(screen.getByTestId('open-duplicates'));
    expect((await screen.findByTestId('duplicates-empty')).textContent).toBe('No duplicates found.');
    expect((screen.getByTestId('duplicates-trash') as HTMLButtonElement).disabled).toBe(true);
  });

  it('says it is still looking until the first answer, not "0 groups"', async () => {
    const client = createFakeClient({ photoCount: 2 });
    let answer!: () => void;
    const found = client.findDuplicates.getMockImplementation()!;
    client.findDuplicates.mockImplementationOnce(async (req) => {
      await new Promise<void>((r) => (answer = r));
      return found(req);
    });
    await renderApp({ client, locale: 'zh-CN' });
    await fireEvent.click(screen.getByTestId('open-duplicates'));
    expect((await screen.findByTestId('duplicates-looking')).textContent).toBe('正在查找重复照片…');
    expect(screen.getByTestId('duplicates-summary').textContent).not.toMatch(/0 组/);
    answer();
    await screen.findByTestId('duplicates-empty');
    expect(screen.getByTestId('duplicates-summary').textContent).toMatch(/0 组/);
    expect(screen.queryByTestId('duplicates-looking')).toBeNull();
  });

  describe('while the core is still pairing near copies (a first review in steps)', () => {
    afterEach(() => {
      vi.useRealTimers();
    });

    it('shows the groups found so far with the progress, follows the steps, and never swaps groups under the user\'s marks', async () => {
      vi.useFakeTimers({ shouldAdvanceTime: true });
      const client = library();
      const all = client.duplicateGroups;
      const steps = [
        { groups: all.slice(0, 1), done: 200 },
        { groups: all.slice(0, 2), done: 400 },
        { groups: all.slice(0, 2), done: 500 },
        { groups: all, done: null },
      ];
      let asked = 0;
      client.findDuplicates.mockImplementation(async () => {
        const step = steps[Math.min(asked++, steps.length - 1)];
        return {
          groups: step.groups,
          total: step.groups.length,
          thresholds: { nearMaxDistance: 10, similarMinScore: 0.9 },
          ...(step.done !== null && { notice: { code: 'duplicates.pairing', params: { done: step.done, total: 600 } } }),
        };
      });
      await renderApp({ client, locale: 'zh-CN' });
      await fireEvent.click(screen.getByTestId('open-duplicates'));
      const view = await screen.findByTestId('duplicates-view');
      await waitFor(() => expect(within(view).getAllByTestId('duplicate-group')).toHaveLength(1));
      expect(screen.getByTestId('duplicates-message').textContent).toContain('已比对 200 / 600 张');

      // The next step: nothing marked by the user yet, so its groups are shown.
      await vi.advanceTimersByTimeAsync(4000);
      await waitFor(() => expect(within(view).getAllByTestId('duplicate-group')).toHaveLength(2));
      expect(screen.getByTestId('duplicates-message').textContent).toContain('已比对 400 / 600 张');

      // The user marks a photo: later answers move the progress but keep the groups and marks.
      const near = within(view).getAllByTestId('duplicate-group')[1];
      await fireEvent.click(within(near).getAllByTestId('mark-photo')[1]);
      const marked = () => within(view).getAllByTestId('mark-photo').filter((el) => (el as HTMLInputElement).checked).length;
      expect(marked()).toBe(2);
      await vi.advanceTimersByTimeAsync(4000);
      await waitFor(() => expect(screen.getByTestId('duplicates-message').textContent).toContain('已比对 500 / 600 张'));
      // The same groups as shown: progress alone is not offered as new groups.
      expect(screen.queryByTestId('duplicates-show-new')).toBeNull();
      await vi.advanceTimersByTimeAsync(4000);
      await waitFor(() => expect(screen.queryByTestId('duplicates-message')).toBeNull());
      expect(within(view).getAllByTestId('duplicate-group')).toHaveLength(2);
      expect(marked()).toBe(2);
      // Pairing is done: the new groups are offered, saying the marks stay, and shown when asked for.
      expect(screen.getByTestId('duplicates-newer').textContent).toContain('已做的标记会保留');
      await fireEvent.click(screen.getByTestId('duplicates-show-new'));
      await waitFor(() => expect(within(view).getAllByTestId('duplicate-group')).toHaveLength(3));
      expect(screen.queryByTestId('duplicates-show-new')).toBeNull();
      // The user's mark and the suggested one are still there.
      expect(marked()).toBe(2);
      expect((within(within(view).getAllByTestId('duplicate-group')[1]).getAllByTestId('mark-photo')[1] as HTMLInputElement).checked).toBe(true);
      // Done: nobody asks again.
      const calls = client.findDuplicates.mock.calls.length;
      await vi.advanceTimersByTimeAsync(10_000);
      expect(client.findDuplicates.mock.calls.length).toBe(calls);
    });

    it('says "none so far", not "none", while pairing', async () => {
      vi.useFakeTimers({ shouldAdvanceTime: true });
      const client = createFakeClient({ photoCount: 2 });
      const found = client.findDuplicates.getMockImplementation()!;
      client.findDuplicates.mockImplementation(async (req) => ({ ...(await found(req)), notice: { code: 'duplicates.pairing', params: { done: 50_000, total: 1_000_000 } } }));
      await renderApp({ client, locale: 'en' });
      await fireEvent.click(screen.getByTestId('open-duplicates'));
      expect((await screen.findByTestId('duplicates-empty')).textContent).toBe('No duplicates found so far.');
      expect(screen.getByTestId('duplicates-message').textContent).toContain('50,000 of 1,000,000 done');
      // Closed: the review stops asking.
      const calls = client.findDuplicates.mock.calls.length;
      await fireEvent.click(screen.getByTestId('duplicates-close'));
      await vi.advanceTimersByTimeAsync(10_000);
      expect(client.findDuplicates.mock.calls.length).toBe(calls);
    });
  });

  it('"similar shots need a model" leads to the model panel', async () => {
    const client = createFakeClient({ photoCount: 2 });
    const found = client.findDuplicates.getMockImplementation()!;
    client.findDuplicates.mockImplementation(async (req) => ({ ...(await found(req)), notice: { code: 'duplicates.needsModel', params: {} } }));
    await renderApp({ client, locale: 'zh-CN' });
    await fireEvent.click(screen.getByTestId('open-duplicates'));
    await fireEvent.click(await screen.findByTestId('duplicates-get-model'));
    await waitFor(() => expect(screen.queryByTestId('duplicates-view')).toBeNull());
    const panel = screen.getByTestId('model-panel');
    await waitFor(() => expect(panel.contains(document.activeElement)).toBe(true));
  });
});
