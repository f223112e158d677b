// kanjian:// → files: the Electron protocol's resolver, without Electron.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routeProtocolRequest, splitProtocolUrl, type ProtocolDeps } from '../../../main/electron/protocol-routes.js';
import { resolveMedia, type MediaSource } from '../../../main/shell-common/media.js';

let tmp: string;
let deps: ProtocolDeps;
const lookups: [string, string][] = [];

beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'kanjian-proto-'));
  const dist = path.join(tmp, 'renderer', 'dist');
  const lib = path.join(tmp, 'lib');
  const thumbs = path.join(tmp, 'data', 'thumbnails');
  mkdirSync(path.join(dist, 'assets'), { recursive: true });
  mkdirSync(lib);
  mkdirSync(thumbs, { recursive: true });
  writeFileSync(path.join(dist, 'index.html'), '<!doctype html>');
  writeFileSync(path.join(dist, 'assets', 'app-1234abcd.js'), 'js');
  writeFileSync(path.join(tmp, 'renderer', 'secret.js'), 'SECRET');
  writeFileSync(path.join(lib, '猫.jpg'), 'JPEG');
  writeFileSync(path.join(thumbs, 'aa.webp'), 'WEBP');
  writeFileSync(path.join(tmp, 'outside.jpg'), 'SECRET');
  const originals: Record<number, string> = { 1: path.join(lib, '猫.jpg'), 2: path.join(tmp, 'outside.jpg') };
  if (process.platform !== 'win32') {
    symlinkSync(path.join(tmp, 'renderer', 'secret.js'), path.join(dist, 'assets', 'escape.js'));
    symlinkSync(path.join(tmp, 'outside.jpg'), path.join(lib, 'escape.jpg'));
    originals[3] = path.join(lib, 'escape.jpg');
  }
  const source: MediaSource = {
    thumbnailPath: (id) => (id === 1 ? path.join(thumbs, 'aa.webp') : null),
    originalPath: (id) => originals[id] ?? null,
    previewPath: async () => null,
    previewRoot: path.join(thumbs, 'no-previews'),
    thumbnailRoot: thumbs,
    libraryRoots: () => [lib],
  };
  deps = {
    rendererDir: dist,
    resolveMedia: (kind, rawId) => {
      lookups.push([kind, rawId]);
      return resolveMedia(source, kind, rawId);
    },
  };
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('splitProtocolUrl', () => {
  it('takes only kanjian: URLs without credentials or ports', () => {
    expect(splitProtocolUrl('kanjian://app/index.html')).toEqual({ host: 'app', path: '/index.html' });
    expect(splitProtocolUrl('kanjian://thumb/12')).toEqual({ host: 'thumb', path: '/12' });
    expect(splitProtocolUrl('https://app/index.html')).toBeNull();
    expect(splitProtocolUrl('kanjian://u:p@app/')).toBeNull();
    expect(splitProtocolUrl('kanjian://app:8080/')).toBeNull();
    expect(splitProtocolUrl('::::')).toBeNull();
  });
});

describe('routeProtocolRequest', () => {
  it('serves the app with the Electron CSP', async () => {
    const r = await routeProtocolRequest('kanjian://app/', 'GET', deps);
    expect(r.status).toBe(200);
    expect(r.headers['Content-Type']).toBe('text/html; charset=utf-8');
    expect(r.headers['Content-Security-Policy']).toContain('kanjian:');
    expect(r.headers['X-Content-Type-Options']).toBe('nosniff');
    expect((await routeProtocolRequest('kanjian://app/assets/app-1234abcd.js', 'GET', deps)).status).toBe(200);
  });

  it('serves thumbnails and originals by id only', async () => {
    const t = await routeProtocolRequest('kanjian://thumb/1', 'GET', deps);
    expect(t).toMatchObject({ status: 200, headers: { 'Content-Type': 'image/webp' } });
    const o = await routeProtocolRequest('kanjian://original/1', 'GET', deps);
    expect(o).toMatchObject({ status: 200, headers: { 'Content-Type': 'image/jpeg' } });
    expect(await routeProtocolRequest('kanjian://original/2', 'GET', deps)).toMatchObject({ status: 404 });
    expect(await routeProtocolRequest('kanjian://thumb/2', 'GET', deps)).toMatchObject({ status: 404 });
  });

  it('refuses traversal, encoded dots and absolute paths on the app host', async () => {
    for (const u of [
      'kanjian://app/../secret.js',
      'kanjian://app/%2e%2e/secret.js',
      'kanjian://app/assets/%2E%2E/%2E%2E/secret.js',
      'kanjian://app/..%2fsecret.js',
      'kanjian://app/..%5csecret.js',
      'kanjian://app/%252e%252e/secret.js',
      `kanjian://app/${encodeURIComponent(path.join(tmp, 'renderer', 'secret.js'))}`,
      `kanjian://app//${tmp.slice(1)}/renderer/secret.js`,
      'kanjian://app/C:/Windows/win.ini',
      'kanjian://app/index.html%00.js',
    ]) {
      const r = await routeProtocolRequest(u, 'GET', deps);
      expect([400, 404], u).toContain(r.status);
      if (r.status === 200) expect(r.file).not.toContain('secret');
    }
  });

  it.skipIf(process.platform === 'win32')('refuses symlinks that escape', async () => {
    expect(await routeProtocolRequest('kanjian://app/assets/escape.js', 'GET', deps)).toMatchObject({ status: 404 });
    expect(await routeProtocolRequest('kanjian://original/3', 'GET', deps)).toMatchObject({ status: 404 });
  });

  it('refuses ids that are not positive integers, without asking for a path', async () => {
    lookups.length = 0;
    for (const id of ['abc', '1.5', '-1', '0', '01', '1e3', '%2e%2e', '..%2f1', encodeURIComponent('/etc/passwd'), '']) {
      const r = await routeProtocolRequest(`kanjian://thumb/${id}`, 'GET', deps);
      expect([400, 404], id).toContain(r.status);
    }
    expect(await routeProtocolRequest('kanjian://thumb/1/2', 'GET', deps)).toMatchObject({ status: 400 });
    expect(await routeProtocolRequest('kanjian://original/../../etc/passwd', 'GET', deps)).toMatchObject({ status: 400 });
    // Whatever reached the core process was refused there as a non-integer id.
    for (const [, raw] of lookups) expect(/^[1-9][0-9]*$/.test(raw)).toBe(false);
  });

  it('only GET/HEAD, only known hosts', async () => {
    expect(await routeProtocolRequest('kanjian://app/', 'POST', deps)).toMatchObject({ status: 405 });
    expect(await routeProtocolRequest('kanjian://etc/passwd', 'GET', deps)).toMatchObject({ status: 404 });
    expect(await routeProtocolRequest('file:///etc/passwd', 'GET', deps)).toMatchObject({ status: 400 });
  });
});
