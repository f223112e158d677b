// First run: no model in use → the panel offers the recommended model with its size, downloads it
// with progress, cancel and retry, then turns into the normal model status.
import { describe, expect, it } from 'vitest';
import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import { renderApp } from './fixtures/render-app.ts';
import { createFakeClient, IDLE, MODELS, NO_MODEL } from './fixtures/fake-client.ts';

const DEFAULT = MODELS[0];
const MB = 1_000_000;

async function firstRun(opts: Parameters<typeof createFakeClient>[0] = {}, locale?: 'en' | 'zh-CN') {
  const client = createFakeClient({ model: NO_MODEL, photoCount: 5, ...opts });
  await renderApp({ client, locale });
  const offer = await screen.findByTestId('model-offer');
  return { client, offer };
}

describe('first-run model download', () => {
  it('offers the recommended model with its languages and download size', async () => {
    const { offer } = await firstRun();
    expect(offer.dataset.modelId).toBe(DEFAULT.id);
    expect(offer.textContent).toContain('Recommended');
    expect(offer.textContent).toContain('XLM-Roberta-Base-ViT-B-32');
    expect(within(offer).getByTestId('model-languages').textContent).toBe('Chinese, English');
    expect(within(offer).getByTestId('model-size').textContent).toBe('1.6 GB');
    const button = within(offer).getByRole('button', { name: 'Download (1.6 GB) — XLM-Roberta-Base-ViT-B-32' });
    expect(button.dataset.testid).toBe('model-download');
    expect(button.textContent).toContain('(1.6 GB)');
    // Inside the panel left for it, which sits in the "no model" notice.
    expect(screen.getByTestId('model-download-slot').contains(offer)).toBe(true);
    expect(screen.getByTestId('model-missing').textContent).toContain('Indexing goes on meanwhile');
  });

  it('says it all in Chinese too', async () => {
    const { offer } = await firstRun({}, 'zh-CN');
    expect(screen.getByTestId('model-missing').textContent).toContain('未安装模型');
    expect(offer.textContent).toContain('推荐');
    expect(within(offer).getByTestId('model-languages').textContent).toBe('中文、英语');
    expect(within(offer).getByTestId('model-size').textContent).toBe('1.6 GB');
    expect(within(offer).getByTestId('model-download').textContent).toContain('下载');
  });

  it('downloads with a progress bar, bytes, rate and time left, then Cancel', async () => {
    const { client, offer } = await firstRun();
    const button = within(offer).getByTestId('model-download');
    button.focus();
    await fireEvent.click(button);
    expect(client.downloadModel).toHaveBeenCalledWith(DEFAULT.id);
    const bar = await within(offer).findByTestId('model-download-progress');
    expect(bar.getAttribute('role')).toBe('progressbar');
    // Keyboard users keep their place: focus moves from Download to Cancel.
    await waitFor(() => expect(document.activeElement).toBe(within(offer).getByTestId('model-download-cancel')));

    client.downloadProgress(DEFAULT.id, 400 * MB, { rate: 25 * MB, etaSeconds: 48, file: 'visual/model.onnx' });
    await waitFor(() => expect(bar.getAttribute('aria-valuenow')).toBe(String(400 * MB)));
    expect(bar.getAttribute('aria-valuemax')).toBe(String(DEFAULT.sizeBytes));
    expect(bar.getAttribute('aria-valuetext')).toBe('400 MB of 1.6 GB');
    expect(within(offer).getByTestId('model-download-bytes').textContent).toBe('400 MB of 1.6 GB');
    expect(within(offer).getByTestId('model-download-rate').textContent).toBe('25 MB/s');
    expect(within(offer).getByTestId('model-download-eta').textContent).toBe('about 48 s left');
    expect(offer.textContent).toContain('Downloading XLM-Roberta-Base-ViT-B-32…');
    expect(offer.textContent).toContain('visual/model.onnx');

    await fireEvent.click(within(offer).getByTestId('model-download-cancel'));
    expect(client.cancelDownload).toHaveBeenCalledWith(DEFAULT.id);
    await waitFor(() => expect(within(offer).queryByTestId('model-download-progress')).toBeNull());
    expect(within(offer).getByTestId('model-download-cancelled').textContent).toBe('Download cancelled.');
    await waitFor(() => expect(document.activeElement).toBe(within(offer).getByTestId('model-download')));
  });

  it('shows the plain error and retries', async () => {
    const { client, offer } = await firstRun();
    await fireEvent.click(within(offer).getByTestId('model-download'));
    await within(offer).findByTestId('model-download-progress');
    client.failDownload(DEFAULT.id, 'HTTP 404 Not Found for visual/model.onnx');
    const error = await within(offer).findByTestId('model-download-error');
    // The core's English reason never reaches the screen; the UI says what happened and what to do.
    expect(error.textContent).toContain('The download did not finish.');
    expect(error.textContent).toContain('try again, choose another download source, or install a copy from a folder');
    expect(error.textContent).not.toContain('HTTP 404');
    expect(error.getAttribute('role')).toBe('alert');
    expect(within(offer).queryByTestId('model-download-progress')).toBeNull();
    const retry = within(offer).getByTestId('model-download-retry');
    await waitFor(() => expect(document.activeElement).toBe(retry));

    await fireEvent.click(retry);
    expect(client.downloadModel).toHaveBeenCalledTimes(2);
    await within(offer).findByTestId('model-download-progress');
    expect(within(offer).queryByTestId('model-download-error')).toBeNull();
  });

  it('shows why a download could not even start', async () => {
    const { client, offer } = await firstRun();
    client.downloadModel.mockRejectedValueOnce(Object.assign(new Error('disk full'), { code: 'validation' }));
    await fireEvent.click(within(offer).getByTestId('model-download'));
    const error = await within(offer).findByTestId('model-download-error');
    expect(within(error).getByTestId('model-download-reason').textContent).toBe('Kanjian did not understand this request.');
    expect(error.textContent).not.toContain('disk full');
    expect(within(offer).getByTestId('model-download-retry')).toBeTruthy();
  });

  it('turns into the model status when done, and search works', async () => {
    const { client, offer } = await firstRun();
    client.searchImpl = async () => ({ results: [], mode: 'search', notice: { code: 'search.needsModel' }, tookMs: 0 });
    await fireEvent.input(screen.getByTestId('search-input'), { target: { value: '红色' } });
    await screen.findByTestId('search-message');

    await fireEvent.click(within(offer).getByTestId('model-download'));
    await within(offer).findByTestId('model-download-progress');
    client.downloadProgress(DEFAULT.id, DEFAULT.sizeBytes / 2, { rate: 50 * MB, etaSeconds: 20 });
    client.searchImpl = async () => ({ mode: 'search', results: [{ photo: client.photos[0], score: 0.3, views: ['image'] }], model: DEFAULT.id, tookMs: 3 });
    await client.finishDownload(DEFAULT.id);

    await waitFor(() => expect(screen.getByTestId('model-name').textContent).toBe('XLM-Roberta-Base-ViT-B-32'));
    expect(screen.queryByTestId('model-missing')).toBeNull();
    expect(screen.queryByTestId('model-download-progress')).toBeNull();
    // The search that said "no model" runs again.
    await waitFor(() => expect(screen.getAllByTestId('match-views')).toHaveLength(1));
    // The library is being embedded with the new model; it is re-read as indexing moves.
    const line = screen.getByTestId('model-reembedding');
    expect(line.textContent).toContain('Embedding photos with XLM-Roberta-Base-ViT-B-32: 0 / 5');
    client.reembedProgress(3);
    client.emit({ type: 'progress', progress: { ...IDLE, state: 'indexing', done: 3, total: 5 } });
    await waitFor(() => expect(screen.getByTestId('model-reembedding').dataset.done).toBe('3'));
    client.reembedProgress(5);
    client.emit({ type: 'progress', progress: IDLE });
    await waitFor(() => expect(screen.queryByTestId('model-reembedding')).toBeNull());
  });

  it('says the download finished while the model loads', async () => {
    const { client, offer } = await firstRun();
    await fireEvent.click(within(offer).getByTestId('model-download'));
    await within(offer).findByTestId('model-download-progress');
    // The 'done' event comes before the core has loaded the model and announced it.
    client.emit({ type: 'download', download: { id: DEFAULT.id, state: 'done', bytes: 10, totalBytes: 10, rate: 0, etaSeconds: 0, file: null, error: null, errorCode: null } });
    expect((await within(offer).findByTestId('model-download-done')).textContent).toBe('Downloaded. Loading the model…');
  });

  it('shows a download already running when the page opens', async () => {
    const client = createFakeClient({ model: NO_MODEL });
    await client.downloadModel(DEFAULT.id);
    client.downloadProgress(DEFAULT.id, 800 * MB, { rate: 10 * MB, etaSeconds: 90 });
    client.downloadModel.mockClear();
    await renderApp({ client });
    const bar = await screen.findByTestId('model-download-progress');
    expect(bar.dataset.bytes).toBe(String(800 * MB));
    expect(screen.getByTestId('model-download-eta').textContent).toBe('about 2 min left');
    expect(client.downloadModel).not.toHaveBeenCalled();
  });

  it('offers "Use" when the recommended model is installed but none is in use', async () => {
    const client = createFakeClient({ model: NO_MODEL, models: MODELS.map((m) => (m.default ? { ...m, installed: true } : m)) });
    await renderApp({ client });
    const offer = await screen.findByTestId('model-offer');
    expect(within(offer).queryByTestId('model-download')).toBeNull();
    await fireEvent.click(within(offer).getByRole('button', { name: 'Use XLM-Roberta-Base-ViT-B-32' }));
    expect(client.useModel).toHaveBeenCalledWith(DEFAULT.id);
    await waitFor(() => expect(screen.getByTestId('model-name').textContent).toBe('XLM-Roberta-Base-ViT-B-32'));
  });
});
