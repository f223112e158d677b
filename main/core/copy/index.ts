// Copying photos out of the library to a folder the user picks: copy, never move. The source
// is only ever read (COPYFILE_EXCL writes the new file and refuses to replace any file, the
// source included); a name already taken in the destination gets " (1)", " (2)" … before its
// extension. Each photo that cannot be copied says why, as a code.
import { constants, realpathSync } from 'node:fs';
import { copyFile, mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { CopyOutcome, MessageCode } from '../api.js';
import { KanjianError } from '../errors.js';
import { realPathInside } from '../library/folder-rules.js';
import { isInside } from '../paths.js';
import type { Store } from '../store/index.js';

/** Enough tries for any real folder; past it the folder is not one a person manages by hand. */
const MAX_NAME_TRIES = 1000;

export interface CopyContext {
  store: Store;
  /** Library folders: a source must lie inside one (by real path), the destination must not. */
  roots: string[];
  dataDir: string;
}

/** Refuses a destination that is missing, not a folder, the data folder or inside the library. */
export async function checkDestination(dest: string, ctx: CopyContext): Promise<string> {
  if (!path.isAbsolute(dest)) throw new KanjianError('folder.relative', `Not an absolute path: ${dest}`, { params: { path: dest } });
  let real: string;
  try {
    real = realpathSync.native(dest);
  } catch {
    throw new KanjianError('folder.notFound', `No such folder: ${dest}`, { params: { path: dest } });
  }
  const info = await stat(real);
  if (!info.isDirectory()) throw new KanjianError('folder.notAFolder', `Not a folder: ${dest}`, { params: { path: dest } });
  const realData = safeReal(ctx.dataDir);
  if (realData && isInside(realData, real)) throw new KanjianError('folder.dataFolder', `Inside Kanjian's data folder: ${dest}`, { params: { path: dest } });
  // Copies inside a library folder would be indexed as duplicates of their sources.
  if (ctx.roots.some((r) => isInside(safeReal(r) ?? r, real))) {
    throw new KanjianError('copy.insideLibrary', `Inside a library folder: ${dest}`, { params: { path: dest } });
  }
  return real;
}

export async function copyPhotos(photoIds: number[], destination: string, ctx: CopyContext): Promise<CopyOutcome> {
  const dest = await checkDestination(destination, ctx);
  await mkdir(dest, { recursive: true });
  const outcome: CopyOutcome = { destination: dest, copied: [], failed: [] };
  const taken = new Set<string>();
  for (const id of photoIds) {
    const row = ctx.store.photos.byId(id);
    const fail = (code: MessageCode, error: string, p = row?.path ?? '') =>
      outcome.failed.push({ id, path: p, code, error, params: { name: path.basename(p) } });
    if (!row) {
      fail('copy.notInLibrary', `Photo ${id} is not in the library`);
      continue;
    }
    // Only files inside a library folder (by real path): a link swapped in cannot make us read elsewhere.
    const source = realPathInside(row.path, ctx.roots);
    if (!source) {
      fail('media.notFound', `Not found in the library folders: ${row.path}`);
      continue;
    }
    try {
      const to = await copyUnderFreeName(source, dest, taken);
      outcome.copied.push({ id, from: row.path, to });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      fail(code === 'ENOSPC' ? 'copy.diskFull' : code === 'EACCES' || code === 'EPERM' ? 'media.permission' : 'copy.failed', (e as Error).message);
    }
  }
  return outcome;
}

/** "IMG_1.jpg", then "IMG_1 (1).jpg" …; EXCL makes the check and the write one step. */
async function copyUnderFreeName(source: string, dest: string, taken: Set<string>): Promise<string> {
  const ext = path.extname(source);
  const stem = path.basename(source, ext);
  for (let n = 0; n < MAX_NAME_TRIES; n++) {
    const name = n === 0 ? `${stem}${ext}` : `${stem} (${n})${ext}`;
    const target = path.join(dest, name);
    if (taken.has(target)) continue;
    try {
      await copyFile(source, target, constants.COPYFILE_EXCL);
      taken.add(target);
      return target;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
  throw new Error(`No free name for ${stem}${ext} in ${dest}`);
}

function safeReal(p: string): string | null {
  try {
    return realpathSync.native(p);
  } catch {
    return null;
  }
}
