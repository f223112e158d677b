// Photos like this one, multi-select and albums in a real browser over the real `serve` (toy
// colour model: its vectors follow a photo's colour, so "like this red photo" must put the other
// red photo first). A user opens a red photo and asks for similar ones; drops a red image from
// outside the library onto the search box; selects three photos with Ctrl-click and Shift-click
// and makes an album of them, which the sidebar then shows. Screenshots (zh/en, light/dark) go
// to docs/screenshots/albums-*.png.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gridPaths } from './browser.js';
import { addFolderInBrowser } from './add-folder.js';
import type { ServeProcess } from './serve-process.js';
import { e2eTmp, haveChromium, LOOKS, SCREENSHOTS, setLook, short, startApp, stopApp, TOY_COLOURS, type E2eApp } from './app.js';
import { describeViolations, seriousViolations } from './axe.js';
import { makeColourLibrary, writeColourPhoto, type Colour } from '../helpers/photos.js';

let tmp: string;
let home: string;
let photosDir: string;
let photos: Record<Colour, string[]>;
let dropped: string;
let app: E2eApp | undefined;
let serve: ServeProcess;
let page: Page;
const problems: string[] = [];

const colourOf = (p: string | null | undefined) => (Object.entries(photos).find(([, list]) => list.includes(p ?? ''))?.[0] ?? 'none');

describe.skipIf(!haveChromium)('photos like this one, multi-select and albums in Chromium', () => {
  beforeAll(async () => {
    tmp = e2eTmp('albums');
    home = path.join(tmp, 'home');
    photosDir = path.join(home, 'Pictures', '相册 Albums');
    photos = await makeColourLibrary(photosDir);
    dropped = await writeColourPhoto(path.join(tmp, 'elsewhere', 'dropped red.jpg'), 'red', { seed: 77, width: 96, height: 64 });
    app = await startApp(tmp, { dataDir: path.join(tmp, 'data'), model: TOY_COLOURS, env: { HOME: home, XDG_DATA_HOME: path.join(home, '.local/share') } }, { problems });
    ({ serve, page } = app);
  });

  afterAll(async () => {
    const stopped = await stopApp(app, tmp);
    if (stopped) expect(stopped.code, stopped.stderr).not.toBeNull();
  });

  /** `open`/`close`: a modal (the viewer) makes the switches inert, so it is closed to switch. */
  async function screenshots(name: string, modal?: { open: () => Promise<void>; close: () => Promise<void> }) {
    await modal?.close();
    for (const [lang, theme] of LOOKS) {
      await setLook(page, lang, theme);
      await modal?.open();
      await page.screenshot({ path: path.join(SCREENSHOTS, `albums-${name}-${short(lang)}-${theme}.png`) });
      await modal?.close();
    }
    await setLook(page, 'zh-CN', 'light');
    await modal?.open();
  }

  const cell = (file: string) => page.locator(`[data-testid="grid-cell"][data-path="${file}"]`);
  const searchAnswer = (pred: (body: Record<string, unknown>) => boolean) =>
    page.waitForResponse((r) => {
      if (!r.url().includes('/api/search') || r.request().method() !== 'POST') return false;
      try {
        return pred(r.request().postDataJSON() as Record<string, unknown>);
      } catch {
        return false;
      }
    });
  /** The grid's paths once it shows exactly this answer (in order), whatever the answer is. */
  async function shown(answer: { results: { photo: { path: string } }[] }): Promise<string[]> {
    const want = answer.results.map((r) => r.photo.path);
    await expect.poll(async () => (await gridPaths(page)).slice(0, want.length)).toEqual(want);
    return gridPaths(page);
  }

  it('indexes the library', async () => {
    await page.goto(serve.url);
    await addFolderInBrowser(page, photosDir);
    const bar = page.getByTestId('progress-bar');
    await expect.poll(async () => [await bar.getAttribute('data-state'), await bar.getAttribute('data-done')], { timeout: 60_000 }).toEqual(['idle', '12']);
    // The grid fills while photos are indexed and reloads once at the end: wait for that last
    // reload, or a click can land on a cell that is just being given another photo.
    await expect.poll(async () => (await gridPaths(page)).length, { timeout: 15_000 }).toBe(12);
  });

  it('"Similar photos" from the viewer: the other red photo first, the photo itself not shown', async () => {
    const similar = page.getByTestId('viewer-similar');
    const viewer = {
      open: async () => {
        await cell(photos.red[0]).click();
        await similar.waitFor();
        await expect.poll(() => page.getByTestId('viewer-name').textContent()).toBe(path.basename(photos.red[0]));
        await page.getByTestId('viewer-favourite').waitFor();
      },
      close: async () => {
        await page.keyboard.press('Escape');
        await similar.waitFor({ state: 'detached' });
      },
    };
    await viewer.open();
    await screenshots('viewer', viewer);
    const answered = searchAnswer((b) => typeof b.similarTo === 'number');
    await similar.click();
    const res = await answered;
    expect(res.status()).toBe(200);
    const answer = (await res.json()) as { results: { photo: { path: string }; score: number }[]; notice?: unknown };
    // The server's own answer first (what it ranked, and any notice), then what the grid shows.
    const ranked = answer.results.map((r) => `${r.photo.path} ${r.score}`).join('\n');
    expect(answer.results[0]?.photo.path, `answer: ${JSON.stringify(answer.notice)}\n${ranked}`).toBe(photos.red[1]);
    const paths = await shown(answer);
    expect(paths[0]).toBe(photos.red[1]);
    expect(paths).not.toContain(photos.red[0]);
    await page.getByTestId('search-like').waitFor();
    expect(await page.getByTestId('search-like').getAttribute('data-kind')).toBe('photo');
    await page.getByTestId('search-like-clear').click();
    await page.getByTestId('search-like').waitFor({ state: 'detached' });
  });

  it('an image dropped on the search box finds the red photos, and is not added to the library', async () => {
    const bytes = readFileSync(dropped).toString('base64');
    const uploaded = page.waitForResponse((r) => r.url().includes('/api/addQueryImage'));
    const answered = searchAnswer((b) => typeof b.image === 'string');
    const dataTransfer = await page.evaluateHandle((b64) => {
      const bin = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const dt = new DataTransfer();
      dt.items.add(new File([bin], 'dropped red.jpg', { type: 'image/jpeg' }));
      return dt;
    }, bytes);
    await page.getByTestId('search-box').dispatchEvent('drop', { dataTransfer });
    expect((await uploaded).status()).toBe(200);
    const res = await answered;
    const paths = await shown(await res.json());
    expect(paths.slice(0, 2).map(colourOf)).toEqual(['red', 'red']);
    expect(await page.getByTestId('search-like').getAttribute('data-kind')).toBe('image');
    // The library still holds its 12 photos and nothing from outside it.
    const stats = await page.evaluate(async () => {
      const token = sessionStorage.getItem('kanjian.token');
      const r = await fetch('/api/getStats', { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` }, body: '{}' });
      return r.json();
    });
    expect(stats.photos).toBe(12);
    await page.getByTestId('search-like-clear').click();
    await page.getByTestId('search-like').waitFor({ state: 'detached' });
  });

  it('Ctrl-click, Shift-click and Space select photos; the bar makes an album of them', async () => {
    await expect.poll(async () => (await gridPaths(page)).length).toBe(12);
    const all = await gridPaths(page);
    await cell(all[0]).click({ modifiers: ['Control'] });
    await page.getByTestId('selection-bar').waitFor();
    await cell(all[2]).click({ modifiers: ['Shift'] });
    await expect.poll(() => page.getByTestId('selection-count').textContent()).toContain('3');
    // Space on a fourth toggles it in, and again out.
    await cell(all[4]).focus();
    await page.keyboard.press('Space');
    await expect.poll(() => page.getByTestId('selection-count').textContent()).toContain('4');
    await page.keyboard.press('Space');
    await expect.poll(() => page.getByTestId('selection-count').textContent()).toContain('3');
    expect(await page.locator('[data-testid="grid-cell"][aria-selected="true"]').count()).toBe(3);

    await page.getByTestId('selection-album').click();
    await page.getByTestId('album-new-name').fill('海边 Trip');
    await screenshots('selection');
    const v = await seriousViolations(page);
    expect(v, describeViolations(v)).toEqual([]);
    await page.getByTestId('album-create').click();
    await expect.poll(() => page.getByTestId('selection-notice').textContent()).toContain('海边 Trip');

    // The sidebar lists it; picking it shows exactly those three photos.
    const item = page.getByTestId('albums-item').filter({ hasText: '海边 Trip' });
    await item.waitFor();
    // An album alone is browsed like any filter: the grid (a timeline) shows exactly its photos.
    await item.click();
    await page.getByTestId('album-name').waitFor();
    await expect.poll(async () => [...(await gridPaths(page))].sort()).toEqual(all.slice(0, 3).sort());
    await screenshots('view');
  });

  it('moves a selected photo to the (test) OS trash only after the confirms, and the album view no longer shows it', async () => {
    const trashDir = path.join(home, '.local/share/Trash/files');
    const trashed = () => (existsSync(trashDir) ? readdirSync(trashDir) : []);
    const [first] = await gridPaths(page);
    await cell(first).click({ modifiers: ['Control'] });
    await page.getByTestId('selection-trash').click();
    // The plan's count and bytes first; Cancel moves nothing.
    const dialog = page.getByTestId('confirm-dialog');
    await expect.poll(async () => dialog.getByTestId('confirm-body').textContent()).toMatch(/^1 张照片/);
    await dialog.getByTestId('confirm-cancel').click();
    await dialog.waitFor({ state: 'detached' });
    expect(existsSync(first)).toBe(true);
    expect(trashed()).toEqual([]);
    await page.getByTestId('selection-trash').click();
    await expect.poll(async () => dialog.getByTestId('confirm-body').textContent()).toMatch(/^1 张照片/);
    await page.getByTestId('confirm-ok').click();
    await expect.poll(() => existsSync(first), { timeout: 15_000 }).toBe(false);
    expect(trashed()).toHaveLength(1);
    await expect.poll(async () => (await gridPaths(page)).length).toBe(2);
    expect(await gridPaths(page)).not.toContain(first);
  });

  it('ran without console errors, CSP violations or remote requests', () => {
    expect(problems).toEqual([]);
  });
});
