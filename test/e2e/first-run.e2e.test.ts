// First run in a real browser: `serve` without a model, a registry naming a package on a local
// fake Hugging Face hub. Photos are indexed (thumbnails, no vectors) while no model is installed;
// the panel offers the default model with its size; Download shows progress (and Cancel works);
// once done the panel shows the model, "红色" finds the red photos and the switcher lists the model
// as in use. Screenshots of each step go
// to test-output/e2e/first-run-*.png.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeColourPhotos, type MadePhoto } from '../integration/server/make-photos.js';
import { FakeHub, FIXTURE_REPO, FIXTURE_REVISION, publishToyColors, toyColorsEntry } from '../integration/models/fake-hub.js';
import type { ServeProcess } from './serve-process.js';
import { gridPaths as gridPathsOf, searchFor } from './browser.js';
import { e2eTmp, haveChromium, startApp, stopApp, TEST_SHOTS, type E2eApp } from './app.js';
import { addFolderInBrowser } from './add-folder.js';

const MODEL_ID = 'colours-a';
const MODEL_NAME = 'Colours A';
/** The package's 2 MB external-data file, trickled out so the progress bar can be seen. */
const SLOW = { kind: 'slow', chunk: 32 * 1024, everyMs: 60 } as const;

let tmp: string;
let hub: FakeHub;
let photosDir: string;
let photos: MadePhoto[];
let app: E2eApp | undefined;
let serve: ServeProcess;
let page: Page;
const problems: string[] = [];

const shot = (name: string) => page.screenshot({ path: path.join(TEST_SHOTS, `first-run-${name}`), fullPage: false });
const offer = () => page.getByTestId('model-offer');

const gridPaths = () => gridPathsOf(page);

describe.skipIf(!haveChromium)('first run in Chromium: no model, download the default, search', () => {
  beforeAll(async () => {
    tmp = e2eTmp('first-run');
    photosDir = path.join(tmp, '我的照片 My Photos');
    photos = await makeColourPhotos(photosDir);

    hub = await new FakeHub().start();
    publishToyColors(hub);
    // Two slow answers: the download that is cancelled, then the one that finishes.
    hub.fault(FIXTURE_REPO, FIXTURE_REVISION, 'visual/weights.bin', SLOW, SLOW);
    const registryFile = path.join(tmp, 'registry.json');
    writeFileSync(
      registryFile,
      JSON.stringify({ schemaVersion: 1, defaultModel: MODEL_ID, models: [toyColorsEntry({ id: MODEL_ID, name: MODEL_NAME, fixture: false })] }),
    );

    app = await startApp(tmp, { dataDir: path.join(tmp, 'data'), env: { KANJIAN_REGISTRY: registryFile, HF_ENDPOINT: hub.url } }, { problems });
    ({ serve, page } = app);
  });

  afterAll(async () => {
    const stopped = await stopApp(app, tmp);
    await hub?.stop();
    if (stopped) expect(stopped.code, stopped.stderr).toBe(0);
  });

  it('opens on the first-run panel offering the default model with its size', async () => {
    await page.goto(serve.url);
    await page.getByTestId('model-missing').waitFor();
    await offer().waitFor();
    expect(await offer().getAttribute('data-model-id')).toBe(MODEL_ID);
    expect(await offer().textContent()).toContain(MODEL_NAME);
    expect(await page.getByTestId('model-missing').textContent()).toContain('未安装模型');
    expect(await offer().getByTestId('model-size').textContent()).toMatch(/^\d+(\.\d)? (kB|MB|GB)$/);
    expect(await offer().getByTestId('model-languages').textContent()).toBe('中文、英语');
    await offer().getByTestId('model-download').waitFor();
    await shot('01-no-model.png');
  });

  it('indexes a folder (thumbnails) while no model is installed', async () => {
    await addFolderInBrowser(page, photosDir);
    const bar = page.getByTestId('progress-bar');
    await expect
      .poll(async () => [await bar.getAttribute('data-state'), await bar.getAttribute('data-done')], { timeout: 60_000 })
      .toEqual(['idle', String(photos.length)]);
    await expect.poll(async () => (await gridPaths()).length, { timeout: 15_000 }).toBe(photos.length);
    await expect
      .poll(() => page.$$eval('[data-testid="grid-cell"] img', (imgs) => imgs.filter((i) => (i as HTMLImageElement).naturalWidth > 0).length), { timeout: 15_000 })
      .toBe(photos.length);
    // Still no model: the offer stands.
    expect(await page.getByTestId('model-status').count()).toBe(0);
    await offer().getByTestId('model-download').waitFor();
    await shot('02-indexed-without-model.png');
  });

  it('downloads with a progress bar, and Cancel stops it', async () => {
    await offer().getByTestId('model-download').click();
    const progress = offer().getByTestId('model-download-progress');
    await progress.waitFor();
    await expect.poll(async () => Number(await progress.getAttribute('data-bytes')), { timeout: 15_000 }).toBeGreaterThan(0);
    await offer().getByTestId('model-download-cancel').click();
    await offer().getByTestId('model-download-cancelled').waitFor();
    expect(await offer().getByTestId('model-download-cancelled').textContent()).toBe('下载已取消。');
    await shot('03-cancelled.png');
  });

  it('downloads again, shows bytes, rate and time left, then the model status', async () => {
    await offer().getByTestId('model-download').click();
    const progress = offer().getByTestId('model-download-progress');
    await progress.waitFor();
    await expect.poll(async () => Number(await progress.getAttribute('data-bytes')), { timeout: 15_000 }).toBeGreaterThan(256 * 1024);
    expect(await offer().getByTestId('model-download-bytes').textContent()).toMatch(/\d+(\.\d)? (kB|MB) \/ \d+(\.\d)? MB/);
    await offer().getByTestId('model-download-rate').waitFor();
    expect(await offer().getByTestId('model-download-cancel').isVisible()).toBe(true);
    await shot('04-downloading.png');

    await page.getByTestId('model-status').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('model-name').textContent()).toBe(MODEL_NAME);
    expect(await page.getByTestId('model-missing').count()).toBe(0);
    // The library gets its vectors; the line goes once every photo has one.
    await expect.poll(() => page.getByTestId('model-reembedding').count(), { timeout: 60_000 }).toBe(0);
    await shot('05-model-ready.png');
  });

  it('finds the red photos first for "红色"', async () => {
    const paths = await searchFor(page, '红色');
    const reds = photos.filter((p) => p.colour === 'red').map((p) => p.path).sort();
    expect(paths.slice(0, reds.length).sort()).toEqual(reds);
    await shot('06-search.png');
  });

  it('lists the model as in use in the model switcher', async () => {
    const toggle = page.getByTestId('model-switcher-toggle');
    await toggle.click();
    expect(await toggle.getAttribute('aria-expanded')).toBe('true');
    const option = page.locator(`[data-testid="model-option"][data-model-id="${MODEL_ID}"]`);
    await option.getByTestId('model-in-use').waitFor();
    expect(await option.getByTestId('model-in-use').textContent()).toBe('使用中');
    await shot('07-switcher.png');
    await page.keyboard.press('Escape');
    await page.getByTestId('model-switcher').waitFor({ state: 'detached' });
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('model-switcher-toggle');
  });

  it('ran without console errors, CSP violations or remote requests', () => {
    expect(problems).toEqual([]);
  });
});
