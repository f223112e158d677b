// The first hour of a real user, in Chromium against the real `serve` process: no model, a
// Chinese UI, no internet (the Hugging Face endpoint is a closed port on 127.0.0.1).
//   - the empty library says so and offers "Add folder"; the folder browser adds a folder;
//   - without a model, search finds a photo by the text in it (OCR) and filters alone list photos;
//   - the download fails: said once, in Chinese, with what to do; a file that cannot be read says
//     why in Chinese; no English sentence anywhere in those places;
//   - a model copied from another computer is installed from a folder;
//   - axe-core finds no serious or critical violation on any main screen, in both languages and
//     both themes; at 800×600 the photos get most of the window;
//   - a restarted server leads to the page that tells the truth.
// Screenshots of the first run (1280×800) go to docs/screenshots/.
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTextPhoto } from '../integration/ocr/text-photos.js';
import { TOY_MODEL } from '../helpers/cli.js';
import { startServe, type ServeProcess } from './serve-process.js';
import { gridPaths as gridPathsOf } from './browser.js';
import { e2eTmp, haveChromium, LOOKS, SCREENSHOTS, setLook as setLookOf, short, startApp, stopApp, type E2eApp, type Language, type Theme } from './app.js';
import { describeViolations, seriousViolations } from './axe.js';


/** Names that stay Latin in Chinese text; anything else with ≥ 3 Latin words in a row is English left on screen. */
const LATIN_NAMES = /Kanjian|Hugging Face|ModelScope|CUDA|CPU|GPU|JPEG|HEIC|EXIF|GPS/g;
function englishSentences(text: string): string[] {
  return text.replace(LATIN_NAMES, ' ').match(/[A-Za-z][A-Za-z'’]*(?:[ ,;:.\-]+[A-Za-z][A-Za-z'’]*){2,}/g) ?? [];
}

let tmp: string;
let photosDir: string;
let usbModel: string;
let dataDir: string;
let rendererDir: string;
let closedPort: number;
let app: E2eApp | undefined;
let serve: ServeProcess;
let page: Page;
const problems: string[] = [];
const files = { receipt: '', gps: '', broken: '', plain: '' };

const shot = (name: string) => page.screenshot({ path: path.join(SCREENSHOTS, name), fullPage: false });

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

const setLook = (language: Language, theme: Theme) => setLookOf(page, language, theme);

async function expectAccessible(screen: string) {
  const v = await seriousViolations(page);
  expect(v, `${screen}:\n${describeViolations(v)}`).toEqual([]);
}

const gridPaths = () => gridPathsOf(page);

async function searchFor(query: string) {
  const box = page.getByTestId('search-input');
  await box.fill(query);
  await box.press('Enter');
}

describe.skipIf(!haveChromium)('the first hour: no model, Chinese UI, no internet', () => {
  beforeAll(async () => {
    tmp = e2eTmp('first-hour');
    photosDir = path.join(tmp, '照片');
    dataDir = path.join(tmp, 'data');
    mkdirSync(photosDir, { recursive: true });
    files.receipt = await writeTextPhoto(path.join(photosDir, 'scan-0001.jpg'), {
      background: [245, 245, 245],
      blocks: [{ lines: ['发票 2024'], x: 60, y: 110, fontSize: 56 }],
    });
    files.gps = path.join(photosDir, 'tuscany.jpg');
    await sharp({ create: { width: 320, height: 240, channels: 3, background: { r: 40, g: 160, b: 60 } } })
      .withExif({
        IFD0: { Make: 'NIKON', Model: 'COOLPIX P6000' },
        IFD2: { FNumber: '28/10', ExposureTime: '1/250', ISOSpeedRatings: '200', FocalLength: '6/1', LensModel: 'NIKKOR 6-24mm' },
        IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '43/1 28/1 0/1', GPSLongitudeRef: 'E', GPSLongitude: '11/1 53/1 0/1' },
      })
      .jpeg()
      .toFile(files.gps);
    files.plain = path.join(photosDir, 'blue.jpg');
    await sharp({ create: { width: 320, height: 240, channels: 3, background: { r: 20, g: 40, b: 220 } } }).jpeg().toFile(files.plain);
    // A file that is not a photo at all, named like one: it must fail with a reason.
    files.broken = path.join(photosDir, 'broken.jpg');
    writeFileSync(files.broken, Buffer.from('this is not a jpeg, only text pretending to be one'));
    // A model package copied over on a USB stick (the toy fixture: installable because the test allows fixtures).
    usbModel = path.join(tmp, 'usb', 'toy-colors');
    cpSync(TOY_MODEL, usbModel, { recursive: true });

    // Nothing listens there: every download attempt fails as on a machine without internet.
    closedPort = await freePort();
    app = await startApp(
      tmp,
      { dataDir, env: { HF_ENDPOINT: `http://127.0.0.1:${closedPort}`, KANJIAN_ALLOW_FIXTURES: '1' } },
      { problems, viewport: { width: 1280, height: 800 } },
    );
    ({ serve, page, rendererDir } = app);
  });

  afterAll(async () => {
    await stopApp(app, tmp);
  });

  it('opens on an empty library that says so, with Add folder (screenshots in both languages and themes)', async () => {
    await page.goto(serve.url);
    const empty = page.getByTestId('empty-state');
    await empty.waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('zh-CN');
    expect(await page.getByTestId('progress-state').textContent()).toBe('还没有要索引的内容：图库里没有文件夹。');
    expect(await page.getByTestId('progress-bar').count()).toBe(0);
    expect(await empty.getByTestId('empty-add-folder').textContent()).toBe('添加文件夹…');
    expect(await page.locator('h1').count()).toBe(1);
    for (const [lang, theme] of LOOKS) {
      await setLook(lang, theme);
      await expectAccessible(`empty library ${lang} ${theme}`);
      await shot(`first-run-1-empty-${short(lang)}-${theme}.png`);
      await page.getByTestId('empty-add-folder').click();
      const dialog = page.getByTestId('folder-browser');
      await dialog.getByTestId('picker-entry').first().or(dialog.getByTestId('picker-empty')).waitFor();
      await expectAccessible(`folder browser ${lang} ${theme}`);
      await shot(`first-run-2-add-folder-${short(lang)}-${theme}.png`);
      await dialog.getByTestId('picker-cancel').click();
      await dialog.waitFor({ state: 'detached' });
    }
    await setLook('zh-CN', 'light');
  });

  it('adds a folder through the folder browser: home first, then the typed path', async () => {
    await page.getByTestId('empty-add-folder').click();
    const dialog = page.getByTestId('folder-browser');
    // It opens at home with its places; ~ and breadcrumbs work.
    await expect.poll(() => dialog.getAttribute('data-path')).toBe(os.homedir());
    expect(await dialog.getByTestId('picker-place').first().getAttribute('data-kind')).toBe('home');
    // A system folder is refused with its own reason, in Chinese.
    await dialog.getByTestId('picker-path').fill('/etc');
    await dialog.getByTestId('picker-go').click();
    await expect.poll(() => dialog.getAttribute('data-path')).toBe('/etc');
    await dialog.getByTestId('picker-action').click();
    const refusal = await dialog.getByTestId('picker-error').textContent();
    expect(refusal).toContain('系统文件夹');
    expect(englishSentences(refusal ?? '')).toEqual([]);
    // The photos folder, walked to from its parent with the keyboard.
    await dialog.getByTestId('picker-path').fill(tmp);
    await dialog.getByTestId('picker-path').press('Enter');
    await expect.poll(() => dialog.getAttribute('data-path')).toBe(tmp);
    await dialog.locator(`[data-testid="picker-entry"][data-path="${photosDir}"]`).click();
    await expect.poll(() => dialog.getAttribute('data-path')).toBe(photosDir);
    expect(await dialog.getByTestId('picker-crumb').last().textContent()).toBe('照片');
    await dialog.getByTestId('picker-action').click();
    await dialog.waitFor({ state: 'detached' });
    await page.locator(`[data-testid="folder-row"][data-path="${photosDir}"]`).waitFor();
  });

  it('finds the receipt by the text in it, without a model, and says meaning search needs one (in Chinese)', async () => {
    // Indexing, then OCR, run in the background; search answers as soon as the text is read.
    await expect
      .poll(
        async () => {
          await searchFor('发票');
          await page.getByTestId('result-count').filter({ hasText: '个结果' }).waitFor({ timeout: 5_000 }).catch(() => undefined);
          return gridPaths();
        },
        { timeout: 120_000, interval: 2_000 },
      )
      .toEqual([files.receipt]);
    const notice = page.getByTestId('search-message');
    expect(await notice.getAttribute('data-code')).toBe('search.needsModel');
    expect(englishSentences((await notice.textContent()) ?? '')).toEqual([]);
    expect(await notice.getByTestId('search-download-model').count()).toBe(1);
    expect(await notice.textContent()).not.toMatch(/npm|cli/);
    expect(await page.getByTestId('view-badge').first().getAttribute('data-view')).toBe('ocr');
    expect(await page.getByTestId('grid-cell').first().getAttribute('aria-label')).toContain('scan-0001.jpg');
    await expectAccessible('results zh light');
    for (const [lang, theme] of LOOKS) {
      await setLook(lang, theme);
      await page.getByTestId('grid-cell').first().waitFor();
      await expectAccessible(`results ${lang} ${theme}`);
      await shot(`first-run-3-results-${short(lang)}-${theme}.png`);
    }
    await setLook('zh-CN', 'light');
  });

  it('lists photos by a filter alone (has GPS): a listing, not results', async () => {
    await page.getByTestId('search-input').fill('');
    await page.getByTestId('filters-toggle').click();
    await page.getByTestId('filter-gps').check();
    await expect.poll(() => gridPaths(), { timeout: 30_000 }).toEqual([files.gps]);
    const count = page.getByTestId('result-count');
    expect(await count.getAttribute('data-mode')).toBe('listing');
    expect((await count.textContent())?.trim()).toBe('1 张照片');
    expect(await page.getByTestId('match-views').count()).toBe(0);
    // The viewer: the preview, zoom, and the exposure written per locale.
    await page.getByTestId('grid-cell').first().click();
    const viewer = page.getByTestId('viewer');
    await viewer.getByTestId('viewer-aperture').waitFor();
    expect(await viewer.getByTestId('viewer-aperture').textContent()).toBe('f/2.8');
    expect(await viewer.getByTestId('viewer-shutter').textContent()).toBe('1/250 秒');
    expect(await viewer.getByTestId('viewer-iso').textContent()).toBe('ISO 200');
    expect(await viewer.getByTestId('viewer-lens').textContent()).toBe('NIKKOR 6-24mm');
    expect(await viewer.getByTestId('viewer-image').getAttribute('src')).toContain('/media/preview/');
    await expect.poll(() => viewer.getByTestId('viewer-image').evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);
    await page.keyboard.press('+');
    expect(await viewer.getByTestId('viewer-zoom').getAttribute('data-scale')).toBe('1.5');
    await expectAccessible('viewer zoomed zh light');
    await page.keyboard.press('0');
    await page.keyboard.press('Escape');
    await viewer.waitFor({ state: 'detached' });
    for (const [lang, theme] of [['zh-CN', 'dark'], ['en', 'light'], ['en', 'dark']] as const) {
      await setLook(lang, theme);
      await page.getByTestId('grid-cell').first().click();
      await viewer.getByTestId('viewer-aperture').waitFor();
      await expectAccessible(`viewer ${lang} ${theme}`);
      await page.keyboard.press('Escape');
      await viewer.waitFor({ state: 'detached' });
    }
    await setLook('zh-CN', 'light');
    await page.getByTestId('filter-gps').uncheck();
  });

  it('says a failed download once, in Chinese, with what to do; and why a file could not be read', async () => {
    const offer = page.getByTestId('model-offer');
    await offer.getByTestId('model-download').click();
    const error = page.getByTestId('model-download-error');
    await error.waitFor({ timeout: 30_000 });
    expect(await error.count()).toBe(1);
    const text = (await error.textContent()) ?? '';
    expect(text).toContain('下载没有完成');
    expect(englishSentences(text), text).toEqual([]);
    // Bounded: the sidebar keeps its width and the notice its height.
    const side = await page.locator('#sidebar').boundingBox();
    expect(side!.width).toBeLessThanOrEqual(300);
    const box = await error.boundingBox();
    expect(box!.width).toBeLessThanOrEqual(side!.width);

    const row = page.locator(`[data-testid="folder-row"][data-path="${photosDir}"]`);
    await expect.poll(() => row.getByTestId('folder-failed-toggle').count(), { timeout: 60_000 }).toBe(1);
    await row.getByTestId('folder-failed-toggle').click();
    const failed = row.locator(`[data-testid="failed-file"][data-path="${files.broken}"]`);
    await failed.waitFor();
    const reason = (await failed.locator('.reason').textContent()) ?? '';
    expect(reason.length).toBeGreaterThan(0);
    expect(englishSentences(reason), reason).toEqual([]);
    // Nowhere on the sidebar is an English sentence (model names, like file paths, are names).
    for (const id of ['model-panel', 'progress-panel', 'folders-panel']) {
      const text = await page.getByTestId(id).evaluate((el) => {
        const copy = el.cloneNode(true) as HTMLElement;
        copy.querySelectorAll('.tech, [data-testid="model-name"]').forEach((n) => n.remove());
        return copy.innerText || copy.textContent || '';
      });
      const t = text.split(photosDir).join(' ').split(tmp).join(' ');
      expect(englishSentences(t), `${id}: ${t}`).toEqual([]);
    }
    await expectAccessible('failed download and file zh light');
  });

  it('installs a model copied from another computer, from a folder', async () => {
    await page.getByTestId('model-install-folder').click();
    const dialog = page.getByTestId('folder-browser');
    await expect.poll(() => dialog.getAttribute('data-path')).toBe(os.homedir());
    await dialog.getByTestId('picker-path').fill(usbModel);
    await dialog.getByTestId('picker-go').click();
    await expect.poll(() => dialog.getAttribute('data-path')).toBe(usbModel);
    await dialog.getByTestId('picker-action').click();
    await dialog.waitFor({ state: 'detached', timeout: 60_000 });
    await page.getByTestId('model-install-done').waitFor();
    await page.getByTestId('model-status').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('model-download-error').count()).toBe(0);
  });

  it('models, duplicates and switcher screens have no serious axe violation, in both languages and themes', async () => {
    for (const [lang, theme] of LOOKS) {
      await setLook(lang, theme);
      await page.getByTestId('model-switcher-toggle').click();
      await page.getByTestId('model-switcher').waitFor();
      await page.getByTestId('model-source-toggle').click();
      await page.getByTestId('model-source').waitFor();
      await expectAccessible(`models ${lang} ${theme}`);
      await page.getByTestId('model-source-toggle').click();
      await page.getByTestId('model-switcher-toggle').click();
      await page.getByTestId('open-duplicates').click();
      await page.getByTestId('duplicates-view').waitFor();
      await page.waitForTimeout(500);
      await expectAccessible(`duplicates ${lang} ${theme}`);
      await page.getByTestId('open-duplicates').click();
      await page.getByTestId('photo-grid').waitFor();
    }
    await setLook('zh-CN', 'light');
  });

  it('at 800×600 the photos get most of the window', async () => {
    await page.setViewportSize({ width: 800, height: 600 });
    await page.reload();
    await page.getByTestId('grid-cell').first().waitFor();
    const grid = await page.getByTestId('photo-grid').boundingBox();
    expect((grid!.width * grid!.height) / (800 * 600)).toBeGreaterThan(0.6);
    expect(await page.getByTestId('sidebar-toggle').getAttribute('aria-expanded')).toBe('false');
    await page.getByTestId('sidebar-toggle').click();
    await page.locator('#sidebar').waitFor();
    await expectAccessible('800x600 sidebar open');
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('a lost server shows a banner; a restarted one leads to the page that tells the truth', async () => {
    const port = Number(new URL(serve.url).port);
    expect(await serve.stop()).toBe(0);
    const banner = page.getByTestId('connection-banner');
    await banner.waitFor({ timeout: 30_000 });
    expect(await banner.getAttribute('data-connected')).toBe('false');
    expect(await banner.textContent()).toContain('正在重新连接');
    serve = await startServe({ dataDir, rendererDir, port, env: { HF_ENDPOINT: `http://127.0.0.1:${closedPort}`, KANJIAN_ALLOW_FIXTURES: '1' } });
    app!.serve = serve;
    const expired = page.getByTestId('session-expired');
    await expired.waitFor({ timeout: 30_000 });
    expect(await expired.textContent()).toContain('看见已重新启动');
    expect(await page.getByTestId('session-step').textContent()).toBe('请打开看见重新启动时在终端里显示的新地址。');
    await expectAccessible('session page');
    // The step works: the new address opens the app on the same library, in the saved language.
    await page.goto(serve.url);
    await page.locator(`[data-testid="folder-row"][data-path="${photosDir}"]`).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('zh-CN');
  });

  it('loaded nothing from another origin and logged no page errors', () => {
    // A failed fetch while the server was down is expected; nothing else is.
    expect(problems.filter((p) => !/ERR_CONNECTION_REFUSED|Failed to load resource|net::ERR/.test(p))).toEqual([]);
  });
});
