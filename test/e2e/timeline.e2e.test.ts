// The timeline in Chromium against the real `serve` process and a real library: photos written
// with EXIF capture dates across five years (and one without, dated by its file), added through
// the folder browser. Month headings in Chinese and English, the scrubber jumping to an older
// month by keyboard and by pointer, the sort, the folder tree filtering the grid, and the
// camera list built from the library. Screenshots: docs/screenshots/timeline-*.png.
import { mkdirSync, utimesSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addFolderInBrowser } from './add-folder.js';
import { describeViolations, seriousViolations } from './axe.js';
import type { ServeProcess } from './serve-process.js';
import { e2eTmp, haveChromium, LOOKS, SCREENSHOTS, setLook as setLookOf, startApp, stopApp, type E2eApp, type Language, type Theme } from './app.js';

// [folder, 'YYYY:MM', photos, camera]: newest first; the oldest month is far below the fold.
const MONTHS: [string, string, number, [string, string]][] = [
  ['2024/03 春天', '2024:03', 12, ['Canon', 'Canon EOS R5']],
  ['2024/01 新年', '2024:01', 8, ['Apple', 'iPhone 13']],
  ['2023/11', '2023:11', 10, ['Canon', 'Canon EOS R5']],
  ['2023/07 海边', '2023:07', 10, ['Apple', 'iPhone 13']],
  ['2022', '2022:05', 8, ['NIKON CORPORATION', 'NIKON D750']],
  ['2021', '2021:12', 6, ['NIKON CORPORATION', 'NIKON D750']],
  ['2020', '2020:08', 6, ['Canon', 'Canon EOS R5']],
  ['2019', '2019:01', 6, ['Apple', 'iPhone 13']],
];
const TOTAL = MONTHS.reduce((n, m) => n + m[2], 0) + 1;

let tmp: string;
let lib: string;
let app: E2eApp | undefined;
let serve: ServeProcess;
let page: Page;
const problems: string[] = [];

const setLook = (language: Language, theme: Theme) => setLookOf(page, language, theme);

const monthHeadings = () => page.$$eval('[data-testid="grid-heading"] h2', (hs) => hs.map((h) => h.textContent?.trim()));
const rail = () => page.getByTestId('scrubber-rail');

describe.skipIf(!haveChromium)('the timeline', () => {
  beforeAll(async () => {
    tmp = e2eTmp('timeline');
    lib = path.join(tmp, '相册');
    let k = 0;
    for (const [folder, ym, n, [make, model]] of MONTHS) {
      const dir = path.join(lib, folder);
      mkdirSync(dir, { recursive: true });
      for (let i = 0; i < n; i++, k++) {
        const day = String(20 - Math.floor(i / 4) * 3).padStart(2, '0');
        const hue = (k * 47) % 360;
        const [r, g, b] = [128 + 100 * Math.cos((hue * Math.PI) / 180), 128 + 100 * Math.cos(((hue - 120) * Math.PI) / 180), 128 + 100 * Math.cos(((hue + 120) * Math.PI) / 180)].map(Math.round);
        await sharp({ create: { width: 240, height: 180, channels: 3, background: { r, g, b } } })
          .withExif({ IFD0: { Make: make, Model: model }, IFD2: { DateTimeOriginal: `${ym}:${day} 1${i % 10}:00:00` } })
          .jpeg()
          .toFile(path.join(dir, `IMG_${String(k).padStart(4, '0')}.jpg`));
      }
    }
    // A scan: no capture date, placed by its file's time (June 2022).
    const scan = path.join(lib, '扫描', 'scan-01.jpg');
    mkdirSync(path.dirname(scan), { recursive: true });
    await sharp({ create: { width: 240, height: 180, channels: 3, background: { r: 235, g: 230, b: 215 } } }).jpeg().toFile(scan);
    const when = new Date(2022, 5, 1, 12);
    utimesSync(scan, when, when);

    app = await startApp(tmp, { dataDir: path.join(tmp, 'data'), env: { KANJIAN_OCR: '0' } }, { problems, viewport: { width: 1280, height: 800 } });
    ({ serve, page } = app);
    await page.goto(serve.url);
    await page.getByTestId('folder-add').waitFor();
    await addFolderInBrowser(page, lib);
    // Indexed in the background: wait until the grid holds every photo (expect.poll is for tests only).
    await page.locator(`[data-testid="photo-grid"][data-count="${TOTAL}"]`).waitFor({ timeout: 120_000 });
  }, 240_000);

  afterAll(async () => {
    await stopApp(app, tmp);
  });

  it('groups the library by month, with headings in Chinese and in English', async () => {
    await setLook('zh-CN', 'light');
    await expect.poll(monthHeadings).toContain('2024年3月');
    expect((await monthHeadings())[0]).toBe('2024年3月');
    // Headings are headings (level 2 for months, 3 for days).
    expect(await page.getByRole('heading', { level: 2, name: '2024年3月' }).count()).toBe(1);
    expect(await page.locator('[data-testid="grid-heading"] h3').first().textContent()).toMatch(/^3月20日/);
    await setLook('en', 'light');
    await expect.poll(monthHeadings).toContain('March 2024');
    expect(await page.locator('[data-testid="grid-heading"] h3').first().textContent()).toMatch(/March 20/);
    // The oldest month is not on screen until scrolled to.
    expect(await monthHeadings()).not.toContain('January 2019');
    const v = await seriousViolations(page);
    expect(v, describeViolations(v)).toEqual([]);
  });

  it('the scrubber jumps to an older month by keyboard, and by a click on the rail', async () => {
    await setLook('zh-CN', 'light');
    expect(await rail().getAttribute('aria-valuetext')).toBe('2024年3月');
    await rail().focus();
    await page.keyboard.press('End');
    await expect.poll(monthHeadings).toContain('2019年1月');
    await expect.poll(() => rail().getAttribute('aria-valuetext')).toBe('2019年1月');
    // The grid now shows the oldest photos (their pages were fetched at the month's offset).
    await expect.poll(() => page.locator('[data-testid="grid-cell"][data-path*="/2019/"]').count()).toBeGreaterThan(0);
    await page.keyboard.press('Home');
    await expect.poll(monthHeadings).toContain('2024年3月');
    // Page Down: a year older (the newest month of 2023).
    await page.keyboard.press('PageDown');
    await expect.poll(() => rail().getAttribute('aria-valuetext')).toBe('2023年11月');
    await expect.poll(monthHeadings).toContain('2023年11月');
    // A click two thirds down the rail lands in an older month than 2023.
    const box = (await rail().boundingBox())!;
    await page.mouse.click(box.x + box.width / 2, box.y + box.height * 0.8);
    await expect.poll(async () => Number((await rail().getAttribute('data-month'))?.slice(0, 4))).toBeLessThan(2023);
  });

  it('marks the photo without a capture date and sorts by name', async () => {
    await setLook('en', 'light');
    // The scan sits in June 2022 by its file date, marked so.
    await rail().focus();
    await page.keyboard.press('Home');
    for (let i = 0; i < 8 && (await rail().getAttribute('data-month')) !== '2022-06'; i++) await page.keyboard.press('ArrowDown');
    expect(await rail().getAttribute('data-month')).toBe('2022-06');
    await page.getByTestId('file-date').first().waitFor();
    expect(await page.getByTestId('file-date').first().textContent()).toBe('file date');
    await page.getByTestId('sort-select').selectOption('name');
    await expect.poll(() => page.getByTestId('grid-heading').count()).toBe(0);
    expect(await page.getByTestId('timeline-scrubber').count()).toBe(0);
    await expect.poll(async () => (await page.getByTestId('grid-cell').first().getAttribute('data-path'))?.endsWith('IMG_0000.jpg')).toBe(true);
    await page.getByTestId('sort-select').selectOption('taken');
    await page.getByTestId('timeline-scrubber').waitFor();
  });

  it('browses a sub-folder from the folder tree, with counts that include its sub-folders', async () => {
    await setLook('zh-CN', 'light');
    await page.getByTestId('folder-tree-toggle').click();
    const tree = page.getByTestId('folder-tree');
    await tree.waitFor();
    const node = (rel: string) => tree.locator(`[data-testid="tree-folder"][data-path="${path.join(lib, rel)}"]`);
    expect(await node('').getAttribute('data-path')).toBe(lib);
    expect(await node('').getByTestId('tree-count').textContent()).toBe(`${TOTAL} 张照片`);
    expect(await node('2024').getByTestId('tree-count').textContent()).toBe('20 张照片');
    await node('2023').click();
    await expect.poll(() => page.getByTestId('photo-grid').getAttribute('data-count')).toBe('20');
    expect(await page.getByTestId('result-count').getAttribute('data-mode')).toBe('listing');
    await expect.poll(monthHeadings).toEqual(['2023年11月', '2023年7月']);
    const v = await seriousViolations(page);
    expect(v, describeViolations(v)).toEqual([]);
  });

  it('offers the cameras in the library, with counts, as the camera filter', async () => {
    await page.getByTestId('filters-toggle').click();
    const camera = page.getByTestId('filter-camera');
    // Counted under the other filters: inside 2023 there are the iPhone (10) and the R5 (10), ties by name.
    await expect.poll(() => camera.locator('option').allTextContents()).toEqual(['任何相机', 'Apple iPhone 13（10）', 'Canon EOS R5（10）']);
    await camera.selectOption('Apple iPhone 13');
    await expect.poll(() => page.getByTestId('photo-grid').getAttribute('data-count')).toBe('10');
    await expect.poll(monthHeadings).toEqual(['2023年7月']);
    await page.getByTestId('filters-clear').click();
    await page.getByTestId('filters-toggle').click();
    await expect.poll(() => page.getByTestId('photo-grid').getAttribute('data-count')).toBe(String(TOTAL));
  });

  it('screenshots in both languages and themes, and works at 800×600 and 1920×1080', async () => {
    for (const [lang, theme] of LOOKS) {
      await setLook(lang, theme);
      const l = lang === 'zh-CN' ? 'zh' : 'en';
      await page.setViewportSize({ width: 1280, height: 800 });
      await rail().focus();
      await page.keyboard.press('Home');
      await page.keyboard.press('PageDown');
      await rail().hover();
      await page.screenshot({ path: path.join(SCREENSHOTS, `timeline-${l}-${theme}.png`) });
      // The folder tree, open, with a sub-folder chosen.
      const sub = page.locator('[data-testid="tree-folder"]').nth(1);
      const subCount = Number.parseInt((await sub.getByTestId('tree-count').textContent()) ?? '', 10);
      expect(subCount).toBeGreaterThan(0);
      await sub.click();
      // Shot once the sub-folder's photos and their thumbnails are on screen, not the empty grid between the two listings.
      await expect.poll(() => page.getByTestId('photo-grid').getAttribute('data-count')).toBe(String(subCount));
      await expect
        .poll(() => page.$$eval('[data-testid="grid-cell"] img', (imgs) => imgs.filter((i) => (i as HTMLImageElement).naturalWidth > 0).length), { timeout: 15_000 })
        .toBe(subCount);
      await page.screenshot({ path: path.join(SCREENSHOTS, `timeline-folders-${l}-${theme}.png`) });
      await page.locator('[data-testid="tree-folder"]').nth(1).click();
      await expect.poll(() => page.getByTestId('photo-grid').getAttribute('data-count')).toBe(String(TOTAL));
      const v = await seriousViolations(page);
      expect(v, `${lang} ${theme}: ${describeViolations(v)}`).toEqual([]);
    }
    for (const [w, h] of [[800, 600], [1920, 1080]] as const) {
      await page.setViewportSize({ width: w, height: h });
      await setLook('en', 'light');
      // A small window shows the photos with the sidebar closed (as the app starts at that size).
      const toggle = page.getByTestId('sidebar-toggle');
      if ((await toggle.getAttribute('aria-expanded')) !== String(w >= 1000)) await toggle.click();
      await rail().waitFor();
      await rail().focus();
      await page.keyboard.press('End');
      await expect.poll(monthHeadings).toContain('January 2019');
      await page.screenshot({ path: path.join(SCREENSHOTS, `timeline-${w}x${h}-en-light.png`) });
      const r = (await rail().boundingBox())!;
      expect(r.x + r.width).toBeLessThanOrEqual(w);
      expect(r.height).toBeGreaterThan(h / 3);
    }
    await page.setViewportSize({ width: 1280, height: 800 });
    expect(problems).toEqual([]);
  });
});
