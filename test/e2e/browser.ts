// Debian's Chromium driven by playwright-core, as the e2e tests use it: a fresh profile, the
// flags that keep it off the network, and every console error, page error or request to another
// origin collected as a problem the test asserts is empty.
import { chromium, type BrowserContext, type Page, type Response } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

export async function openAppBrowser(
  profileDir: string,
  appOrigin: string,
  problems: string[],
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    locale: 'zh-CN',
    viewport: { width: 1280, height: 860 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  // Anything the page asks of another origin is a bug (and the CSP would block it).
  page.on('request', (r) => {
    if (!r.url().startsWith(appOrigin) && !r.url().startsWith('data:')) problems.push(`remote request: ${r.url()}`);
  });
  return { context, page };
}

/** Paths of the rendered grid cells, in grid order. */
export async function gridPaths(page: Page): Promise<string[]> {
  return page.$$eval('[data-testid="grid-cell"][data-path]', (cells) =>
    cells
      .map((c) => ({ i: Number(c.getAttribute('data-index')), p: c.getAttribute('data-path')! }))
      .sort((a, b) => a.i - b.i)
      .map((x) => x.p),
  );
}

/**
 * Types a query, presses Enter and waits until the grid shows the server's answer to that very
 * query — whatever it is — then returns the grid's paths. It waits for "the answer is on
 * screen", never for the ranking a test asserts, so a wrong ranking fails the test's own
 * assertion instead of being waited away.
 */
export async function searchFor(page: Page, query: string): Promise<string[]> {
  const answered = page.waitForResponse((r) => {
    if (!r.url().includes('/api/search') || r.request().method() !== 'POST') return false;
    try {
      return (r.request().postDataJSON() as { query?: string } | null)?.query === query;
    } catch {
      return false;
    }
  });
  const box = page.getByTestId('search-input');
  await box.fill(query);
  await box.press('Enter');
  const response = await answered;
  const answer = (await answerBody(page, response)).results.map((r) => r.photo.path);
  await page.waitForFunction(
    (want) => {
      const shown = [...document.querySelectorAll('[data-testid="grid-cell"][data-path]')]
        .sort((a, b) => Number(a.getAttribute('data-index')) - Number(b.getAttribute('data-index')))
        .map((c) => c.getAttribute('data-path'));
      // Results (cells with their match badges), in the answer's order: all of a short answer, or as many
      // of a long one as the grid renders.
      if (want.length === 0) return shown.length === 0;
      const n = Math.min(want.length, shown.length);
      return document.querySelector('[data-testid="match-views"]') !== null && n > 0 && shown.length <= want.length && want.slice(0, n).every((p, i) => shown[i] === p);
    },
    answer,
    { timeout: 15_000 },
  );
  return gridPaths(page);
}

/**
 * The body of a search response. Chromium's DevTools keeps response bodies in a bounded buffer,
 * and on a page that has loaded many thumbnails it can evict the answer before it is read
 * ("No data found for resource", seen once in CI). The search is read-only, so the same request
 * (URL, headers, body) sent again to the real server gives the same answer for the same library;
 * if the library had moved on, the grid check after it fails instead of passing.
 */
async function answerBody(page: Page, response: Response): Promise<{ results: { photo: { path: string } }[] }> {
  try {
    return (await response.json()) as { results: { photo: { path: string } }[] };
  } catch {
    const request = response.request();
    const again = await page.request.post(request.url(), { headers: await request.allHeaders(), data: request.postData() ?? '' });
    return (await again.json()) as { results: { photo: { path: string } }[] };
  }
}
