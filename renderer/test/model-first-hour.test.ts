// The model panel for a user with no model, maybe no internet: plain names, a download source
// they can change, a failure said once in their language with what to do, and a model copied on
// a USB stick installed from a folder.
import { describe, expect, it } from 'vitest';
import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import { renderApp } from './fixtures/render-app.ts';
import { coded, createFakeClient, MODEL, MODELS, NO_MODEL } from './fixtures/fake-client.ts';

const DEFAULT = MODELS[0];

describe('model panel, first hour', () => {
  it('names models by what they are for, in the UI language', async () => {
    const client = createFakeClient({ model: NO_MODEL, models: MODELS.map((m, k) => ({ ...m, role: (['default', 'chinese', 'quality'] as const)[k] })) });
    await renderApp({ client, locale: 'zh-CN' });
    const offer = await screen.findByTestId('model-offer');
    expect(within(offer).getByTestId('model-offer-role').textContent).toBe('双语，快速（默认）');
    await fireEvent.click(screen.getByTestId('model-switcher-toggle'));
    expect(screen.getAllByTestId('model-option-role').map((r) => r.textContent)).toEqual(['双语，快速（默认）', '中文，更准确', '双语，最准确']);
  });

  it('shows a failed download once, from its code, in a bounded box with what to do', async () => {
    const client = createFakeClient({ model: NO_MODEL });
    await renderApp({ client, locale: 'zh-CN' });
    const offer = await screen.findByTestId('model-offer');
    await fireEvent.click(within(offer).getByTestId('model-download'));
    await within(offer).findByTestId('model-download-progress');
    client.failDownload(DEFAULT.id, 'Cannot list the files of x: fetch failed', 'download.offline', { host: 'huggingface.co' });
    const errors = await screen.findAllByTestId('model-download-error');
    expect(errors).toHaveLength(1);
    expect(within(errors[0]).getByTestId('model-download-reason').textContent).toBe(
      '无法连接 huggingface.co：这台电脑似乎没有联网。请检查网络，或安装从其他电脑拷来的模型。',
    );
    expect(errors[0].textContent).not.toMatch(/fetch failed|Cannot list/);
    expect(errors[0].classList.contains('notice')).toBe(true); // the bounded box (max-height, wraps anywhere)
    expect(screen.getByTestId('model-download-retry')).toBeTruthy();
  });

  it('saves the download source: a Hugging Face mirror, or ModelScope; refuses a bad address with its reason', async () => {
    const client = createFakeClient({ model: NO_MODEL });
    await renderApp({ client, locale: 'en' });
    await fireEvent.click(screen.getByTestId('model-source-toggle'));
    const form = await screen.findByTestId('model-source');
    const endpoint = within(form).getByTestId('source-endpoint') as HTMLInputElement;
    await fireEvent.input(endpoint, { target: { value: 'http://mirror.example' } });
    await fireEvent.click(within(form).getByTestId('source-save'));
    expect((await within(form).findByTestId('source-error')).textContent).toBe(
      'The mirror address must start with https:// (http:// only for this computer).',
    );
    await fireEvent.input(endpoint, { target: { value: 'https://hf-mirror.example' } });
    await fireEvent.click(within(form).getByTestId('source-save'));
    await within(form).findByTestId('source-saved');
    expect(client.updateSettings).toHaveBeenLastCalledWith({ downloadSource: 'huggingface', hfEndpoint: 'https://hf-mirror.example' });
    await fireEvent.click(within(form).getByTestId('source-modelscope'));
    expect(endpoint.disabled).toBe(true);
    await fireEvent.click(within(form).getByTestId('source-save'));
    await waitFor(() => expect(client.settings.downloadSource).toBe('modelscope'));
  });

  it('installs a model copied from another computer, through the folder browser (browser shell)', async () => {
    const client = createFakeClient({ model: NO_MODEL, photoCount: 2 });
    await renderApp({ client, locale: 'en' });
    await fireEvent.click(screen.getByTestId('model-install-folder'));
    const dialog = await screen.findByTestId('folder-browser');
    expect(dialog.textContent).toContain('Install a model from a folder');
    await waitFor(() => expect(dialog.dataset.path).toBe('/home/li'));
    // The wrong folder first: its reason, from the code.
    await fireEvent.click(within(dialog).getByTestId('picker-action'));
    expect((await within(dialog).findByTestId('picker-error')).textContent).toBe('This is not a Kanjian model package: manifest.json is missing.');
    await fireEvent.click(within(dialog).getAllByTestId('picker-entry').find((e) => e.dataset.path === '/home/li/下载')!);
    await waitFor(() => expect(dialog.dataset.path).toBe('/home/li/下载'));
    await fireEvent.click(within(dialog).getByTestId('picker-entry'));
    await waitFor(() => expect(dialog.dataset.path).toBe('/home/li/下载/model-copy'));
    await fireEvent.click(within(dialog).getByTestId('picker-action'));
    await waitFor(() => expect(screen.queryByTestId('folder-browser')).toBeNull());
    expect(client.installModelFromFolder).toHaveBeenLastCalledWith({ path: '/home/li/下载/model-copy' });
    expect((await screen.findByTestId('model-install-done')).textContent).toBe(`Installed ${DEFAULT.name}.`);
    await waitFor(() => expect(screen.getByTestId('model-name').textContent).toBe(DEFAULT.name));
  });

  it('uses the native picker on the desktop', async () => {
    const client = createFakeClient({ model: NO_MODEL, desktop: true });
    client.desktop!.pickFolder.mockResolvedValueOnce('/media/usb/kanjian-model.zip');
    client.installModelFromFolder.mockRejectedValueOnce(coded('install.hashMismatch', 'hash', { file: 'visual/model.onnx' }));
    await renderApp({ client, locale: 'zh-CN' });
    await fireEvent.click(screen.getByTestId('model-install-folder'));
    expect((await screen.findByTestId('model-install-error')).textContent).toBe('visual/model.onnx 与发布的模型不一致，拷贝已损坏。');
    expect(screen.queryByTestId('folder-browser')).toBeNull();
    expect(client.installModelFromFolder).toHaveBeenCalledWith({ path: '/media/usb/kanjian-model.zip' });
  });

  it('shows the provider neutrally, and a note only when the core sent one', async () => {
    const client = createFakeClient({ model: { ...MODEL, provider: 'cpu', providerNote: null } });
    await renderApp({ client, locale: 'zh-CN' });
    expect(screen.getByTestId('model-provider').textContent?.trim()).toBe('CPU');
    expect(screen.queryByTestId('model-provider-note')).toBeNull();
    client.emit({ type: 'model', model: { ...MODEL, provider: 'cpu', providerNote: { code: 'model.gpuUnavailable', params: { requested: 'CUDA', using: 'CPU' } } } });
    await waitFor(() => expect(screen.getByTestId('model-provider-note').textContent).toBe('这台电脑无法使用 CUDA，改用 CPU 运行。'));
  });
});
