import { afterEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import { SearchState } from '../src/state/search.svelte.ts';
import type { SearchResponse } from '../src/api/types.ts';
import { createFakeClient, deferred, makePhoto, NO_MODEL } from './fixtures/fake-client.ts';
import { renderApp } from './fixtures/render-app.ts';

function response(query: string, n = 3): SearchResponse {
  return {
    mode: 'search',
    results: Array.from({ length: n }, (_, k) => ({ photo: makePhoto(k, 1, `/${query}`), score: 0.3 - k * 0.02, views: ['image'] })),
    tookMs: 5,
  };
}

describe('SearchState', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('debounces keystrokes into one search for the last query', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const search = vi.fn(async (req: { query: string }) => response(req.query));
    const state = new SearchState({ search }, 250);
    for (const q of ['海', '海边', '海边的', '海边的日落']) {
      state.setQuery(q);
      await vi.advanceTimersByTimeAsync(100);
    }
    expect(search).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(250);
    expect(search).toHaveBeenCalledTimes(1);
    expect(search).toHaveBeenCalledWith({ query: '海边的日落', limit: 500 });
    expect(state.answered).toBe('海边的日落');
    expect(state.results).toHaveLength(3);
  });

  it('never lets an older answer overwrite a newer one', async () => {
    const answers = new Map<string, ReturnType<typeof deferred<SearchResponse>>>();
    const search = vi.fn((req: { query: string }) => {
      const d = deferred<SearchResponse>();
      answers.set(req.query, d);
      return d.promise;
    });
    const state = new SearchState({ search }, 0);

    state.setQuery('sunset');
    const first = state.run();
    state.setQuery('sunset beach');
    const second = state.run();

    answers.get('sunset beach')!.resolve(response('new', 2));
    await second;
    answers.get('sunset')!.resolve(response('old', 5));
    await first;

    expect(state.answered).toBe('sunset beach');
    expect(state.results.map((r) => r.photo.path)).toEqual(['/new/IMG_00000.jpg', '/new/IMG_00001.jpg']);
    expect(state.loading).toBe(false);
  });

  it('ignores a stale answer that arrives first, and a stale failure', async () => {
    const answers: ReturnType<typeof deferred<SearchResponse>>[] = [];
    const state = new SearchState(
      {
        search: () => {
          const d = deferred<SearchResponse>();
          answers.push(d);
          return d.promise;
        },
      },
      0,
    );
    state.setQuery('a');
    const p1 = state.run();
    state.setQuery('ab');
    const p2 = state.run();
    answers[0].reject(new Error('aborted'));
    await p1;
    expect(state.error).toBeNull();
    expect(state.loading).toBe(true);
    answers[1].resolve(response('ab', 1));
    await p2;
    expect(state.results).toHaveLength(1);
    expect(state.error).toBeNull();
  });

  it('clearing the query returns to browsing and drops answers in flight', async () => {
    const d = deferred<SearchResponse>();
    const state = new SearchState({ search: () => d.promise }, 0);
    state.setQuery('cat');
    const p = state.run();
    state.setQuery('');
    d.resolve(response('cat'));
    await p;
    expect(state.answered).toBe('');
    expect(state.results).toEqual([]);
    expect(state.loading).toBe(false);
  });
});

describe('search box', () => {
  it('answers as you type and shows results in rank order, with why they matched and no raw score', async () => {
    const client = createFakeClient({ photoCount: 40 });
    client.searchImpl = async (req) => ({
      mode: 'search',
      results: [0.412, 0.377, 0.301, 0.298].map((score, k) => ({ photo: client.photos[k * 3], score, views: ['image'] })),
      tookMs: 8,
      model: 'm',
    });
    await renderApp({ client });
    await fireEvent.input(screen.getByTestId('search-input'), { target: { value: 'sunset 海边' } });
    await waitFor(() => expect(screen.getByTestId('result-count').textContent).toContain('4 results'));
    expect(client.search).toHaveBeenCalledWith({ query: 'sunset 海边', limit: 500 });
    expect(screen.getAllByTestId('match-views').map((el) => el.dataset.views)).toEqual(['image', 'image', 'image', 'image']);
    expect(screen.getByTestId('photo-grid').textContent).not.toMatch(/0\.\d{3}/);
    const paths = screen.getAllByTestId('grid-cell').map((el) => el.dataset.path);
    expect(paths).toEqual([client.photos[0].path, client.photos[3].path, client.photos[6].path, client.photos[9].path]);
  });

  it('shows the server notice in the UI language when meaning search cannot run', async () => {
    const client = createFakeClient({ photoCount: 5, model: NO_MODEL });
    const message = 'Searching by meaning needs a model. Text in photos, file names and filters work already.';
    client.searchImpl = async () => ({ results: [], mode: 'search', notice: { code: 'search.needsModel' }, tookMs: 0 });
    await renderApp({ client });
    await fireEvent.input(screen.getByTestId('search-input'), { target: { value: '猫' } });
    await waitFor(() => expect(screen.getByTestId('search-message').querySelector('p')?.textContent).toBe(message));
    // The one action that fixes it, as a button (never a shell command): download the recommended model.
    const button = within(screen.getByTestId('search-message')).getByTestId('search-download-model');
    expect(button.textContent).toMatch(/^\s*Download the model \(1\.6 GB\)\s*$/);
    expect(screen.getByTestId('search-message').textContent).not.toMatch(/npm|cli/);
    await fireEvent.click(button);
    expect(client.downloadModel).toHaveBeenCalledWith('xlm-roberta-base-vit-b-32');
    await within(screen.getByTestId('search-message')).findByTestId('search-model-downloading');
  });

  it('finds by text and filters without a model, and says how many photos meaning search still lacks', async () => {
    const client = createFakeClient({ photoCount: 5 });
    client.searchImpl = async () => ({
      results: [{ photo: client.photos[1], score: 1, views: ['ocr'], ocr: { text: '发票 123', matches: ['发票'] } }],
      mode: 'search',
      missingVectors: 3,
      tookMs: 4,
    });
    await renderApp({ client, locale: 'zh-CN' });
    await fireEvent.input(screen.getByTestId('search-input'), { target: { value: '发票' } });
    await waitFor(() => expect(screen.getByTestId('search-missing-vectors').textContent).toBe('还有 3 张照片暂时不能按意思搜索'));
    expect(screen.getByTestId('result-count').textContent).toContain('1 个结果');
    expect(screen.getByTestId('ocr-matches').textContent).toBe('发票');
  });

  it('empty query browses all photos again', async () => {
    const client = createFakeClient({ photoCount: 30 });
    await renderApp({ client });
    expect(screen.getByTestId('result-count').textContent).toContain('30 photos');
    await fireEvent.input(screen.getByTestId('search-input'), { target: { value: 'dog' } });
    await waitFor(() => expect(screen.getAllByTestId('match-views').length).toBeGreaterThan(0));
    await fireEvent.input(screen.getByTestId('search-input'), { target: { value: '' } });
    await waitFor(() => expect(screen.queryAllByTestId('match-views')).toHaveLength(0));
    expect(screen.getByTestId('result-count').textContent).toContain('30 photos');
    expect(screen.getAllByTestId('grid-cell')[0].dataset.path).toBe(client.photos[0].path);
  });

  it('waits for the IME to finish composing before searching', async () => {
    const client = createFakeClient({ photoCount: 5 });
    await renderApp({ client });
    const input = screen.getByTestId('search-input');
    await fireEvent.compositionStart(input);
    await fireEvent.input(input, { target: { value: 'hai' } });
    await new Promise((r) => setTimeout(r, 40));
    expect(client.search).not.toHaveBeenCalled();
    (input as HTMLInputElement).value = '海';
    await fireEvent.compositionEnd(input);
    await waitFor(() => expect(client.search).toHaveBeenCalledWith({ query: '海', limit: 500 }));
    expect(client.search).toHaveBeenCalledTimes(1);
  });

  it('Enter searches at once; ArrowDown moves into the grid', async () => {
    const client = createFakeClient({ photoCount: 10 });
    await renderApp({ client, searchDebounceMs: 10_000 });
    const input = screen.getByTestId('search-input');
    await fireEvent.input(input, { target: { value: 'tree' } });
    await fireEvent.keyDown(input, { key: 'Enter' });
    await waitFor(() => expect(client.search).toHaveBeenCalledTimes(1));
    await waitFor(() => expect(screen.getAllByTestId('match-views').length).toBeGreaterThan(0));
    await fireEvent.keyDown(input, { key: 'ArrowDown' });
    await waitFor(() => expect(document.activeElement?.getAttribute('data-index')).toBe('0'));
  });
});
