// The model switcher: reachable from the model status; installed models can be chosen, others
// downloaded, export-only ones say so; a switch shows its re-embedding until search moves over.
import { describe, expect, it } from 'vitest';
import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import { renderApp } from './fixtures/render-app.ts';
import { createFakeClient, IDLE, MODEL, MODELS, NO_MODEL } from './fixtures/fake-client.ts';

const [XLM, CLIP, ERNIE] = MODELS;
const MB = 1_000_000;

/** XLM in use, Chinese-CLIP installed too. */
async function withTwoInstalled(locale?: 'en' | 'zh-CN') {
  const client = createFakeClient({
    model: MODEL,
    photoCount: 5,
    models: MODELS.map((m) => (m.id === CLIP.id ? { ...m, installed: true } : m)),
  });
  await renderApp({ client, locale });
  await waitFor(() => expect(client.listModels).toHaveBeenCalled());
  return client;
}

async function openSwitcher() {
  const toggle = await screen.findByTestId('model-switcher-toggle');
  expect(toggle.getAttribute('aria-expanded')).toBe('false');
  await fireEvent.click(toggle);
  expect(toggle.getAttribute('aria-expanded')).toBe('true');
  const list = screen.getByTestId('model-switcher');
  expect(toggle.getAttribute('aria-controls')).toBe(list.parentElement!.id);
  return list;
}

function option(id: string): HTMLElement {
  const el = screen.getAllByTestId('model-option').find((o) => o.dataset.modelId === id);
  if (!el) throw new Error(`no option for ${id}`);
  return el;
}

describe('model switcher', () => {
  it('is reachable from the model status and lists every model with what can be done', async () => {
    await withTwoInstalled();
    expect(screen.getByTestId('model-switcher-toggle').textContent?.trim()).toBe('Change model');
    expect(screen.queryByTestId('model-switcher')).toBeNull();
    await openSwitcher();
    expect(screen.getAllByTestId('model-option').map((o) => o.dataset.modelId)).toEqual([XLM.id, CLIP.id, ERNIE.id]);

    const xlm = option(XLM.id);
    expect(within(xlm).getByTestId('model-in-use').textContent).toBe('In use');
    expect(xlm.getAttribute('aria-current')).toBe('true');
    expect(within(xlm).queryByTestId('model-use')).toBeNull();
    expect(xlm.textContent).toContain('Recommended');

    const clip = option(CLIP.id);
    expect(within(clip).getByRole('button', { name: 'Use Chinese-CLIP ViT-B/16' }).dataset.testid).toBe('model-use');
    expect(within(clip).getByTestId('model-size').textContent).toBe('725 MB');
    expect(clip.textContent).toContain('Chinese');

    const ernie = option(ERNIE.id);
    expect(within(ernie).getByTestId('model-needs-export').textContent).toContain('Install it from a folder');
    expect(within(ernie).queryByRole('button')).toBeNull();

    // Esc closes it, also with focus still on the toggle.
    const toggle = screen.getByTestId('model-switcher-toggle');
    toggle.focus();
    await fireEvent.keyDown(toggle, { key: 'Escape' });
    expect(screen.queryByTestId('model-switcher')).toBeNull();
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    expect(document.activeElement).toBe(toggle);
  });

  it('offers a download for models not installed', async () => {
    const client = createFakeClient({ model: MODEL });
    await renderApp({ client });
    await openSwitcher();
    const clip = option(CLIP.id);
    await fireEvent.click(within(clip).getByRole('button', { name: 'Download (725 MB) — Chinese-CLIP ViT-B/16' }));
    expect(client.downloadModel).toHaveBeenCalledWith(CLIP.id);
    await within(clip).findByTestId('model-download-progress');
    client.downloadProgress(CLIP.id, 100 * MB, { rate: 5 * MB, etaSeconds: 125 });
    await waitFor(() => expect(within(clip).getByTestId('model-download-bytes').textContent).toBe('100 MB of 725 MB'));

    // Closed, the switcher leaves the download visible under the status.
    await fireEvent.keyDown(screen.getByTestId('model-switcher'), { key: 'Escape' });
    expect(screen.queryByTestId('model-switcher')).toBeNull();
    expect(document.activeElement).toBe(screen.getByTestId('model-switcher-toggle'));
    const running = screen.getByTestId('model-other-download');
    expect(running.dataset.modelId).toBe(CLIP.id);
    expect(within(running).getByTestId('model-download-progress').dataset.bytes).toBe(String(100 * MB));

    // Done: installed, but the model in use stays (only the first model is used by itself).
    await client.finishDownload(CLIP.id);
    await waitFor(() => expect(screen.queryByTestId('model-other-download')).toBeNull());
    expect(screen.getByTestId('model-name').textContent).toBe(MODEL.name);
    await openSwitcher();
    await waitFor(() => expect(within(option(CLIP.id)).getByTestId('model-use')).toBeTruthy());
    expect(client.useModel).not.toHaveBeenCalled();
  });

  it('switches with "Use" and shows the re-embedding until search moves over', async () => {
    const client = await withTwoInstalled();
    await openSwitcher();
    await fireEvent.click(within(option(CLIP.id)).getByTestId('model-use'));
    expect(client.useModel).toHaveBeenCalledWith(CLIP.id);
    await waitFor(() => expect(screen.getByTestId('model-name').textContent).toBe(CLIP.name));
    const line = screen.getByTestId('model-reembedding');
    expect(line.textContent?.trim()).toBe(
      'Re-embedding with Chinese-CLIP ViT-B/16: 0 / 5; search uses XLM-Roberta-Base-ViT-B-32 until then.',
    );
    await waitFor(() => expect(within(option(CLIP.id)).getByTestId('model-in-use')).toBeTruthy());
    expect(within(option(XLM.id)).getByTestId('model-use')).toBeTruthy();

    // Progress is re-read as indexing events flow…
    client.reembedProgress(2);
    client.emit({ type: 'progress', progress: { ...IDLE, state: 'indexing', done: 2, total: 5 } });
    await waitFor(() => expect(screen.getByTestId('model-reembedding').textContent).toContain('2 / 5'));
    // …and the core announces the end of the switch.
    client.reembedProgress(5);
    await waitFor(() => expect(screen.queryByTestId('model-reembedding')).toBeNull());
  });

  it('says it in Chinese', async () => {
    const client = await withTwoInstalled('zh-CN');
    expect(screen.getByTestId('model-switcher-toggle').textContent?.trim()).toBe('更换模型');
    await openSwitcher();
    expect(within(option(XLM.id)).getByTestId('model-in-use').textContent).toBe('使用中');
    expect(within(option(ERNIE.id)).getByTestId('model-needs-export').textContent).toContain('从文件夹安装');
    await fireEvent.click(within(option(CLIP.id)).getByTestId('model-use'));
    await waitFor(() => expect(client.useModel).toHaveBeenCalled());
    await waitFor(() =>
      expect(screen.getByTestId('model-reembedding').textContent?.trim()).toBe(
        '正在用 Chinese-CLIP ViT-B/16 重建语义索引：0 / 5；完成前搜索仍使用 XLM-Roberta-Base-ViT-B-32。',
      ),
    );
  });

  it('shows why a switch failed', async () => {
    const client = await withTwoInstalled();
    client.useModel.mockRejectedValueOnce(Object.assign(new Error('model.onnx is damaged'), { code: 'validation' }));
    await openSwitcher();
    await fireEvent.click(within(option(CLIP.id)).getByTestId('model-use'));
    expect((await within(option(CLIP.id)).findByTestId('model-action-error')).textContent).toBe('Could not do that: Kanjian did not understand this request.');
    expect(screen.getByTestId('model-name').textContent).toBe(MODEL.name);
  });

  it('is reachable on first run too, to pick another model', async () => {
    const client = createFakeClient({ model: NO_MODEL });
    await renderApp({ client });
    const toggle = await screen.findByTestId('model-switcher-toggle');
    expect(toggle.textContent?.trim()).toBe('All models');
    await fireEvent.click(toggle);
    await fireEvent.click(within(option(CLIP.id)).getByTestId('model-download'));
    expect(client.downloadModel).toHaveBeenCalledWith(CLIP.id);
    // The offer of the recommended model is untouched.
    expect(within(screen.getByTestId('model-offer')).getByTestId('model-download')).toBeTruthy();
  });
});
