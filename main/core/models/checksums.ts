// A package's own checksum file, `SHA256SUMS` (sha256sum's `<hash>  <path>` lines). Kanjian writes
// it when a download completes, so a package copied to a computer without internet can be
// verified there even for models whose registry entry publishes no hashes.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import path from 'node:path';
import { KanjianError } from '../errors.js';
import { isSafeRelativePath } from './registry.js';

export const CHECKSUMS_FILE = 'SHA256SUMS';

export async function sha256File(p: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(p)) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** Lines → path → hash; an unreadable line or an unsafe path is a bad package. */
export function parseChecksums(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    if (!line.trim()) continue;
    const m = /^([0-9a-fA-F]{64})\s+\*?(.+)$/.exec(line.trim());
    if (!m || !isSafeRelativePath(m[2])) {
      throw new KanjianError('install.badManifest', `${CHECKSUMS_FILE}: cannot read line "${line.slice(0, 80)}"`, {
        params: { detail: CHECKSUMS_FILE },
      });
    }
    out.set(m[2], m[1].toLowerCase());
  }
  return out;
}

/** The file's text for `files` (relative to `dir`); `known` hashes are reused instead of re-read. */
export async function checksumsFor(dir: string, files: string[], known: Map<string, string> = new Map()): Promise<string> {
  const lines: string[] = [];
  for (const f of [...new Set(files)].sort()) lines.push(`${known.get(f) ?? (await sha256File(path.join(dir, f)))}  ${f}`);
  return lines.join('\n') + '\n';
}
