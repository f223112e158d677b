import { describe, expect, it } from 'vitest';
import { hostAllowed, newToken, originAllowed, requestToken, tokenMatches } from '../../../main/server/auth.js';

describe('token', () => {
  it('is random, long and URL-safe', () => {
    const a = newToken();
    const b = newToken();
    expect(a).not.toBe(b);
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(encodeURIComponent(a)).toBe(a);
  });
  it('matches only the exact token', () => {
    const t = newToken();
    expect(tokenMatches(t, t)).toBe(true);
    for (const bad of [t.slice(1), t + 'x', t.toUpperCase(), '', ' ' + t, null, undefined]) expect(tokenMatches(t, bad as string)).toBe(false);
    expect(tokenMatches('', '')).toBe(false);
  });
  it('reads Bearer first, then ?token=', () => {
    const q = new URLSearchParams('token=fromquery');
    expect(requestToken({ authorization: 'Bearer abc' }, q)).toBe('abc');
    expect(requestToken({ authorization: 'bearer   abc ' }, q)).toBe('abc');
    expect(requestToken({}, q)).toBe('fromquery');
    expect(requestToken({ authorization: 'Basic Zm9vOmJhcg==' }, q)).toBe('fromquery');
    expect(requestToken({}, new URLSearchParams())).toBeNull();
  });
});

describe('Host and Origin checks', () => {
  it('accepts only our own address and port', () => {
    expect(hostAllowed('127.0.0.1:4321', 4321)).toBe(true);
    expect(hostAllowed('localhost:4321', 4321)).toBe(true);
    expect(hostAllowed('LOCALHOST:4321', 4321)).toBe(true);
    for (const h of ['127.0.0.1', 'localhost', '127.0.0.1:80', 'evil.example:4321', 'evil.example', 'localhost.evil.example:4321', '127.0.0.1:4321.evil', '[::1]:4321', '0.0.0.0:4321', '', undefined]) {
      expect(hostAllowed(h, 4321), String(h)).toBe(false);
    }
  });
  it('accepts a missing Origin or our own', () => {
    expect(originAllowed(undefined, 4321)).toBe(true);
    expect(originAllowed('http://127.0.0.1:4321', 4321)).toBe(true);
    expect(originAllowed('http://localhost:4321', 4321)).toBe(true);
    for (const o of ['null', 'http://evil.example', 'http://127.0.0.1:1', 'https://127.0.0.1:4321', '']) expect(originAllowed(o, 4321)).toBe(false);
  });
});
