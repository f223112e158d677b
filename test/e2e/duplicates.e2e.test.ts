// The duplicates review in a real browser over the real `serve`: a user marks every photo of a
// group for the trash. The core refuses that plan (the last copy of a picture) and the page asks a
// second time, naming the photos; only after that second "yes" (and the usual confirm) do the
// files move — to a test trash: HOME and XDG_DATA_HOME point into the test's temp folder, on the
// same filesystem as the photos, so the `trash` package uses $XDG_DATA_HOME/Trash and nothing of
// the machine's own trash is touched. Screenshots of the review and the compare view, zh/en and
// light/dark, go to docs/screenshots/.
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addFolderInBrowser } from './add-folder.js';
import type { ServeProcess } from './serve-process.js';
import { e2eTmp, haveChromium, LOOKS, SCREENSHOTS, setLook, short, startApp, stopApp, TOY_COLOURS, type E2eApp } from './app.js';

let tmp: string;
let home: string;
let photosDir: string;
let files: string[];
let app: E2eApp | undefined;
let serve: ServeProcess;
let page: Page;
const problems: string[] = [];

/** A picture with structure (shapes at several scales), as a JPEG of `w`×`h`. */
async function scene(w: number, h: number): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 640 480">
    <defs><linearGradient id="sky" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#3a6fb0"/><stop offset="1" stop-color="#cfe3f5"/></linearGradient></defs>
    <rect width="640" height="480" fill="url(#sky)"/>
    <circle cx="500" cy="110" r="55" fill="#ffd34d"/>
    <path d="M0 330 L120 210 L230 300 L350 170 L470 280 L640 200 L640 480 L0 480 Z" fill="#3d6b3a"/>
    <path d="M0 400 L160 330 L300 390 L460 320 L640 380 L640 480 L0 480 Z" fill="#254d2a"/>
    <rect x="90" y="360" width="70" height="60" fill="#8a4b2d"/><path d="M80 360 L125 320 L170 360 Z" fill="#b33a2a"/>
    <rect x="110" y="385" width="18" height="35" fill="#3b2415"/>
  </svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 92 }).toBuffer();
}

describe.skipIf(!haveChromium)('duplicates review in Chromium: the last copy needs a second yes', () => {
  beforeAll(async () => {
    tmp = e2eTmp('dupes');
    home = path.join(tmp, 'home');
    photosDir = path.join(home, 'Pictures', '重复 Dupes');
    mkdirSync(photosDir, { recursive: true });
    const original = path.join(photosDir, 'mountain.jpg');
    const small = path.join(photosDir, 'mountain-small.jpg');
    const png = path.join(photosDir, 'mountain 副本.png');
    await sharp(await scene(1280, 960)).toFile(original);
    await sharp(original).resize(640, 480).jpeg({ quality: 80 }).toFile(small);
    await sharp(original).png().toFile(png);
    files = [original, small, png];

    app = await startApp(tmp, { dataDir: path.join(tmp, 'data'), model: TOY_COLOURS, env: { HOME: home, XDG_DATA_HOME: path.join(home, '.local/share') } }, { problems });
    ({ serve, page } = app);
  });

  afterAll(async () => {
    const stopped = await stopApp(app, tmp);
    // A clean exit on SIGTERM is browser.e2e's check; here only that it stopped (not killed on timeout).
    if (stopped) expect(stopped.code, stopped.stderr).not.toBeNull();
  });

  const group = () => page.locator('[data-testid="duplicate-group"][data-kind="near"]');
  const trashed = () => {
    const dir = path.join(home, '.local/share/Trash/files');
    return existsSync(dir) ? readdirSync(dir) : [];
  };

  async function screenshots(name: string) {
    for (const [lang, theme] of LOOKS) {
      await setLook(page, lang, theme);
      await page.screenshot({ path: path.join(SCREENSHOTS, `${name}-${short(lang)}-${theme}.png`) });
    }
    await page.getByTestId('language-switch').selectOption('zh-CN');
  }

  it('indexes a folder holding one picture three times (original, 50 % resize, PNG re-save)', async () => {
    await page.goto(serve.url);
    await addFolderInBrowser(page, photosDir);
    const bar = page.getByTestId('progress-bar');
    await expect
      .poll(async () => [await bar.getAttribute('data-state'), await bar.getAttribute('data-done')], { timeout: 60_000 })
      .toEqual(['idle', String(files.length)]);
  });

  it('opens the review with nothing of a near group marked, and the keeper first', async () => {
    await page.getByTestId('open-duplicates').click();
    await group().waitFor();
    const photos = group().getByTestId('duplicate-photo');
    await expect.poll(() => photos.count()).toBe(3);
    expect(await group().locator('[data-testid="duplicate-photo"][data-marked="true"]').count()).toBe(0);
    expect(await photos.first().getAttribute('data-keep')).toBe('true');
    // The original: the PNG has as many pixels but is a re-save; the JPEG is what cameras write.
    expect(await photos.first().getAttribute('aria-label')).toContain('mountain.jpg');
    expect(await group().getByTestId('keep-reason').first().textContent()).toContain('相机原始格式（JPEG）');
    await screenshots('duplicates-review');
  });

  it('compares a member with the keeper, large and side by side', async () => {
    await group().focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Enter');
    const compare = page.getByTestId('compare-view');
    await compare.waitFor();
    const images = compare.locator('img');
    await expect.poll(() => images.evaluateAll((imgs) => imgs.filter((i) => (i as HTMLImageElement).naturalWidth > 0).length), { timeout: 15_000 }).toBe(2);
    expect(await compare.getByTestId('compare-differences').textContent()).toMatch(/尺寸更小|格式不同/);
    await page.keyboard.press('+');
    const transforms = await images.evaluateAll((imgs) => imgs.map((i) => (i as HTMLImageElement).style.transform));
    expect(transforms[0]).toContain('scale(1.5)');
    expect(transforms[1]).toBe(transforms[0]);
    await screenshots('duplicates-compare');
    await page.keyboard.press('Escape');
    await compare.waitFor({ state: 'detached' });
  });

  it('refuses to trash every member of the group until the user confirms a second time', async () => {
    await group().focus();
    // Every member by keyboard: Space on the current photo, → to the next.
    for (let i = 0; i < 3; i++) {
      await page.keyboard.press(i === 0 ? 'Home' : 'ArrowRight');
      await page.keyboard.press('Space');
    }
    await expect.poll(() => group().locator('[data-testid="duplicate-photo"][data-marked="true"]').count()).toBe(3);
    await group().getByTestId('group-no-keeper').waitFor();

    // The core says no (400, duplicates.lastCopy) and the page asks again, naming the photos.
    const refusal = page.waitForResponse((r) => r.url().endsWith('/api/planTrash'));
    await page.getByTestId('duplicates-trash').click();
    const res = await refusal;
    expect(res.status()).toBe(400);
    expect((await res.json()).code).toBe('duplicates.lastCopy');
    const dialog = page.getByTestId('confirm-dialog');
    const body = (await dialog.getByTestId('confirm-body').textContent())!;
    expect(body).toContain('最后的副本');
    for (const f of files) expect(body).toContain(path.basename(f));
    await dialog.getByTestId('confirm-cancel').click();
    await dialog.waitFor({ state: 'detached' });
    for (const f of files) expect(existsSync(f)).toBe(true);
    expect(trashed()).toEqual([]);

    // Second time: yes to the last copies, then yes to the plan (count and bytes).
    await page.getByTestId('duplicates-trash').click();
    await page.getByTestId('confirm-ok').click();
    await expect.poll(async () => page.getByTestId('confirm-body').textContent()).toMatch(/3 张照片.*其中 3 张是该照片最后的副本/);
    await page.getByTestId('confirm-ok').click();
    await expect.poll(async () => page.getByTestId('duplicates-outcome').textContent(), { timeout: 15_000 }).toContain('已将 3 个文件');
    for (const f of files) expect(existsSync(f)).toBe(false);
    expect(trashed()).toHaveLength(3);
  });

  it('ran without console errors, CSP violations or remote requests', () => {
    // A refused plan is an answered request (400), which Chromium logs as a failed resource.
    expect(problems.filter((p) => !/status of 400/.test(p))).toEqual([]);
  });
});
