// The symlink policy, in one place: links are never followed, and a path the core acts on
// (indexes, serves, trashes) must really lie in a library folder — its real path, with every
// link resolved, inside the real path of a root, and no link on the way from the root to it.
import { lstat, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { isInsidePath, samePath } from './path-key.js';

export type RealPathRefusal = 'missing' | 'link' | 'outside' | 'not-a-file';

export type RealPathCheck = { ok: true; real: string } | { ok: false; reason: RealPathRefusal };

/**
 * Checks `file` against the library `roots` (as stored: absolute). It passes when it exists,
 * is not itself a symlink, and its real path is its own path below a root's real path, i.e. no
 * directory between the root and the file is a link either.
 */
export async function checkInLibrary(
  file: string,
  roots: readonly string[],
  opts: { kind?: 'file' | 'any' } = {},
): Promise<RealPathCheck> {
  if (!path.isAbsolute(file) || file.includes('\0')) return { ok: false, reason: 'outside' };
  let st;
  try {
    st = await lstat(file);
  } catch {
    return { ok: false, reason: 'missing' };
  }
  if (st.isSymbolicLink()) return { ok: false, reason: 'link' };
  if ((opts.kind ?? 'file') === 'file' && !st.isFile()) return { ok: false, reason: 'not-a-file' };
  let real: string;
  try {
    real = await realpath(file);
  } catch {
    return { ok: false, reason: 'missing' };
  }
  for (const root of roots) {
    if (!isInsidePath(root, file)) continue;
    let realRoot: string;
    try {
      realRoot = await realpath(root);
    } catch {
      continue; // a root that is not there contains nothing
    }
    // The root itself may sit behind a link (macOS /tmp → /private/tmp); below it, nothing may.
    if (samePath(path.join(realRoot, path.relative(root, file)), real)) return { ok: true, real };
    return { ok: false, reason: isInsidePath(realRoot, real) ? 'link' : 'outside' };
  }
  return { ok: false, reason: 'outside' };
}

/** Device + inode of a directory: the identity that survives links, case and normalisation. */
export async function dirIdentity(dir: string): Promise<string | null> {
  try {
    const st = await stat(dir);
    return `${st.dev}:${st.ino}`;
  } catch {
    return null;
  }
}
