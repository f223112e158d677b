// Response headers both shells put on what they serve. The CSP matches the renderer's own
// <meta> policy (renderer/index.html); sent as a header it also covers frame-ancestors,
// which a <meta> CSP cannot.
const BASE_CSP = [
  "default-src 'self'",
  "connect-src 'self'",
  "style-src 'self'",
  "script-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
];

/** CSP for the HTTP shell: thumbnails come from the same origin. */
export const HTTP_CSP = [...BASE_CSP, "img-src 'self' data: blob:"].join('; ');

/** CSP for Electron: the app is kanjian://app, thumbnails are kanjian://thumb/<id>. */
export const ELECTRON_CSP = [...BASE_CSP, "img-src 'self' kanjian: data: blob:"].join('; ');

export function securityHeaders(csp: string): Record<string, string> {
  return {
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Opener-Policy': 'same-origin',
  };
}
