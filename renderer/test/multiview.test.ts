// Multi-view search in the UI: per-result badges for the views that matched, the OCR words on
// grid cells and the OCR line in the viewer, and the metadata filter controls.
import { describe, expect, it } from 'vitest';
import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import { highlightParts } from '../src/lib/highlight.ts';
import { renderApp } from './fixtures/render-app.ts';

const FOLDERS = [
  { id: 1, path: '/photos', photoCount: 30, indexedCount: 30, failedCount: 0, pendingCount: 0, addedAt: '2024-01-01T00:00:00Z' },
  { id: 2, path: '/scans', photoCount: 5, indexedCount: 5, failedCount: 0, pendingCount: 0, addedAt: '2024-01-01T00:00:00Z' },
];

const MATCHES = {
  1: {
    views: ['image' as const, 'tags' as const, 'ocr' as const],
    viewScores: { image: 0.31, tags: 0.9, ocr: 0.5 },
    ocr: { text: '上海便利店 · 发票 2024-08-15', matches: ['发票'] },
    tags: { tags: ['receipt 收据', 'paper 纸'] },
  },
  2: { views: ['metadata' as const], metadata: { matches: ['invoice'] } },
};

async function typeQuery(q: string) {
  await fireEvent.input(screen.getByTestId('search-input'), { target: { value: q } });
  await waitFor(() => expect(screen.getByTestId('result-count').textContent).toMatch(/result|结果/));
}

describe('why it matched', () => {
  it('shows a badge per matching view on each result, and the OCR words', async () => {
    await renderApp({ photoCount: 30, matches: MATCHES, locale: 'en' });
    await typeQuery('红色 发票');
    // The badges sit beside their cell (the cell's label already says why it matched).
    const why = (id: string) => screen.getAllByTestId('cell-why').find((c) => c.dataset.photoId === id)!;
    const first = await waitFor(() => why('1'));
    const badges = within(first).getByTestId('match-views');
    expect(badges.dataset.views).toBe('image tags ocr');
    expect(within(first).getAllByTestId('view-badge').map((b) => b.getAttribute('title'))).toEqual(['Picture', 'Tags', 'Text in photo']);
    // Short words in the UI language on the cell: English here, never 图/签/文.
    expect(within(first).getAllByTestId('view-badge').map((b) => b.textContent)).toEqual(['Image', 'Tag', 'Text']);
    expect(within(first).getByTestId('ocr-matches').textContent).toBe('发票');
    const second = why('2');
    expect(within(second).getByTestId('match-views').dataset.views).toBe('metadata');
    expect(within(second).queryByTestId('ocr-matches')).toBeNull();
  });

  it('the viewer shows the views, the text in the photo with the matched words marked, and the tags', async () => {
    await renderApp({ photoCount: 30, matches: MATCHES, locale: 'zh-CN' });
    await typeQuery('发票');
    const cell = await waitFor(() => screen.getAllByTestId('grid-cell').find((c) => c.dataset.photoId === '1')!);
    await fireEvent.click(cell);
    const why = await screen.findByTestId('viewer-why');
    expect(within(why).getAllByTestId('view-badge').map((b) => b.textContent)).toEqual(['画面', '标签', '图中文字']);
    expect(within(why).getByTestId('viewer-ocr').textContent).toContain('上海便利店 · 发票 2024-08-15');
    expect(within(why).getAllByTestId('viewer-ocr-match').map((m) => m.textContent)).toEqual(['发票']);
    expect(within(why).getByTestId('viewer-matched-tags').textContent).toContain('receipt 收据');
  });

  it('browsing (no search) shows no badges', async () => {
    await renderApp({ photoCount: 10, matches: MATCHES });
    expect(screen.queryByTestId('match-views')).toBeNull();
  });
});

describe('search filters', () => {
  it('narrow a query: type, camera, lens, GPS, dates and folder go into the request', async () => {
    const facets = {
      cameras: [{ camera: 'Canon EOS R5', count: 12 }, { camera: 'Apple iPhone 13', count: 3 }],
      lenses: [{ lens: 'RF50mm F1.8 STM', count: 4 }],
      years: [{ year: 2024, count: 20 }, { year: 2021, count: 10 }],
    };
    const { client } = await renderApp({ photoCount: 30, folders: FOLDERS, locale: 'en', facets });
    await typeQuery('sunset');
    await fireEvent.click(screen.getByTestId('filters-toggle'));
    expect(screen.getByTestId('filters-toggle').getAttribute('aria-expanded')).toBe('true');
    const folder = screen.getByTestId('filter-folder') as HTMLSelectElement;
    expect([...folder.options].map((o) => o.value)).toEqual(['', '/photos', '/scans']);

    await fireEvent.change(screen.getByTestId('filter-type'), { target: { value: 'png' } });
    await waitFor(() => expect(client.search).toHaveBeenLastCalledWith({ query: 'sunset', limit: 500, filters: { types: ['png'] } }));
    await fireEvent.click(screen.getByTestId('filter-gps'));
    await fireEvent.change(screen.getByTestId('filter-from'), { target: { value: '2024-01-01' } });
    await fireEvent.change(screen.getByTestId('filter-to'), { target: { value: '2024-06-30' } });
    await fireEvent.change(folder, { target: { value: '/scans' } });
    // Cameras and lenses are lists from the library, with their photo counts.
    const camera = screen.getByTestId('filter-camera') as HTMLSelectElement;
    await waitFor(() => expect([...camera.options].map((o) => o.textContent)).toEqual(['Any camera', 'Canon EOS R5 (12)', 'Apple iPhone 13 (3)']));
    await fireEvent.change(camera, { target: { value: 'Canon EOS R5' } });
    await fireEvent.change(screen.getByTestId('filter-lens'), { target: { value: 'RF50mm F1.8 STM' } });
    await waitFor(() =>
      expect(client.search).toHaveBeenLastCalledWith({
        query: 'sunset',
        limit: 500,
        filters: { types: ['png'], hasGps: true, from: '2024-01-01', to: '2024-06-30', folder: '/scans', camera: 'Canon EOS R5', lens: 'RF50mm F1.8 STM' },
      }),
    );
    expect(screen.getByTestId('filters-toggle').textContent).toBe('Filters (7)');
    // A year from the list is its whole date range.
    await fireEvent.change(screen.getByTestId('filter-year'), { target: { value: '2021' } });
    await waitFor(() => expect(client.search).toHaveBeenLastCalledWith(expect.objectContaining({ filters: expect.objectContaining({ from: '2021-01-01', to: '2021-12-31' }) })));
    expect(client.facets).toHaveBeenCalled();
  });

  it('with an empty query they list the matching photos; clearing them goes back to browsing', async () => {
    const { client } = await renderApp({ photoCount: 30, folders: FOLDERS, locale: 'en' });
    expect(screen.getByTestId('result-count').textContent).toMatch(/30 photos/);
    await fireEvent.click(screen.getByTestId('filters-toggle'));
    await fireEvent.change(screen.getByTestId('filter-folder'), { target: { value: '/photos' } });
    // Browsed, not searched: the timeline lists every matching photo (no search cap), in date order.
    await waitFor(() => expect(client.listPhotos).toHaveBeenLastCalledWith(expect.objectContaining({ sort: 'taken', filters: { folder: '/photos' } })));
    expect(client.search).not.toHaveBeenCalledWith(expect.objectContaining({ query: '' }));
    // A listing, not ranked results: photos counted, no "results" wording, no why-badges.
    // (Every fake photo is in /photos: all 30 listed, counted as a listing.)
    await waitFor(() => expect(screen.getByTestId('result-count').dataset.mode).toBe('listing'));
    expect(screen.getByTestId('result-count').textContent).toMatch(/^\s*30 photos\s*$/);
    expect(screen.queryAllByTestId('match-views')).toHaveLength(0);

    await fireEvent.click(screen.getByTestId('filters-clear'));
    await waitFor(() => expect(screen.getByTestId('result-count').textContent).toMatch(/30 photos/));
    expect(screen.getByTestId('filters-toggle').textContent).toBe('Filters');
  });
});

describe('highlightParts', () => {
  it('marks every occurrence, any case, longest word first', () => {
    expect(highlightParts('RECEIPT total · receipt', ['receipt'])).toEqual([
      { text: 'RECEIPT', hit: true },
      { text: ' total · ', hit: false },
      { text: 'receipt', hit: true },
    ]);
    expect(highlightParts('增值税发票', ['发', '发票'])).toEqual([
      { text: '增值税', hit: false },
      { text: '发票', hit: true },
    ]);
    expect(highlightParts('abc', [])).toEqual([{ text: 'abc', hit: false }]);
  });
});
