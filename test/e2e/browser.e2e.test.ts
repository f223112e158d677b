// The app in a real browser: `serve` in a child process, the built renderer, Debian's Chromium.
// Adds a folder of generated coloured photos (nested, some Chinese names), watches indexing
// finish, searches in Chinese and English, opens the viewer and switches the UI language,
// with a screenshot of each step in test-output/e2e/.
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeColourPhotos, type MadePhoto } from '../integration/server/make-photos.js';
import type { ServeProcess } from './serve-process.js';
import { gridPaths as gridPathsOf, searchFor } from './browser.js';
import { e2eTmp, haveChromium, startApp, stopApp, TEST_SHOTS, TOY_COLOURS, type E2eApp } from './app.js';
import { addFolderInBrowser } from './add-folder.js';

let tmp: string;
let photosDir: string;
let photos: MadePhoto[];
let app: E2eApp | undefined;
let serve: ServeProcess;
let page: Page;
const problems: string[] = [];

const shot = (name: string) => page.screenshot({ path: path.join(TEST_SHOTS, name), fullPage: false });

const gridPaths = () => gridPathsOf(page);
const search = (query: string) => searchFor(page, query);

describe.skipIf(!haveChromium)('Kanjian in Chromium over the HTTP shell', () => {
  beforeAll(async () => {
    tmp = e2eTmp('browser');
    photosDir = path.join(tmp, '我的照片 My Photos');
    photos = await makeColourPhotos(photosDir);

    app = await startApp(tmp, { dataDir: path.join(tmp, 'data'), model: TOY_COLOURS }, { problems });
    ({ serve, page } = app);
  });

  afterAll(async () => {
    const stopped = await stopApp(app, tmp);
    if (stopped) {
      expect(stopped.code, stopped.stderr).toBe(0);
      expect(stopped.stderr).toContain('Stopping');
    }
  });

  it('opens with the token and takes it out of the address bar', async () => {
    const res = await page.goto(serve.url);
    expect(res?.status()).toBe(200);
    expect(res?.headers()['content-security-policy']).toContain("default-src 'self'");
    await page.getByTestId('folder-add').waitFor();
    expect(page.url()).not.toContain('token=');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('zh-CN');
    await shot('01-start.png');
  });

  it('adds a folder and shows indexing reach done', async () => {
    await addFolderInBrowser(page, photosDir);
    await page.locator(`[data-testid="folder-row"][data-path="${photosDir}"]`).waitFor();
    const bar = page.getByTestId('progress-bar');
    await expect
      .poll(async () => [await bar.getAttribute('data-state'), await bar.getAttribute('data-done')], { timeout: 60_000 })
      .toEqual(['idle', String(photos.length)]);
    await expect.poll(() => page.getByTestId('progress-state').textContent()).toBe(`${photos.length} 张照片已全部索引`);
    // The browse grid fills with every photo, thumbnails loaded through /media/thumb.
    await expect.poll(async () => (await gridPaths()).length, { timeout: 15_000 }).toBe(photos.length);
    await expect
      .poll(() => page.$$eval('[data-testid="grid-cell"] img', (imgs) => imgs.filter((i) => (i as HTMLImageElement).naturalWidth > 0).length), { timeout: 15_000 })
      .toBe(photos.length);
    await shot('02-indexed.png');
  });

  it('finds the red photos first for "红色"', async () => {
    const paths = await search('红色');
    const reds = photos.filter((p) => p.colour === 'red').map((p) => p.path);
    expect(paths.slice(0, reds.length).sort()).toEqual([...reds].sort());
    await shot('03-search-zh.png');
  });

  it('finds the red photos first for "red"', async () => {
    const paths = await search('red');
    const reds = photos.filter((p) => p.colour === 'red').map((p) => p.path);
    expect(paths.slice(0, reds.length).sort()).toEqual([...reds].sort());
    await shot('04-search-en.png');
  });

  it('opens the viewer on a result with the original image', async () => {
    const first = page.locator('[data-testid="grid-cell"][data-index="0"]');
    const firstPath = await first.getAttribute('data-path');
    await first.click();
    const viewer = page.getByTestId('viewer');
    await viewer.waitFor();
    expect(await viewer.getAttribute('data-path')).toBe(firstPath);
    const img = page.getByTestId('viewer-image');
    await expect.poll(() => img.evaluate((i) => (i as HTMLImageElement).naturalWidth), { timeout: 15_000 }).toBeGreaterThan(0);
    // The screen-sized preview the core makes for every format (HEIC and TIFF too).
    expect(await img.getAttribute('src')).toMatch(/\/media\/preview\/\d+\?token=/);
    expect(await page.getByTestId('viewer-path').textContent()).toBe(firstPath);
    await shot('05-viewer.png');
    await page.getByTestId('viewer-close').click();
    await viewer.waitFor({ state: 'detached' });
  });

  it('switches the UI language', async () => {
    await page.getByTestId('language-switch').selectOption('en');
    await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe('en');
    await expect.poll(() => page.getByTestId('progress-state').textContent()).toBe(`All ${photos.length} photos indexed`);
    await shot('06-language-en.png');
    // Remembered across a reload (the token survives in sessionStorage).
    await page.reload();
    await page.getByTestId('search-input').waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
  });

  it('ran without console errors, CSP violations or remote requests', () => {
    expect(problems).toEqual([]);
  });
});
