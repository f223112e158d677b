import { describe, expect, it } from 'vitest';
import { fireEvent, screen, waitFor } from '@testing-library/svelte';
import { renderApp } from './fixtures/render-app.ts';
import { createFakeClient } from './fixtures/fake-client.ts';
import { buildRows, moveRows, topOfIndex } from '../src/lib/grid-rows.ts';
import { monthsOf, sectionsOf } from '../src/lib/timeline.ts';

/** 40 photos a month over three months, newest first, the last one without a capture date. */
function datedClient() {
  const client = createFakeClient({ photoCount: 120 });
  const months = ['2024-03', '2023-11', '2021-06'];
  client.photos.forEach((p, i) => {
    const m = months[Math.floor(i / 40)];
    const day = 28 - Math.floor((i % 40) / 10);
    p.takenAt = i === 119 ? null : `${m}-${String(day).padStart(2, '0')}T12:00:00`;
  });
  // The fake's timeline groups by takenAt; give the undated photo its file date's day.
  return client;
}

describe('grid rows', () => {
  it('puts headings before each section and moves by rows across them', () => {
    const sections = [
      { start: 0, count: 5, headings: [{ level: 2 as const, text: 'M1', key: 'm1' }, { level: 3 as const, text: 'D1', key: 'd1' }] },
      { start: 5, count: 2, headings: [{ level: 3 as const, text: 'D2', key: 'd2' }] },
    ];
    const g = buildRows(7, 3, 100, sections);
    expect(g.rows.map((r) => (r.kind === 'heading' ? r.text : `${r.start}-${r.end}`))).toEqual(['M1', 'D1', '0-3', '3-5', 'D2', '5-7']);
    // Each heading stands over its photos: the month over both days, a day over its own.
    expect(g.rows.filter((r) => r.kind === 'heading').map((r) => [r.start, r.end])).toEqual([[0, 7], [0, 5], [5, 7]]);
    expect(g.height).toBe(44 + 30 + 100 + 100 + 30 + 100);
    // Down from the third column of a short row lands on that row's last photo.
    expect(moveRows(g, 2, 1)).toBe(4);
    expect(moveRows(g, 4, 1)).toBe(6);
    expect(moveRows(g, 5, -1)).toBe(3);
    expect(moveRows(g, 0, -1)).toBeNull();
    // A jump to a section lands on its headings.
    expect(topOfIndex(g, 5)).toBe(44 + 30 + 200);
    expect(topOfIndex(g, 0)).toBe(0);
  });

  it('builds month and day headings in the UI language from the day histogram', () => {
    const days = [
      { key: '2023-07-14', count: 2, offset: 0 },
      { key: '2023-07-02', count: 1, offset: 2 },
      { key: '2021-12-25', count: 1, offset: 3 },
    ];
    const en = sectionsOf(days, 'en', 4).map((s) => s.headings.map((h) => h.text));
    expect(en).toEqual([['July 2023', 'Fri, July 14'], ['Sun, July 2'], ['December 2021', 'Sat, December 25']]);
    const zh = sectionsOf(days, 'zh-CN', 4).map((s) => s.headings.map((h) => h.text));
    expect(zh[0]).toEqual(['2023年7月', '7月14日周五']);
    expect(monthsOf(days)).toEqual([
      { key: '2023-07', year: 2023, month: 7, count: 3, offset: 0 },
      { key: '2021-12', year: 2021, month: 12, count: 1, offset: 3 },
    ]);
  });
});

describe('timeline', () => {
  it('shows month headings as headings, marks photos without a capture date, and sorts', async () => {
    const client = datedClient();
    await renderApp({ client, locale: 'en' });
    await waitFor(() => expect(screen.getAllByRole('heading', { level: 2, name: 'March 2024' })).toHaveLength(1));
    expect(client.timeline).toHaveBeenCalledWith({ by: 'day' });
    await fireEvent.change(screen.getByTestId('sort-select'), { target: { value: 'name' } });
    await waitFor(() => expect(client.listPhotos).toHaveBeenLastCalledWith(expect.objectContaining({ sort: 'name' })));
    // Sorted by name: no date groups, no scrubber.
    await waitFor(() => expect(screen.queryByTestId('timeline-scrubber')).toBeNull());
    expect(screen.queryAllByTestId('grid-heading')).toHaveLength(0);
  });

  it('the scrubber is a keyboard slider that jumps to an older month', async () => {
    const client = datedClient();
    await renderApp({ client, locale: 'zh-CN' });
    const rail = await screen.findByRole('slider', { name: '跳到某个月' });
    expect(rail.getAttribute('aria-valuetext')).toBe('2024年3月');
    rail.focus();
    await fireEvent.keyDown(rail, { key: 'End' });
    await waitFor(() => expect(screen.getAllByRole('heading', { level: 2, name: '2021年6月' }).length).toBeGreaterThan(0));
    const grid = screen.getByTestId('photo-grid');
    expect(grid.scrollTop).toBeGreaterThan(0);
    // The month's first photo is in the window; the undated photo is marked with its file date.
    await waitFor(() => expect(screen.getAllByTestId('grid-cell').some((c) => c.dataset.index === '80')).toBe(true));
    expect(screen.queryAllByTestId('file-date')).toHaveLength(0);
    grid.scrollTop = parseFloat((grid.firstElementChild as HTMLElement).style.height) - 700;
    await fireEvent.scroll(grid);
    await waitFor(() => expect(screen.getAllByTestId('file-date')[0].textContent).toBe('文件日期'));
    expect(screen.getAllByTestId('file-date')).toHaveLength(1);
    await fireEvent.keyDown(rail, { key: 'PageUp' });
    await waitFor(() => expect(rail.getAttribute('aria-valuetext')).toBe('2023年11月'));
  });
});

describe('folder tree', () => {
  it('opens the sub-folders of a library folder with counts; choosing one filters the grid to it', async () => {
    const folders = [{ id: 1, path: '/photos', photoCount: 30, indexedCount: 30, failedCount: 0, pendingCount: 0, addedAt: '2024-01-01T00:00:00Z' }];
    const trip = { path: '/photos/trip', name: 'trip', photoCount: 12, ownCount: 2, children: [{ path: '/photos/trip/day 2', name: 'day 2', photoCount: 10, ownCount: 10, children: [] }] };
    const { client } = await renderApp({ photoCount: 30, folders, subfolders: { 1: [trip] }, locale: 'en' });
    await fireEvent.click(await screen.findByTestId('folder-tree-toggle'));
    await waitFor(() => expect(screen.getAllByTestId('tree-folder').map((b) => b.dataset.path)).toEqual(['/photos', '/photos/trip']));
    expect(screen.getAllByTestId('tree-count').map((c) => c.textContent)).toEqual(['30 photos', '12 photos']);
    // Deeper folders open with their disclosure button.
    await fireEvent.click(screen.getByRole('button', { name: 'Show the folders in trip' }));
    const day2 = await screen.findByRole('button', { name: /day 2/ });
    await fireEvent.click(day2);
    await waitFor(() => expect(client.listPhotos).toHaveBeenLastCalledWith(expect.objectContaining({ filters: { folder: '/photos/trip/day 2' } })));
    expect(day2.getAttribute('aria-pressed')).toBe('true');
    expect(client.folderPathTags).toHaveBeenCalledWith({ path: '/photos/trip/day 2' });
    // Choosing it again shows every folder.
    await fireEvent.click(day2);
    await waitFor(() => expect(client.listPhotos).toHaveBeenLastCalledWith(expect.not.objectContaining({ filters: expect.anything() })));
  });

  it('a heading selects every photo of its day or month, loaded or not', async () => {
    const client = datedClient();
    await renderApp({ client, locale: 'en' });
    const month = await screen.findByRole('button', { name: 'Select all photos of March 2024' });
    await fireEvent.click(month);
    await waitFor(() => expect(screen.getByTestId('selection-count').textContent).toContain('40'));
    // The photos were asked for in the grid's own order, not taken from what happened to be loaded.
    expect(client.listPhotos).toHaveBeenLastCalledWith(expect.objectContaining({ offset: 0, limit: 40, sort: 'taken' }));
    const day = screen.getAllByTestId('grid-heading-select')[1];
    expect(day.getAttribute('aria-label')).toMatch(/^Select all photos of .*March 28$/);
  });
});
