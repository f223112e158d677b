// What may become a library folder. Every refusal is a KanjianError with its own code, so the UI
// can say exactly what was wrong (and the HTTP shell answers 400, never 500).
import { realpathSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { KanjianError } from '../errors.js';
import { isInside } from '../paths.js';

/** '~' and '~/…' (or '~\…') → the home folder; anything else is returned trimmed. */
export function expandHome(input: string, home = os.homedir()): string {
  const p = input.trim();
  if (p === '~') return home;
  if (p.startsWith('~/') || p.startsWith('~\\')) return path.join(home, p.slice(2));
  return p;
}

// Folders whose whole tree is the system's: refused at and below them.
const SYSTEM_TREES_POSIX = ['/etc', '/proc', '/sys', '/dev', '/usr', '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/boot', '/System', '/private/etc', '/Library'];
// Folders that hold users' folders or mounts: refused themselves (every file would be indexed),
// their sub-folders are fine (/root/Pictures, /mnt/photos).
const SYSTEM_EXACT_POSIX = ['/', '/root', '/home', '/Users', '/var', '/mnt', '/media', '/run', '/opt', '/srv', '/tmp', '/private', '/Volumes'];
const SYSTEM_TREES_WIN = ['\\windows', '\\program files', '\\program files (x86)', '\\programdata', '\\$recycle.bin', '\\system volume information'];

/** True for `/`, `/etc`, `C:\Windows` … (compared by real path, so a link to /etc is /etc too). */
export function isSystemFolder(p: string, platform: NodeJS.Platform = process.platform): boolean {
  if (platform === 'win32') {
    const m = /^([a-zA-Z]:)(\\.*)?$/.exec(path.win32.normalize(p).replace(/\\+$/, ''));
    if (!m) return false;
    const rest = (m[2] ?? '').toLowerCase();
    if (!rest) return true; // a drive's root
    return SYSTEM_TREES_WIN.some((t) => rest === t || rest.startsWith(t + '\\'));
  }
  const n = path.posix.normalize(p).replace(/(.)\/+$/, '$1');
  if (SYSTEM_EXACT_POSIX.includes(n)) return true;
  return SYSTEM_TREES_POSIX.some((t) => n === t || n.startsWith(t + '/'));
}

function realOr(p: string): string {
  try {
    return realpathSync.native(p);
  } catch {
    return p;
  }
}

export interface FolderCheckContext {
  /** Library folders now (as stored). */
  roots: string[];
  dataDir: string;
  /**
   * The CLI's `index`/`watch` of a folder already in the library re-indexes it; the app's
   * addFolder says so instead.
   */
  allowExisting?: boolean;
}

/**
 * The absolute path to add for what the user typed or picked, or a KanjianError:
 * folder.relative, folder.notFound, folder.notAFolder, folder.system, folder.dataFolder,
 * folder.alreadyAdded, folder.insideLibrary.
 */
export function checkNewFolder(input: string, ctx: FolderCheckContext): string {
  const expanded = expandHome(input);
  if (!path.isAbsolute(expanded)) {
    throw new KanjianError('folder.relative', `Not a full path: ${input}`, { params: { path: input } });
  }
  const abs = path.resolve(expanded);
  let st;
  try {
    st = statSync(abs);
  } catch {
    throw new KanjianError('folder.notFound', `Folder not found: ${abs}`, { params: { path: abs } });
  }
  if (!st.isDirectory()) throw new KanjianError('folder.notAFolder', `Not a folder: ${abs}`, { params: { path: abs } });
  const real = realOr(abs);
  if (isSystemFolder(abs) || isSystemFolder(real)) {
    throw new KanjianError('folder.system', `A system folder cannot be a library folder: ${abs}`, { params: { path: abs } });
  }
  const data = realOr(path.resolve(ctx.dataDir));
  if (isInside(data, real)) {
    throw new KanjianError('folder.dataFolder', `That is Kanjian's own data folder: ${abs}`, { params: { path: abs } });
  }
  if (!ctx.allowExisting) {
    for (const root of ctx.roots) {
      const r = realOr(root);
      if (r === real || root === abs) {
        throw new KanjianError('folder.alreadyAdded', `Already in the library: ${abs}`, { params: { path: abs } });
      }
      if (isInside(r, real) || isInside(root, abs)) {
        throw new KanjianError('folder.insideLibrary', `${abs} is inside the library folder ${root}`, {
          params: { path: abs, root },
        });
      }
    }
  }
  return abs;
}

/** The real path of `file` when it lies inside one of `roots` (by their real paths too), else null. */
export function realPathInside(file: string, roots: readonly string[]): string | null {
  let real: string;
  try {
    real = realpathSync.native(file);
  } catch {
    return null;
  }
  return roots.some((r) => isInside(realOr(r), real)) ? real : null;
}
