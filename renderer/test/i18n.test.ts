import { afterEach, describe, expect, it } from 'vitest';
import { fireEvent, screen, waitFor } from '@testing-library/svelte';
import { renderApp } from './fixtures/render-app.ts';
import { createFakeClient } from './fixtures/fake-client.ts';
import { detectLocale } from '../src/i18n/i18n.svelte.ts';

function setLanguages(langs: string[] | null) {
  if (langs) Object.defineProperty(navigator, 'languages', { value: langs, configurable: true });
  else delete (navigator as unknown as Record<string, unknown>).languages;
}

describe('language', () => {
  afterEach(() => setLanguages(null));

  it('picks 简体中文 for any zh* browser language, else English', () => {
    expect(detectLocale(['zh-TW', 'en'])).toBe('zh-CN');
    expect(detectLocale(['zh'])).toBe('zh-CN');
    expect(detectLocale(['en-GB', 'zh-CN'])).toBe('en');
    expect(detectLocale(['fr-FR', 'de'])).toBe('en');
    expect(detectLocale(['fr-FR', 'zh-Hans-CN'])).toBe('zh-CN');
    expect(detectLocale([])).toBe('en');
  });

  it('starts in Chinese when the browser prefers it', async () => {
    setLanguages(['zh-CN', 'zh']);
    await renderApp({});
    expect((screen.getByTestId('search-input') as HTMLInputElement).placeholder).toMatch(/用中文或英文搜索/);
    expect(document.documentElement.lang).toBe('zh-CN');
  });

  it('switches both ways and remembers the choice in the app settings (not per-origin storage)', async () => {
    const client = createFakeClient({ photoCount: 2 });
    const first = await renderApp({ client });
    const input = () => screen.getByTestId('search-input') as HTMLInputElement;
    const sw = () => screen.getByTestId('language-switch') as HTMLSelectElement;
    expect(input().placeholder).toMatch(/Search in Chinese or English/);
    expect(screen.getByTestId('result-count').textContent).toContain('2 photos');

    await fireEvent.change(sw(), { target: { value: 'zh-CN' } });
    await waitFor(() => expect(input().placeholder).toMatch(/用中文或英文搜索/));
    expect(screen.getByTestId('result-count').textContent).toContain('2 张照片');
    expect(screen.getByText('文件夹')).toBeTruthy();
    expect(document.documentElement.lang).toBe('zh-CN');
    expect(client.updateSettings).toHaveBeenLastCalledWith({ language: 'zh' });
    expect(localStorage.getItem('kanjian.locale')).toBeNull();

    // A restart (new page, maybe a new port): the core's settings bring the language back.
    first.unmount();
    await renderApp({ client });
    await waitFor(() => expect(input().placeholder).toMatch(/用中文或英文搜索/));
    expect(sw().value).toBe('zh-CN');

    await fireEvent.change(sw(), { target: { value: 'en' } });
    await waitFor(() => expect(input().placeholder).toMatch(/Search in Chinese or English/));
    expect(screen.getByText('Folders')).toBeTruthy();
    expect(client.updateSettings).toHaveBeenLastCalledWith({ language: 'en' });
    expect(document.documentElement.lang).toBe('en');
  });

});

describe('theme', () => {
  it('switches light/dark and remembers it in the app settings', async () => {
    const client = createFakeClient();
    const first = await renderApp({ client });
    const sw = () => screen.getByTestId('theme-switch') as HTMLSelectElement;
    expect(sw().value).toBe('system');
    expect(document.documentElement.dataset.theme).toBe('light'); // jsdom has no dark preference
    await fireEvent.change(sw(), { target: { value: 'dark' } });
    expect(document.documentElement.dataset.theme).toBe('dark');
    expect(client.updateSettings).toHaveBeenLastCalledWith({ theme: 'dark' });
    expect(localStorage.getItem('kanjian.theme')).toBeNull();
    first.unmount();
    await renderApp({ client });
    await waitFor(() => expect(sw().value).toBe('dark'));
    expect(document.documentElement.dataset.theme).toBe('dark');
    await fireEvent.change(sw(), { target: { value: 'light' } });
    expect(document.documentElement.dataset.theme).toBe('light');
  });

  it('follows prefers-color-scheme when set to system', async () => {
    const listeners: ((e: { matches: boolean }) => void)[] = [];
    const original = window.matchMedia;
    window.matchMedia = ((query: string) => ({
      matches: true,
      media: query,
      addEventListener: (_: string, l: (e: { matches: boolean }) => void) => listeners.push(l),
      removeEventListener: () => {},
    })) as unknown as typeof window.matchMedia;
    try {
      await renderApp({});
      expect(document.documentElement.dataset.theme).toBe('dark');
      listeners.forEach((l) => l({ matches: false }));
      expect(document.documentElement.dataset.theme).toBe('light');
    } finally {
      window.matchMedia = original;
    }
  });
});
