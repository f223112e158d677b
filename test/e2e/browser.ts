// Debian's Chromium driven by playwright-core, as the e2e tests use it: a fresh profile, the
// flags that keep it off the network, and every console error, page error or request to another
// origin collected as a problem the test asserts is empty.
import { chromium, type BrowserContext, type Page } from 'playwright-core';

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
