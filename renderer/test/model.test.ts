import { describe, expect, it } from 'vitest';
import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import { renderApp } from './fixtures/render-app.ts';
import { createFakeClient, MODEL, MODELS, modelInfo, NO_MODEL } from './fixtures/fake-client.ts';

describe('model status', () => {
  it('shows the model and its execution provider', async () => {
    await renderApp({ model: MODEL });
    expect(screen.getByTestId('model-name').textContent).toBe('XLM-Roberta-Base-ViT-B-32');
    expect(screen.getByTestId('model-provider').textContent?.trim()).toBe('CUDA');
    expect(screen.queryByTestId('model-missing')).toBeNull();
  });

  it.each([
    ['cpu', 'CPU'],
    ['dml', 'DirectML'],
    ['coreml', 'CoreML'],
  ] as const)('names provider %s as %s, with the fallback note', async (provider, label) => {
    await renderApp({ model: { ...MODEL, provider, providerNote: { code: 'model.gpuUnavailable', params: { requested: 'CUDA', using: 'CPU' } } } });
    expect(screen.getByTestId('model-provider').textContent?.trim()).toBe(label);
    expect(screen.getByTestId('model-provider-note').textContent).toBe('CUDA could not be used on this computer; running on CPU.');
  });

  it('explains that search needs a model when none is installed', async () => {
    await renderApp({ model: NO_MODEL });
    const panel = screen.getByTestId('model-missing');
    expect(panel.textContent).toContain('No model installed');
    expect(panel.textContent).toContain('Search by meaning needs a model');
    expect(screen.queryByTestId('model-status')).toBeNull();
  });

  it('says the models could not be listed, in the UI language, and offers to try again (no shell command)', async () => {
    const client = createFakeClient({ model: NO_MODEL });
    client.listModels.mockRejectedValue(new TypeError('Failed to fetch'));
    await renderApp({ client });
    const error = await screen.findByTestId('model-list-error');
    expect(error.textContent).toBe('Could not list the models: Kanjian cannot be reached. Check that it is still running.');
    const panel = screen.getByTestId('model-missing');
    expect(panel.textContent).not.toMatch(/npm|cli --/);
    client.listModels.mockResolvedValue(MODELS);
    await fireEvent.click(screen.getByTestId('model-list-retry'));
    await within(panel).findByTestId('model-offer');
    expect(screen.queryByTestId('model-list-error')).toBeNull();
  });

  it('shows no download and no shell command when no model can be downloaded', async () => {
    await renderApp({ model: NO_MODEL, models: [modelInfo('ernie', { downloadable: false })] });
    await waitFor(() => expect(screen.getByTestId('model-missing').textContent).toContain('No model installed'));
    expect(screen.queryByTestId('model-download')).toBeNull();
    expect(screen.queryByTestId('model-list-error')).toBeNull();
    expect(screen.getByTestId('model-panel').textContent).not.toMatch(/npm|cli --/);
  });

  it('follows model events and re-runs the search once a model arrives', async () => {
    const client = createFakeClient({ photoCount: 5, model: NO_MODEL });
    client.searchImpl = async () => ({ results: [], mode: 'search', notice: { code: 'search.needsModel' }, tookMs: 0 });
    await renderApp({ client });
    const { fireEvent } = await import('@testing-library/svelte');
    await fireEvent.input(screen.getByTestId('search-input'), { target: { value: 'cat' } });
    await screen.findByTestId('search-message');
    client.searchImpl = async () => ({ mode: 'search', results: [{ photo: client.photos[0], score: 0.3, views: ['image'] }], tookMs: 3 });
    client.emit({ type: 'model', model: { ...MODEL, provider: 'dml' } });
    await waitFor(() => expect(screen.getByTestId('model-provider').textContent?.trim()).toBe('DirectML'));
    await waitFor(() => expect(screen.getAllByTestId('match-views')).toHaveLength(1));
    expect(screen.queryByTestId('search-message')).toBeNull();
  });
});
