// Where the library lives on disk. The CLI, the HTTP shell and the desktop app share one
// per-user folder, the one Electron calls userData for an app named "Kanjian".
import os from 'node:os';
import path from 'node:path';
import { isInsidePath } from './fs/path-key.js';

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.KANJIAN_DATA) return path.resolve(env.KANJIAN_DATA);
  const home = os.homedir();
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'Kanjian');
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'Kanjian');
  return path.join(env.XDG_CONFIG_HOME ?? path.join(home, '.config'), 'Kanjian');
}

/**
 * The per-user cache folder, shared by every library on this computer (tag vectors): rebuildable,
 * never needed to open a library. KANJIAN_CACHE overrides it ("off": no cache; the tests set it).
 */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string | null {
  if (env.KANJIAN_CACHE) return env.KANJIAN_CACHE === 'off' ? null : path.resolve(env.KANJIAN_CACHE);
  const home = os.homedir();
  if (platform === 'win32') return path.join(env.LOCALAPPDATA ?? path.join(home, 'AppData', 'Local'), 'Kanjian', 'Cache');
  if (platform === 'darwin') return path.join(home, 'Library', 'Caches', 'Kanjian');
  return path.join(env.XDG_CACHE_HOME ?? path.join(home, '.cache'), 'Kanjian');
}

export interface LibraryPaths {
  dataDir: string;
  database: string;
  thumbnails: string;
  /** Screen-sized previews for the viewer (main/core/media/preview.ts), rebuildable. */
  previews: string;
  models: string;
}

export function libraryPaths(dataDir: string): LibraryPaths {
  const abs = path.resolve(dataDir);
  return {
    dataDir: abs,
    database: path.join(abs, 'library.db'),
    thumbnails: path.join(abs, 'thumbnails'),
    previews: path.join(abs, 'previews'),
    models: path.join(abs, 'models'),
  };
}

/** True when `child` is `parent` or lies below it (both absolute; case/normalisation per platform). */
export const isInside = (parent: string, child: string): boolean => isInsidePath(parent, child);
