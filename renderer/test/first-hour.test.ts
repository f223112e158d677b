// The first hour of a new user: an empty library that says so, "Add folder" where they look,
// the sidebar out of the way on a small window, a lost server announced and recovered, dates
// typed in the UI's own words, grid cells that say what they show.
import { describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { renderApp } from './fixtures/render-app.ts';
import { createFakeClient, folder, IDLE } from './fixtures/fake-client.ts';
import { parseDate } from '../src/lib/dates.ts';
import DateField from '../src/components/DateField.svelte';
import ProgressBar from '../src/components/ProgressBar.svelte';
import { appContextMap } from '../src/lib/context.ts';
import { I18n } from '../src/i18n/i18n.svelte.ts';

describe('an empty library', () => {
  it('says there is nothing yet (no green "all indexed") and offers Add folder', async () => {
    const client = createFakeClient({ folders: [], desktop: true, progress: IDLE });
    await renderApp({ client, locale: 'en' });
    expect(screen.getByTestId('progress-state').textContent).toBe('Nothing to index yet: the library has no folders.');
    expect(screen.queryByTestId('progress-bar')).toBeNull();
    const empty = screen.getByTestId('empty-state');
    expect(empty.textContent).toContain('No photos yet');
    await fireEvent.click(within(empty).getByTestId('empty-add-folder'));
    // Desktop: the native picker, and the folder it returns is added.
    await waitFor(() => expect(client.desktop!.pickFolder).toHaveBeenCalled());
    await waitFor(() => expect(client.addFolder).toHaveBeenCalledWith('/picked/folder'));
  });

  it('in Chinese too', async () => {
    await renderApp({ folders: [], locale: 'zh-CN' });
    expect(screen.getByTestId('progress-state').textContent).toBe('还没有要索引的内容：图库里没有文件夹。');
    expect(within(screen.getByTestId('empty-state')).getByTestId('empty-add-folder').textContent).toBe('添加文件夹…');
  });

  it('folders without photos are not "all indexed" either', async () => {
    await renderApp({ folders: [folder(1, '/empty')], locale: 'en' });
    expect(screen.getByTestId('progress-state').textContent).toBe('No photos found in the library folders yet.');
  });
});

describe('layout', () => {
  it('has one h1 and a sidebar that can be collapsed', async () => {
    await renderApp({ photoCount: 3 });
    expect(document.querySelectorAll('h1')).toHaveLength(1);
    const toggle = screen.getByTestId('sidebar-toggle');
    const side = document.getElementById('sidebar')!;
    expect(toggle.getAttribute('aria-controls')).toBe('sidebar');
    const open = toggle.getAttribute('aria-expanded') === 'true';
    await fireEvent.click(toggle);
    expect(toggle.getAttribute('aria-expanded')).toBe(String(!open));
    expect(side.hidden).toBe(open);
    await fireEvent.click(toggle);
    expect(side.hidden).toBe(!open);
  });

  it('grid cells announce the name, the date and why the photo matched', async () => {
    const client = createFakeClient({ photoCount: 3, matches: { 1: { views: ['image', 'ocr'], ocr: { text: 'RECEIPT', matches: ['receipt'] } } } });
    await renderApp({ client, locale: 'en' });
    await fireEvent.input(screen.getByTestId('search-input'), { target: { value: 'receipt' } });
    await waitFor(() => expect(screen.getAllByTestId('match-views').length).toBeGreaterThan(0));
    const first = screen.getAllByTestId('grid-cell')[0];
    expect(first.getAttribute('aria-label')).toBe('IMG_00000.jpg; July 14, 2023 at 6:30 PM; matched by Picture, Text in photo; words: receipt');
  });
});

describe('a lost connection', () => {
  it('shows a banner while the server is away and reloads when it is back', async () => {
    const { client } = await renderApp({ photoCount: 2, locale: 'en' });
    expect(screen.queryByTestId('connection-banner')).toBeNull();
    client.setConnected(false);
    const banner = await screen.findByTestId('connection-banner');
    expect(banner.textContent?.trim()).toBe('Lost the connection to Kanjian. Reconnecting…');
    const loads = client.listFolders.mock.calls.length;
    client.setConnected(true);
    await waitFor(() => expect(screen.getByTestId('connection-banner').textContent?.trim()).toBe('Connected again.'));
    await waitFor(() => expect(client.listFolders.mock.calls.length).toBeGreaterThan(loads));
  });
});

describe('dates', () => {
  it('reads year-month-day in the ways people type it, and refuses dates that do not exist', () => {
    expect(parseDate('2024-05-01')).toBe('2024-05-01');
    expect(parseDate('2024/5/1')).toBe('2024-05-01');
    expect(parseDate('2024年5月1日')).toBe('2024-05-01');
    expect(parseDate('2024.12.31')).toBe('2024-12-31');
    expect(parseDate('2023-02-29')).toBeNull();
    expect(parseDate('05/01/2024')).toBeNull();
    expect(parseDate('')).toBeNull();
  });

  it('a date field shows its hint in the UI language (never mm/dd/yyyy) and says when a date is wrong', async () => {
    const changes: (string | undefined)[] = [];
    const i18n = new I18n('zh-CN');
    render(DateField, {
      props: { label: '起始日期', value: undefined, onChange: (v: string | undefined) => changes.push(v), testid: 'd' },
      context: appContextMap({ client: createFakeClient(), i18n }),
    });
    const input = screen.getByTestId('d') as HTMLInputElement;
    expect(input.type).toBe('text');
    expect(screen.getByTestId('d-hint').textContent).toBe('年-月-日，如 2024-05-01');
    expect(document.body.textContent).not.toMatch(/mm\/dd\/yyyy/i);
    await fireEvent.change(input, { target: { value: '2024年5月1日' } });
    expect(changes).toEqual(['2024-05-01']);
    expect(input.value).toBe('2024-05-01');
    await fireEvent.change(input, { target: { value: '2024-13-01' } });
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByTestId('d-hint').textContent).toContain('不是有效日期');
    expect(changes).toEqual(['2024-05-01']);
  });
});

describe('ProgressBar', () => {
  it('is determinate with numbers, indeterminate without, and passes test hooks through', () => {
    const { rerender } = render(ProgressBar, { props: { value: 30, max: 120, label: 'Indexing', 'data-testid': 'bar' } });
    const bar = screen.getByTestId('bar');
    expect(bar.getAttribute('role')).toBe('progressbar');
    expect(bar.getAttribute('aria-valuenow')).toBe('30');
    expect(bar.getAttribute('aria-valuemax')).toBe('120');
    expect((bar.firstElementChild as HTMLElement).style.width).toBe('25%');
    rerender({ value: null, max: null, label: 'Indexing', 'data-testid': 'bar' });
    expect(bar.getAttribute('aria-valuenow')).toBeNull();
    expect(bar.classList.contains('indeterminate')).toBe(true);
  });
});

describe('progress by phase', () => {
  it('lists each running phase with counts and time left, in the UI language', async () => {
    const client = createFakeClient({ photoCount: 10, folders: [folder(1, '/photos', { photoCount: 10, indexedCount: 10 })] });
    await renderApp({ client, locale: 'zh-CN' });
    client.emit({
      type: 'progress',
      progress: {
        ...IDLE,
        phase: 'ocr',
        phases: [
          { phase: 'indexing', done: 10, total: 10, etaSeconds: null },
          { phase: 'ocr', done: 3, total: 10, etaSeconds: 90 },
          { phase: 'similar', done: 0, total: 10, etaSeconds: null },
        ],
      },
    });
    const phases = await screen.findAllByTestId('progress-phase');
    expect(phases.map((p) => p.dataset.phase)).toEqual(['ocr', 'similar']);
    expect(phases[0].textContent).toContain('正在识别照片中的文字');
    expect(phases[0].textContent).toContain('3 / 10');
    expect(phases[0].textContent).toContain('预计还需 2 分钟');
    expect(phases[0].getAttribute('aria-current')).toBe('step');
    expect(phases[1].textContent).toContain('正在查找相似照片');
    // Not a green "done" bar while work is left.
    expect(screen.queryByTestId('progress-bar')).toBeNull();
  });
});

describe('while the first folder is still being read', () => {
  const running = (phase: 'indexing' | 'ocr', done: number, total: number) => ({
    ...IDLE,
    phase,
    state: phase === 'indexing' ? ('indexing' as const) : ('idle' as const),
    done,
    total,
    phases: [{ phase, done, total, etaSeconds: null }],
  });

  it('the grid fills as photos are indexed, and says they are coming instead of "no photos found"', async () => {
    const client = createFakeClient({ photoCount: 0, folders: [folder(1, '/photos', { photoCount: 0, pendingCount: 30 })] });
    await renderApp({ client, locale: 'zh-CN' });
    client.emit({ type: 'progress', progress: running('indexing', 0, 30) });
    await waitFor(() => expect(screen.getByTestId('empty-state').textContent).toContain('索引好的照片会陆续出现在这里'));
    const asked = client.listPhotos.mock.calls.length;
    // 12 photos are in the library now; the next progress event brings them to the grid (no folders event needed).
    client.photos.push(...createFakeClient({ photoCount: 12 }).photos);
    client.emit({ type: 'progress', progress: running('indexing', 12, 30) });
    await waitFor(() => expect(client.listPhotos.mock.calls.length).toBeGreaterThan(asked), { timeout: 5000 });
    await waitFor(() => expect(screen.getAllByTestId('grid-cell').length).toBe(12));
  });

  it('at the end of the run the sidebar counts the photos even before the folders event, and reads the folders again', async () => {
    const client = createFakeClient({ photoCount: 0, folders: [folder(1, '/photos', { photoCount: 0, pendingCount: 30 })] });
    await renderApp({ client, locale: 'zh-CN' });
    client.emit({ type: 'progress', progress: running('indexing', 10, 30) });
    const listed = client.listFolders.mock.calls.length;
    // 30 files done, 2 of them failed: 28 photos are indexed.
    client.emit({ type: 'progress', progress: { ...IDLE, done: 30, total: 30, failed: 2, phases: [{ phase: 'indexing', done: 30, total: 30, etaSeconds: null }] } });
    await waitFor(() => expect(screen.getByTestId('progress-state').textContent).toBe('28 张照片已全部索引'));
    await waitFor(() => expect(client.listFolders.mock.calls.length).toBeGreaterThan(listed));
  });

  it('a search while the text in photos is read says more may match, and asks again once all is done', async () => {
    const client = createFakeClient({ photoCount: 10, folders: [folder(1, '/photos', { photoCount: 10, indexedCount: 10 })] });
    await renderApp({ client, locale: 'zh-CN' });
    client.emit({ type: 'progress', progress: running('ocr', 3, 10) });
    await fireEvent.input(screen.getByTestId('search-input'), { target: { value: '发票' } });
    const note = await screen.findByTestId('search-still-working');
    expect(note.textContent).toContain('正在识别照片中的文字（3 / 10），稍后可能会有更多照片符合。');
    const asked = client.search.mock.calls.length;
    client.emit({ type: 'progress', progress: IDLE });
    await waitFor(() => expect(client.search.mock.calls.length).toBe(asked + 1));
    expect(client.search.mock.calls.at(-1)![0]).toMatchObject({ query: '发票' });
    await waitFor(() => expect(screen.queryByTestId('search-still-working')).toBeNull());
  });
});

describe('viewer: zoom, pan, full screen, exposure', () => {
  it('zooms with + / − / 0 and double-click, pans with arrows while zoomed, and goes full screen with F', async () => {
    const client = createFakeClient({ photoCount: 3 });
    client.getPhoto.mockImplementation(async (id: number) => ({
      ...(await import('./fixtures/fake-client.ts')).makeDetail(client.photos[id - 1]),
      lens: 'EF 24-70mm f/2.8L II USM',
      fNumber: 2.8,
      exposureTime: 0.004,
      iso: 200,
      focalLength: 35,
    }));
    const requestFullscreen = vi.fn(async function (this: HTMLElement) {
      Object.defineProperty(document, 'fullscreenElement', { value: this, configurable: true });
      document.dispatchEvent(new Event('fullscreenchange'));
    });
    (HTMLElement.prototype as unknown as { requestFullscreen: unknown }).requestFullscreen = requestFullscreen;
    await renderApp({ client, locale: 'zh-CN' });
    await fireEvent.click(screen.getAllByTestId('grid-cell')[1]);
    const viewer = await screen.findByTestId('viewer');
    const zoom = within(viewer).getByTestId('viewer-zoom');
    expect(zoom.dataset.scale).toBe('1');
    await fireEvent.keyDown(viewer, { key: '+' });
    expect(zoom.dataset.scale).toBe('1.5');
    expect(within(viewer).getByTestId('viewer-zoom-fit').textContent).toBe('150%');
    // Zoomed: arrows pan instead of changing photo.
    await fireEvent.keyDown(viewer, { key: 'ArrowRight' });
    expect(viewer.dataset.index).toBe('1');
    await fireEvent.keyDown(viewer, { key: '0' });
    expect(zoom.dataset.scale).toBe('1');
    await fireEvent.dblClick(zoom);
    expect(zoom.dataset.scale).toBe('2.5');
    await fireEvent.click(within(viewer).getByTestId('viewer-zoom-out'));
    expect(Number(zoom.dataset.scale)).toBeCloseTo(1.67, 2);
    await fireEvent.keyDown(viewer, { key: 'f' });
    expect(requestFullscreen).toHaveBeenCalled();
    await waitFor(() => expect(within(viewer).getByTestId('viewer-fullscreen').getAttribute('aria-pressed')).toBe('true'));
    // Exposure as photographers write it, numbers and units in the UI language.
    await waitFor(() => expect(within(viewer).getByTestId('viewer-aperture').textContent).toBe('f/2.8'));
    expect(within(viewer).getByTestId('viewer-shutter').textContent).toBe('1/250 秒');
    expect(within(viewer).getByTestId('viewer-iso').textContent).toBe('ISO 200');
    expect(within(viewer).getByTestId('viewer-focal').textContent).toBe('35毫米');
    expect(within(viewer).getByTestId('viewer-lens').textContent).toBe('EF 24-70mm f/2.8L II USM');
    Object.defineProperty(document, 'fullscreenElement', { value: null, configurable: true });
  });
});
