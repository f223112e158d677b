// Who may talk to the local server: whoever holds this run's token, through a Host header that
// names our own address (a page on another site rebinding its DNS name to 127.0.0.1 sends its
// own name as Host and is refused before the token is even looked at).
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** 32 random bytes, URL-safe: fits in `?token=` unescaped. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Constant-time comparison; hashing first makes the lengths equal, so length leaks nothing either. */
export function tokenMatches(expected: string, given: string | null | undefined): boolean {
  if (typeof given !== 'string' || !given || !expected) return false;
  const a = createHash('sha256').update(expected, 'utf8').digest();
  const b = createHash('sha256').update(given, 'utf8').digest();
  return timingSafeEqual(a, b);
}

/** The token a request carries: `Authorization: Bearer <t>` first, else `?token=<t>`. */
export function requestToken(headers: IncomingHttpHeaders, query: URLSearchParams): string | null {
  const auth = headers.authorization;
  if (typeof auth === 'string') {
    const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(auth);
    if (m) return m[1];
  }
  return query.get('token');
}

/** The only Host values we answer to: the address we are bound to, by number or as localhost. */
export function allowedHosts(port: number): Set<string> {
  return new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
}

export function hostAllowed(host: string | undefined, port: number): boolean {
  if (typeof host !== 'string') return false;
  return allowedHosts(port).has(host.trim().toLowerCase());
}

/**
 * Browsers send Origin on cross-origin requests and on same-origin POSTs. When present it must
 * be ours; absent is fine (same-origin GETs, EventSource, non-browser clients with the token).
 */
export function originAllowed(origin: string | undefined, port: number): boolean {
  if (origin === undefined) return true;
  return origin === `http://127.0.0.1:${port}` || origin === `http://localhost:${port}`;
}
