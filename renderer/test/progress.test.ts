import { describe, expect, it } from 'vitest';
import { screen, waitFor } from '@testing-library/svelte';
import { renderApp } from './fixtures/render-app.ts';
import { createFakeClient, folder, IDLE } from './fixtures/fake-client.ts';
import { I18n } from '../src/i18n/i18n.svelte.ts';
import type { IndexProgress } from '../src/api/types.ts';

const INDEXING: IndexProgress = {
  phase: 'indexing',
  phases: [{ phase: 'indexing', done: 1234, total: 5000, etaSeconds: 60 }],
  state: 'indexing',
  done: 1234,
  total: 5000,
  failed: 2,
  rate: 12.46,
  etaSeconds: 302,
  currentPath: '/photos/IMG_1235.jpg',
};

describe('indexing progress', () => {
  it('loads the current progress with getProgress', async () => {
    const client = createFakeClient({ progress: INDEXING });
    await renderApp({ client });
    const bar = screen.getByTestId('progress-bar');
    expect(bar.dataset.state).toBe('indexing');
    expect(bar.getAttribute('aria-valuenow')).toBe('1234');
    expect(bar.getAttribute('aria-valuemax')).toBe('5000');
    expect(screen.getByTestId('progress-state').textContent).toBe('Indexing 1,234 / 5,000');
    expect(screen.getByTestId('progress-rate').textContent).toBe('12.5 photos/s');
    expect(screen.getByTestId('progress-eta').textContent).toBe('about 5 min left');
    expect(screen.getByTestId('progress-failed').textContent).toBe('2 failed');
  });

  it('follows progress events to the done state', async () => {
    const { client } = await renderApp({ photoCount: 5000, folders: [folder(1, '/photos', { photoCount: 5000, indexedCount: 5000 })] });
    expect(screen.getByTestId('progress-state').textContent).toBe('All 5,000 photos indexed');
    client.emit({ type: 'progress', progress: { ...IDLE, state: 'scanning' } });
    await waitFor(() => expect(screen.getByTestId('progress-state').textContent).toBe('Scanning folders…'));
    expect(screen.getByTestId('progress-bar').dataset.state).toBe('scanning');
    client.emit({ type: 'progress', progress: { ...INDEXING, done: 4990, etaSeconds: 4000, rate: 3 } });
    await waitFor(() => expect(screen.getByTestId('progress-state').textContent).toBe('Indexing 4,990 / 5,000'));
    expect(screen.getByTestId('progress-eta').textContent).toBe('about 1 h 6 min left');
    expect(screen.getByTestId('progress-rate').textContent).toBe('3 photos/s');
    client.emit({ type: 'progress', progress: { ...IDLE, done: 5000, total: 5000 } });
    await waitFor(() => expect(screen.getByTestId('progress-state').textContent).toBe('All 5,000 photos indexed'));
    expect(screen.getByTestId('progress-bar').dataset.state).toBe('idle');
    expect(screen.queryByTestId('progress-eta')).toBeNull();
    expect(screen.queryByTestId('progress-rate')).toBeNull();
  });

  it('speaks Chinese too', async () => {
    await renderApp({ progress: INDEXING, locale: 'zh-CN' });
    expect(screen.getByTestId('progress-state').textContent).toBe('正在索引 1,234 / 5,000');
    expect(screen.getByTestId('progress-rate').textContent).toBe('每秒 12.5 张');
    expect(screen.getByTestId('progress-eta').textContent).toBe('预计还需 5 分钟');
  });

  it('formats durations', () => {
    const en = new I18n('en');
    expect(en.duration(42)).toBe('42 s');
    expect(en.duration(0.2)).toBe('less than a minute');
    expect(en.duration(90)).toBe('2 min');
    expect(en.duration(7200)).toBe('2 h');
    expect(en.duration(3 * 3600 + 25 * 60)).toBe('3 h 25 min');
    const zh = new I18n('zh-CN');
    expect(zh.duration(3 * 3600 + 25 * 60)).toBe('3 小时 25 分钟');
  });

  it('refreshes the photo list when folders change', async () => {
    const client = createFakeClient({ photoCount: 3 });
    await renderApp({ client });
    expect(screen.getByTestId('result-count').textContent).toContain('3 photos');
    client.photos.push({ ...client.photos[0], id: 99, path: '/photos/new.jpg', name: 'new.jpg' });
    client.emit({ type: 'folders', folders: [] });
    await waitFor(() => expect(screen.getByTestId('result-count').textContent).toContain('4 photos'), { timeout: 3000 });
    expect(screen.getAllByTestId('grid-cell').map((c) => c.dataset.path)).toContain('/photos/new.jpg');
  });
});
