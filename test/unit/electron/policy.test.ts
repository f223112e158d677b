import { describe, expect, it } from 'vitest';
import { API_METHODS, type ApiMethod, type KanjianApi } from '../../../main/core/api.js';
import { API_CHANNELS, DESKTOP_CHANNELS, EVENT_CHANNEL } from '../../../main/electron/channels.js';
import { APP_ENTRY, appWebPreferences, isAppUrl, isTrustedSender, navigationAllowed, requestAllowed } from '../../../main/electron/policy.js';
import { ELECTRON_CSP, HTTP_CSP } from '../../../main/shell-common/security.js';

describe('window policy', () => {
  it('DevTools only outside packaged builds', () => {
    expect(appWebPreferences('/p', { packaged: true }).devTools).toBe(false);
    expect(appWebPreferences('/p', { packaged: false }).devTools).toBe(true);
  });

  it('locks the window down', () => {
    const p = appWebPreferences('/app/preload.cjs', { packaged: true });
    expect(p).toMatchObject({
      preload: '/app/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
  });

  it('allows navigation only inside kanjian://app', () => {
    expect(navigationAllowed(APP_ENTRY)).toBe(true);
    expect(navigationAllowed('kanjian://app/')).toBe(true);
    expect(navigationAllowed('kanjian://app/index.html#/viewer')).toBe(true);
    for (const u of [
      'https://example.com/',
      'http://127.0.0.1:3000/',
      'file:///etc/passwd',
      'kanjian://thumb/1',
      'kanjian://original/1',
      'kanjian://app.evil/',
      'kanjian://user:pw@app/',
      'javascript:alert(1)',
      'data:text/html,<script>1</script>',
      'about:blank',
      'not a url',
    ]) {
      expect(navigationAllowed(u), u).toBe(false);
    }
    expect(isAppUrl('KANJIAN://APP/index.html')).toBe(true);
  });

  it('cancels every remote request', () => {
    for (const u of ['kanjian://app/assets/x.js', 'kanjian://thumb/3', 'data:image/png;base64,AA', 'blob:kanjian://app/1234', 'devtools://devtools/bundled/x']) {
      expect(requestAllowed(u), u).toBe(true);
    }
    for (const u of ['https://example.com/x.js', 'http://localhost/', 'ws://127.0.0.1:1/', 'file:///etc/hosts', 'ftp://x/', '']) {
      expect(requestAllowed(u), u).toBe(false);
    }
  });

  it('answers IPC only for the app main frame', () => {
    expect(isTrustedSender('kanjian://app/index.html', true)).toBe(true);
    expect(isTrustedSender('kanjian://app/index.html', false)).toBe(false);
    expect(isTrustedSender('https://evil.example/', true)).toBe(false);
    expect(isTrustedSender(undefined, true)).toBe(false);
  });

  it('CSP: Electron allows kanjian: images, the browser does not need to', () => {
    expect(ELECTRON_CSP).toContain("img-src 'self' kanjian: data: blob:");
    expect(HTTP_CSP).toContain("img-src 'self' data: blob:");
    for (const csp of [ELECTRON_CSP, HTTP_CSP]) {
      for (const d of ["default-src 'self'", "script-src 'self'", "connect-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"]) {
        expect(csp).toContain(d);
      }
      expect(csp).not.toContain('unsafe');
    }
  });
});

describe('IPC channels', () => {
  it('one distinct kanjian: channel per API method, desktop action and the event stream', () => {
    const all = [...Object.values(API_CHANNELS), ...Object.values(DESKTOP_CHANNELS), EVENT_CHANNEL];
    expect(all).toHaveLength(API_METHODS.length + 3 + 1);
    expect(new Set(all).size).toBe(all.length);
    for (const c of all) expect(c).toMatch(/^kanjian:[A-Za-z:]+$/);
    // The wire name, written out: the preload bundle and the main process are built separately.
    expect(API_CHANNELS.search).toBe('kanjian:search');
  });

  it('every KanjianApi method can be called over IPC', () => {
    // A method added to KanjianApi but not to API_METHODS gets no channel and no preload
    // function; this line then fails `npm run typecheck` (part of `npm test`).
    type WithoutChannel = Exclude<keyof KanjianApi, ApiMethod>;
    const withoutChannel: [WithoutChannel] extends [never] ? 'none' : WithoutChannel = 'none';
    expect(withoutChannel).toBe('none');
  });
});
