import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isInside } from '../../../main/shell-common/contain.js';
import { resolveStaticFile, safeSegments } from '../../../main/shell-common/static-files.js';

let tmp: string;
let root: string;

beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'kanjian-static-'));
  root = path.join(tmp, 'dist');
  mkdirSync(path.join(root, 'assets', 'sub'), { recursive: true });
  writeFileSync(path.join(root, 'index.html'), '<!doctype html>app');
  writeFileSync(path.join(root, 'assets', 'index-abc12345.js'), 'js');
  writeFileSync(path.join(root, 'assets', 'sub', 'index.html'), 'sub');
  writeFileSync(path.join(root, 'assets', 'style 中文.css'), 'css');
  writeFileSync(path.join(root, '.env'), 'SECRET');
  writeFileSync(path.join(root, 'notes.exe'), 'MZ');
  writeFileSync(path.join(tmp, 'secret.js'), 'SECRET');
  mkdirSync(path.join(tmp, 'dist-evil'));
  writeFileSync(path.join(tmp, 'dist-evil', 'x.js'), 'SECRET');
  if (process.platform !== 'win32') {
    symlinkSync(path.join(tmp, 'secret.js'), path.join(root, 'assets', 'link.js'));
    symlinkSync(tmp, path.join(root, 'assets', 'up'));
    symlinkSync(path.join(root, 'assets', 'index-abc12345.js'), path.join(root, 'assets', 'inside-link.js'));
  }
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('isInside', () => {
  it('is lexical containment', () => {
    expect(isInside('/a/b', '/a/b')).toBe(true);
    expect(isInside('/a/b', '/a/b/c')).toBe(true);
    expect(isInside('/a/b', '/a/b/..c')).toBe(true);
    expect(isInside('/a/b', '/a/bc')).toBe(false);
    expect(isInside('/a/b', '/a')).toBe(false);
    expect(isInside('/a/b', '/a/b/../c')).toBe(false);
  });
});

describe('safeSegments', () => {
  it('decodes each segment once', () => {
    expect(safeSegments('/assets/style%20%E4%B8%AD%E6%96%87.css')).toEqual({ segments: ['assets', 'style 中文.css'], trailingSlash: false });
    expect(safeSegments('/')).toEqual({ segments: [], trailingSlash: true });
  });
  it.each([
    '/../etc/passwd',
    '/assets/../../secret.js',
    '/%2e%2e/secret.js',
    '/%2E%2E/secret.js',
    '/.%2e/secret.js',
    '/assets/%2e%2e%2f%2e%2e%2fsecret.js',
    '/%252e%252e/secret.js',
    '/..%5csecret.js',
    '/assets\\..\\..\\secret.js',
    '//etc/passwd',
    '/assets//x.js',
    '/C:/Windows/win.ini',
    '/index.html%00.js',
    '/a\0b',
    '/%E0%A4%A',
    'index.html',
    '',
    '/./index.html',
  ])('refuses %j', (p) => {
    expect(safeSegments(p)).toHaveProperty('error');
  });
});

describe('resolveStaticFile', () => {
  it('serves index.html for / and files by path with their types', async () => {
    const r = await resolveStaticFile(root, '/');
    expect(r).toMatchObject({ ok: true, isIndex: true, contentType: 'text/html; charset=utf-8' });
    const js = await resolveStaticFile(root, '/assets/index-abc12345.js');
    expect(js).toMatchObject({ ok: true, isIndex: false, contentType: 'text/javascript; charset=utf-8' });
    const css = await resolveStaticFile(root, '/assets/style%20%E4%B8%AD%E6%96%87.css');
    expect(css).toMatchObject({ ok: true, contentType: 'text/css; charset=utf-8' });
    expect(await resolveStaticFile(root, '/assets/sub/')).toMatchObject({ ok: true, isIndex: false });
  });

  it('answers 400 for traversal and 404 for what is not there', async () => {
    for (const p of ['/../secret.js', '/%2e%2e/secret.js', '/assets/..%2f..%2fsecret.js', '//etc/passwd', '/..%5csecret.js', '/%00']) {
      const r = await resolveStaticFile(root, p);
      expect(r, p).toMatchObject({ ok: false, status: 400 });
    }
    for (const p of ['/nope.js', '/.env', '/notes.exe', '/assets', '/assets/']) {
      const r = await resolveStaticFile(root, p);
      expect(r, p).toMatchObject({ ok: false, status: 404 });
    }
  });

  it('does not serve a sibling folder that shares the root prefix', async () => {
    const r = await resolveStaticFile(root, '/../dist-evil/x.js');
    expect(r.ok).toBe(false);
  });

  it.skipIf(process.platform === 'win32')('refuses symlinks that escape the root, allows ones inside', async () => {
    expect(await resolveStaticFile(root, '/assets/link.js')).toMatchObject({ ok: false, status: 404 });
    expect(await resolveStaticFile(root, '/assets/up/secret.js')).toMatchObject({ ok: false, status: 404 });
    expect(await resolveStaticFile(root, '/assets/inside-link.js')).toMatchObject({ ok: true });
  });

  it('refuses everything when the root does not exist', async () => {
    expect(await resolveStaticFile(path.join(tmp, 'missing'), '/')).toMatchObject({ ok: false, status: 404 });
  });
});
