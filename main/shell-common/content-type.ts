// Content types by extension for the files the shells serve: the built renderer and photos.
// A closed list on purpose: anything else is not ours to serve.
import path from 'node:path';
import { FORMAT_MIME, photoFormatFromPath } from '../core/media/formats.js';

const APP_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};

/** Type of a file of the built app, or null when it is not a kind the app ships. */
export function appContentType(file: string): string | null {
  return APP_TYPES[path.extname(file).toLowerCase()] ?? null;
}

/** Type of a photo or thumbnail file, or null when it is not an image we know. */
export function imageContentType(file: string): string | null {
  // The core's extension table: a photo is served only under a name the library indexes
  // (thumbnails are .webp). SVG is not among them: served from our origin it could run script.
  const format = photoFormatFromPath(file);
  return format ? FORMAT_MIME[format] : null;
}
