import { describe, expect, it } from 'vitest';
import { screen, waitFor } from '@testing-library/svelte';
import { renderApp } from './fixtures/render-app.ts';
import { createFakeClient, MODEL, modelInfo, NO_MODEL } from './fixtures/fake-client.ts';

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
    await renderApp({ model: { ...MODEL, provider, providerNote: 'CUDA unavailable: fell back to CPU' } });
    expect(screen.getByTestId('model-provider').textContent?.trim()).toBe(label);
    expect(screen.getByTestId('model-provider-note').textContent).toBe('CUDA unavailable: fell back to CPU');
  });

  it('explains that search needs a model when none is installed', async () => {
    await renderApp({ model: NO_MODEL });
    const panel = screen.getByTestId('model-missing');
    expect(panel.textContent).toContain('No model installed');
    expect(panel.textContent).toContain('Search by meaning needs a model');
    expect(screen.queryByTestId('model-status')).toBeNull();
  });

  it('falls back to the CLI instructions when the models cannot be listed', async () => {
    const client = createFakeClient({ model: NO_MODEL });
    client.listModels.mockRejectedValue(new Error('unknown method listModels'));
    await renderApp({ client });
    await screen.findByTestId('model-howto');
    const panel = screen.getByTestId('model-missing');
    expect(screen.getByTestId('model-howto').textContent).toBe('npm run -s cli -- models list');
    expect(screen.getByTestId('model-list-error').textContent).toContain('unknown method listModels');
    expect(panel.querySelector('button')).toBeNull();
    expect(screen.queryByTestId('model-switcher-toggle')).toBeNull();
  });

  it('falls back to the CLI instructions when no model can be downloaded', async () => {
    await renderApp({ model: NO_MODEL, models: [modelInfo('ernie', { downloadable: false })] });
    await screen.findByTestId('model-howto');
    expect(screen.queryByTestId('model-download')).toBeNull();
    expect(screen.queryByTestId('model-list-error')).toBeNull();
  });

  it('follows model events and re-runs the search once a model arrives', async () => {
    const client = createFakeClient({ photoCount: 5, model: NO_MODEL });
    client.searchImpl = async () => ({ results: [], message: 'no model installed', tookMs: 0 });
    await renderApp({ client });
    const { fireEvent } = await import('@testing-library/svelte');
    await fireEvent.input(screen.getByTestId('search-input'), { target: { value: 'cat' } });
    await screen.findByTestId('search-message');
    client.searchImpl = async () => ({ results: [{ photo: client.photos[0], score: 0.3, views: ['image'] }], tookMs: 3 });
    client.emit({ type: 'model', model: { ...MODEL, provider: 'dml' } });
    await waitFor(() => expect(screen.getByTestId('model-provider').textContent?.trim()).toBe('DirectML'));
    await waitFor(() => expect(screen.getAllByTestId('score')).toHaveLength(1));
    expect(screen.queryByTestId('search-message')).toBeNull();
  });
});
