// What the app window may do: the security settings and URL rules main.ts applies, kept free
// of Electron imports so they are unit-tested.
export const SCHEME = 'kanjian';
export const APP_HOST = 'app';
export const APP_ORIGIN = `${SCHEME}://${APP_HOST}`;
export const APP_ENTRY = `${APP_ORIGIN}/index.html`;

/** webPreferences of the app window: isolated, sandboxed, no Node, web security on. */
export function appWebPreferences(preload: string, opts: { packaged: boolean }) {
  return {
    preload,
    // DevTools only in development builds: in a packaged app they would let anyone at the
    // keyboard run code with the window's IPC bridge.
    devTools: !opts.packaged,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    spellcheck: false,
    safeDialogs: true,
  } as const;
}

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/** A page of the app itself (kanjian://app/…). */
export function isAppUrl(url: string): boolean {
  const u = parse(url);
  return !!u && u.protocol === `${SCHEME}:` && u.host.toLowerCase() === APP_HOST && !u.username && !u.password;
}

/** Navigation (links, location changes, redirects) may only stay inside the app. */
export const navigationAllowed = isAppUrl;

/**
 * Network requests the window may make: our own scheme and in-page data. Everything else
 * (http, https, ws, file, ftp) is cancelled: the app shows local photos and needs no remote content.
 */
export function requestAllowed(url: string): boolean {
  const u = parse(url);
  if (!u) return false;
  return u.protocol === `${SCHEME}:` || u.protocol === 'data:' || u.protocol === 'blob:' || u.protocol === 'devtools:';
}

/** IPC is answered only for the app's own top frame. */
export function isTrustedSender(frameUrl: string | undefined | null, isMainFrame: boolean): boolean {
  return isMainFrame && typeof frameUrl === 'string' && isAppUrl(frameUrl);
}
