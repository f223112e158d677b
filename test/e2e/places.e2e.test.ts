// Places in Chromium against the real `serve` process (no model, no OCR): photos with GPS EXIF
// are found by their city and by their country in Chinese and English, the Places page shows the
// offline world map and countries → cities, picking a place filters the grid, and the viewer
// names the place in the UI language. Screenshots: docs/screenshots/places-*.png.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addFolderInBrowser } from './add-folder.js';
import { describeViolations, seriousViolations } from './axe.js';
import { gridPaths, searchFor } from './browser.js';
import type { ServeProcess } from './serve-process.js';
import { e2eTmp, haveChromium, SCREENSHOTS, setLook as setLookOf, short, startApp, stopApp, type E2eApp, type Language, type Theme } from './app.js';

let tmp: string;
let photosDir: string;
let app: E2eApp | undefined;
let serve: ServeProcess;
let page: Page;
const problems: string[] = [];
const files = { beijing: '', beijing2: '', paris: '', sanya: '', plain: '' };

function gpsIfd(lat: number, lon: number) {
  const dms = (v: number) => {
    const a = Math.abs(v);
    const d = Math.floor(a);
    const m = Math.floor((a - d) * 60);
    return `${d}/1 ${m}/1 ${Math.round(((a - d) * 60 - m) * 6000)}/100`;
  };
  return { GPSLatitudeRef: lat >= 0 ? 'N' : 'S', GPSLatitude: dms(lat), GPSLongitudeRef: lon >= 0 ? 'E' : 'W', GPSLongitude: dms(lon) };
}

async function photo(name: string, [r, g, b]: [number, number, number], gps?: [number, number]): Promise<string> {
  const file = path.join(photosDir, name);
  let img = sharp({ create: { width: 480, height: 320, channels: 3, background: { r, g, b } } });
  if (gps) img = img.withExif({ IFD0: { Make: 'TestCam' }, IFD3: gpsIfd(gps[0], gps[1]) });
  await img.jpeg().toFile(file);
  return file;
}

const setLook = (language: Language, theme: Theme) => setLookOf(page, language, theme);
/** English first, as this file always went: each loop ends on zh dark. */
const LOOKS = [['en', 'light'], ['en', 'dark'], ['zh-CN', 'light'], ['zh-CN', 'dark']] as const;

describe.skipIf(!haveChromium)('places: find photos by where they were taken, and browse them', () => {
  beforeAll(async () => {
    tmp = e2eTmp('places');
    photosDir = path.join(tmp, 'photos');
    mkdirSync(photosDir, { recursive: true });
    // Names that say nothing of the place.
    files.beijing = await photo('IMG_1001.jpg', [200, 50, 40], [39.9055, 116.3976]);
    files.beijing2 = await photo('IMG_1002.jpg', [210, 150, 40], [39.9163, 116.3972]);
    files.paris = await photo('IMG_1003.jpg', [40, 60, 200], [48.8584, 2.2945]);
    files.sanya = await photo('IMG_1004.jpg', [40, 170, 200], [18.2529, 109.4904]);
    files.plain = await photo('IMG_1005.jpg', [90, 90, 90]);
    app = await startApp(tmp, { dataDir: path.join(tmp, 'data'), env: { KANJIAN_OCR: '0' } }, { problems, viewport: { width: 1280, height: 800 } });
    ({ serve, page } = app);
    await page.goto(serve.url);
    await addFolderInBrowser(page, photosDir);
  }, 180_000);

  afterAll(async () => {
    await stopApp(app, tmp);
  });

  it('finds a photo by its city and its country, in Chinese and in English', async () => {
    await setLook('zh-CN', 'light');
    // Indexing runs in the background: wait until the place view knows the Paris photo.
    await expect.poll(() => searchFor(page, '巴黎'), { timeout: 90_000, interval: 1_000 }).toEqual([files.paris]);
    expect(await page.getByTestId('view-badge').first().getAttribute('data-view')).toBe('place');
    expect(await searchFor(page, 'Paris')).toEqual([files.paris]);
    expect(await searchFor(page, '法国')).toEqual([files.paris]);
    expect(await searchFor(page, 'France')).toEqual([files.paris]);
    expect((await searchFor(page, '北京')).sort()).toEqual([files.beijing, files.beijing2].sort());
    expect((await searchFor(page, 'China')).sort()).toEqual([files.beijing, files.beijing2, files.sanya].sort());
    expect(await searchFor(page, '三亚')).toEqual([files.sanya]);
    expect(problems).toEqual([]);
  });

  it('the viewer names the place in the UI language', async () => {
    await searchFor(page, 'Paris');
    for (const [lang, theme] of LOOKS) {
      await setLook(lang, theme);
      await page.getByTestId('grid-cell').first().click();
      const viewer = page.getByTestId('viewer');
      const place = viewer.getByTestId('viewer-place');
      await place.waitFor();
      expect(await place.textContent()).toBe(lang === 'en' ? 'Paris, Île-de-France, France' : '法国 巴黎');
      expect(await viewer.getByTestId('viewer-place-matches').count()).toBe(1);
      const v = await seriousViolations(page);
      expect(v, describeViolations(v)).toEqual([]);
      await page.screenshot({ path: path.join(SCREENSHOTS, `places-viewer-${short(lang)}-${theme}.png`) });
      await page.keyboard.press('Escape');
      await viewer.waitFor({ state: 'detached' });
    }
  });

  it('opens the Places page: the map and countries → cities with counts; a city filters the grid', async () => {
    await page.getByTestId('search-input').fill('');
    await page.getByTestId('search-input').press('Enter');
    for (const [lang, theme] of LOOKS) {
      await setLook(lang, theme);
      await page.getByTestId('open-places').click();
      const view = page.getByTestId('places-view');
      await view.getByTestId('places-country').first().waitFor();
      // China first (3 photos), then France.
      const countries = await view.getByTestId('places-country').evaluateAll((els) => els.map((e) => e.getAttribute('data-country')));
      expect(countries).toEqual(['CN', 'FR']);
      const names = await view.getByTestId('places-country-name').allTextContents();
      expect(names).toEqual(lang === 'en' ? ['China', 'France'] : ['中国', '法国']);
      const cities = await view.locator('[data-country="CN"] [data-testid="places-city"]').allTextContents();
      expect(cities.map((c) => c.replace(/\s+/g, ' ').trim())).toEqual(lang === 'en' ? ['Beijing 2', 'Sanya 1'] : ['北京 2', '三亚 1']);
      // The map: outlines drawn, one cluster per region of the world with photos.
      await expect.poll(() => view.locator('[data-testid="places-map"] path').count()).toBeGreaterThan(100);
      expect(await view.getByTestId('places-map-cluster').count()).toBe(3);
      const v = await seriousViolations(page);
      expect(v, describeViolations(v)).toEqual([]);
      await page.screenshot({ path: path.join(SCREENSHOTS, `places-page-${short(lang)}-${theme}.png`) });
      await page.getByTestId('places-close').click();
    }
    // A city filters the grid to the photos taken there, and says so in the filter list.
    await page.getByTestId('open-places').click();
    await page.locator('[data-country="CN"] [data-testid="places-city"]').first().click();
    await expect.poll(() => gridPaths(page).then((p) => p.sort()), { timeout: 15_000 }).toEqual([files.beijing, files.beijing2].sort());
    await page.getByTestId('filters-toggle').click();
    const select = page.getByTestId('filter-place');
    await expect.poll(() => select.evaluate((s) => (s as HTMLSelectElement).selectedOptions[0]?.textContent?.trim())).toBe('北京 (2)');
    // The filter list holds the library's places with counts; picking a country lists its photos.
    await select.selectOption('FR');
    await expect.poll(() => gridPaths(page), { timeout: 15_000 }).toEqual([files.paris]);
    // A map cluster picks its place too.
    await select.selectOption('');
    await page.getByTestId('open-places').click();
    await page.locator('[data-testid="places-map-cluster"][data-count="1"]').first().waitFor();
    expect(problems).toEqual([]);
  });
});
