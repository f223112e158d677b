// What every e2e file sets up the same way: a temp folder, a fresh build of the renderer (kept
// out of renderer/dist so a test never races a dev build), the real `serve` in a child process
// (serve-process.ts), Debian's Chromium on its origin (browser.ts), and the teardown. Also the
// language/theme switch that the screenshot loops use.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { build } from 'vite';
import { expect } from 'vitest';
import { CHROMIUM, openAppBrowser } from './browser.js';
import { startServe, type ServeOptions, type ServeProcess } from './serve-process.js';

export const REPO = path.resolve(new URL('../..', import.meta.url).pathname);
/** Screenshots shown in the README and docs. */
export const SCREENSHOTS = path.join(REPO, 'docs/screenshots');
/** Screenshots only for looking at a failed run. */
export const TEST_SHOTS = path.join(REPO, 'test-output/e2e');
export const TOY_COLOURS = path.join(REPO, 'test/fixtures/models/toy-colors');

export const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.warn(`[e2e] skipped: ${CHROMIUM} not found (install it with: apt-get install -y chromium fonts-noto-cjk)`);

/** A fresh temp folder for one test file (photos, data, profile, build), removed by stopApp. */
export function e2eTmp(name: string): string {
  return mkdtempSync(path.join(os.tmpdir(), `kanjian-e2e-${name}-`));
}

export interface E2eApp {
  serve: ServeProcess;
  context: BrowserContext;
  page: Page;
  /** Console errors, page errors and requests to another origin (a test asserts it stays empty). */
  problems: string[];
  /** The built renderer, to start `serve` again on it. */
  rendererDir: string;
}

/**
 * Builds the renderer into `<tmp>/renderer-dist`, starts `serve` with it and opens Chromium
 * (zh-CN) with a fresh profile. The page is blank: the test goes to `app.serve.url`.
 */
export async function startApp(
  tmp: string,
  serve: Omit<ServeOptions, 'rendererDir'>,
  opts: { viewport?: { width: number; height: number }; problems?: string[] } = {},
): Promise<E2eApp> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  mkdirSync(TEST_SHOTS, { recursive: true });
  const rendererDir = path.join(tmp, 'renderer-dist');
  await build({ configFile: path.join(REPO, 'renderer/vite.config.ts'), logLevel: 'warn', build: { outDir: rendererDir, emptyOutDir: true } });
  const server = await startServe({ ...serve, rendererDir });
  const problems = opts.problems ?? [];
  const { context, page } = await openAppBrowser(path.join(tmp, 'chromium-profile'), new URL(server.url).origin, problems);
  if (opts.viewport) await page.setViewportSize(opts.viewport);
  return { serve: server, context, page, problems, rendererDir };
}

/**
 * Closes the browser, stops the server and removes `tmp`. Returns the server's exit code
 * (null: it had to be killed) and its stderr, for the test to assert on; undefined when it never started.
 */
export async function stopApp(app: E2eApp | undefined, tmp: string | undefined): Promise<{ code: number | null; stderr: string } | undefined> {
  await app?.context.close();
  const code = app ? await app.serve.stop() : undefined;
  if (tmp) rmSync(tmp, { recursive: true, force: true });
  return app && code !== undefined ? { code, stderr: app.serve.stderr() } : undefined;
}

export type Language = 'zh-CN' | 'en';
export type Theme = 'light' | 'dark';
/** Every language × theme, for screenshots and accessibility checks. */
export const LOOKS = [
  ['zh-CN', 'light'],
  ['zh-CN', 'dark'],
  ['en', 'light'],
  ['en', 'dark'],
] as const satisfies readonly (readonly [Language, Theme])[];
export const short = (lang: Language) => (lang === 'zh-CN' ? 'zh' : 'en');

/** Switches language and theme through the app's own controls and waits until the page shows both. */
export async function setLook(page: Page, language: Language, theme: Theme): Promise<void> {
  await page.getByTestId('language-switch').selectOption(language);
  await page.getByTestId('theme-switch').selectOption(theme);
  await expect.poll(() => page.evaluate(() => [document.documentElement.lang, document.documentElement.dataset.theme])).toEqual([language, theme]);
}
