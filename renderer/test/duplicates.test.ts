import { describe, expect, it } from 'vitest';
import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import { renderApp } from './fixtures/render-app.ts';
import { createFakeClient, dupePhoto, makePhoto, type FakeClient } from './fixtures/fake-client.ts';
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
        dupePhoto(p[0], true, { reason: 'identical; kept the oldest copy (file dated 2020-01-01)', rule: 'mtime' }),
        dupePhoto(p[1], false, { reason: 'a later copy of the kept photo', rule: 'mtime' }),
      ],
    },
    {
      key: 'near:2',
      kind: 'near',
      reclaimableBytes: 3_000_000,
      photos: [dupePhoto(p[2], true), dupePhoto(p[3], false, { size: 1_000_000 }), dupePhoto(p[4], false, { format: 'png', rule: 'format', reason: 'PNG re-save of a JPEG original' })],
    },
    {
      key: 'similar:3',
      kind: 'similar',
      reclaimableBytes: 2_000_000,
      photos: [dupePhoto(p[5], true, { rule: 'exif', reason: 'has camera EXIF data (date, camera); the others have none' }), dupePhoto(p[6], false, { rule: 'exif', reason: 'no camera EXIF data' })],
    },
  ];
  client.duplicateGroups = groups;
  return client;
}

async function openDuplicates(client = library(), locale: 'en' | 'zh-CN' = 'en') {
  const r = await renderApp({ client, locale });
  await fireEvent.click(screen.getByTestId('open-duplicates'));
  const view = await screen.findByTestId('duplicates-view');
  await waitFor(() => expect(within(view).getAllByTestId('duplicate-group')).toHaveLength(3));
  return { ...r, view };
}

describe('duplicates review', () => {
  it('lists the groups with their kind, the keeper and why', async () => {
    const { view } = await openDuplicates();
    const groups = within(view).getAllByTestId('duplicate-group');
    expect(groups.map((g) => g.dataset.kind)).toEqual(['exact', 'near', 'similar']);
    const near = groups[1];
    expect(within(near).getAllByTestId('keep-badge')).toHaveLength(1);
    const keeper = within(near).getAllByTestId('duplicate-photo').find((el) => el.dataset.keep === 'true')!;
    expect(within(keeper).getByTestId('keep-reason').textContent).toMatch(/highest resolution/);
    expect(within(near).getByText('PNG re-save of a JPEG original')).toBeTruthy();
    // The first group has the focus: the review is keyboard-first.
    await waitFor(() => expect(document.activeElement).toBe(groups[0]));
  });

  it('marks every copy but the keeper of exact and near groups, and no similar shot', async () => {
    const { view, client } = await openDuplicates();
    const marked = within(view)
      .getAllByTestId('mark-photo')
      .map((el, i) => [i, (el as HTMLInputElement).checked] as const)
      .filter(([, c]) => c)
      .map(([i]) => i);
    // photos in order: exact(0 keep,1), near(2 keep,3,4), similar(5 keep,6)
    expect(marked).toEqual([1, 3, 4]);
    expect(within(view).getByTestId('duplicates-summary').textContent).toBe('3 groups · 3 marked (5 MB)');
    expect(client.findDuplicates).toHaveBeenCalled();
  });

  it('trashes only after a confirm that names the count and the bytes', async () => {
    const { view, client } = await openDuplicates();
    await fireEvent.click(within(view).getByTestId('duplicates-trash'));
    const dialog = await screen.findByTestId('confirm-dialog');
    expect(client.planTrash).toHaveBeenCalledWith(expect.arrayContaining([client.photos[1].id, client.photos[3].id, client.photos[4].id]));
    expect(within(dialog).getByTestId('confirm-body').textContent).toMatch(/^3 photos \(5 MB\) will be moved to the system trash/);
    expect(client.trashPhotos).not.toHaveBeenCalled();

    // Cancel: nothing happens.
    await fireEvent.click(within(dialog).getByTestId('confirm-cancel'));
    await waitFor(() => expect(screen.queryByTestId('confirm-dialog')).toBeNull());
    expect(client.trashPhotos).not.toHaveBeenCalled();

    // Confirm: exactly the planned photos, with the plan's token.
    await fireEvent.click(within(view).getByTestId('duplicates-trash'));
    await fireEvent.click(await screen.findByTestId('confirm-ok'));
    await waitFor(() => expect(client.trashPhotos).toHaveBeenCalledTimes(1));
    const arg = client.trashPhotos.mock.calls[0][0];
    expect(arg.confirmToken).toBe('ab'.repeat(16));
    expect([...arg.photoIds].sort()).toEqual([client.photos[1].id, client.photos[3].id, client.photos[4].id].sort());
    await waitFor(() => expect(screen.getByTestId('duplicates-outcome').textContent).toMatch(/Moved 3 files \(5 MB\) to the trash/));
    // Groups reload: only the similar shots are left.
    await waitFor(() => expect(within(view).getAllByTestId('duplicate-group').map((g) => g.dataset.kind)).toEqual(['similar']));
  });

  it('reports a photo the trash refused', async () => {
    const client = library();
    client.trashFailIds.add(client.photos[3].id);
    const { view } = await openDuplicates(client);
    await fireEvent.click(within(view).getByTestId('duplicates-trash'));
    await fireEvent.click(await screen.findByTestId('confirm-ok'));
    const failed = await screen.findByTestId('duplicates-failed');
    expect(failed.textContent).toContain(client.photos[3].path);
    expect(failed.textContent).toMatch(/permission denied/);
  });

  it('is driven from the keyboard: move, mark, not-duplicates, delete, close', async () => {
    const { view, client } = await openDuplicates();
    let groups = within(view).getAllByTestId('duplicate-group');
    await waitFor(() => expect(document.activeElement).toBe(groups[0]));
    await fireEvent.keyDown(groups[0], { key: 'ArrowDown' });
    expect(document.activeElement).toBe(groups[1]);
    // 2 unmarks the second photo of the near group.
    await fireEvent.keyDown(groups[1], { key: '2' });
    expect((within(groups[1]).getAllByTestId('mark-photo')[1] as HTMLInputElement).checked).toBe(false);
    // N: these are not duplicates; the group goes, the focus stays in place.
    await fireEvent.keyDown(groups[1], { key: 'n' });
    await waitFor(() => expect(client.dismissDuplicates).toHaveBeenCalledWith({ photoIds: [client.photos[2].id, client.photos[3].id, client.photos[4].id] }));
    groups = within(view).getAllByTestId('duplicate-group');
    expect(groups.map((g) => g.dataset.kind)).toEqual(['exact', 'similar']);
    await waitFor(() => expect(document.activeElement).toBe(groups[1]));
    // Delete asks first.
    await fireEvent.keyDown(groups[1], { key: 'Delete' });
    expect(within(await screen.findByTestId('confirm-dialog')).getByTestId('confirm-body').textContent).toMatch(/^1 photo \(2 MB\)/);
    await fireEvent.keyDown(screen.getByTestId('confirm-dialog'), { key: 'Escape' });
    await waitFor(() => expect(screen.queryByTestId('confirm-dialog')).toBeNull());
    expect(screen.getByTestId('duplicates-view')).toBeTruthy();
    // Esc (no dialog open) leaves the review.
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

  it('speaks Chinese: kinds and keep reasons are translated', async () => {
    const { view } = await openDuplicates(library(), 'zh-CN');
    expect(within(view).getAllByTestId('duplicate-group')[1].textContent).toContain('近似副本');
    const reasons = within(view).getAllByTestId('keep-reason').map((el) => el.textContent);
    expect(reasons).toContain('分辨率最高');
    expect(reasons).toContain('不是相机原始格式');
    expect(reasons).toContain('文件最早');
  });

  it('says so when there are no duplicates', async () => {
    const client = createFakeClient({ photoCount: 2 });
    await renderApp({ client, locale: 'en' });
    await fireEvent.click(screen.getByTestId('open-duplicates'));
    expect((await screen.findByTestId('duplicates-empty')).textContent).toBe('No duplicates found.');
    expect((screen.getByTestId('duplicates-trash') as HTMLButtonElement).disabled).toBe(true);
    void makePhoto;
  });
});
