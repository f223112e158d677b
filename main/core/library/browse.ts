// The browser-mode folder picker: a browser cannot hand a path over, so the HTTP shell lists
// folders for it. Only names of sub-folders are listed (never files), hidden ones skipped.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { FolderEntry, FolderListing, FolderPlace } from '../api.js';
import { KanjianError } from '../errors.js';
import { isInside } from '../paths.js';
import { expandHome } from './folder-rules.js';

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function subfolders(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
      .map((e) => path.join(dir, e.name));
  } catch {
    return [];
  }
}

/** Home, ~/Pictures, and mounted drives (/media/$USER, /run/media/$USER, /mnt, /Volumes, C:\ …). */
export function folderPlaces(env: NodeJS.ProcessEnv = process.env, platform = process.platform): FolderPlace[] {
  const home = os.homedir();
  const places: FolderPlace[] = [{ kind: 'home', path: home, label: path.basename(home) || home }];
  for (const name of ['Pictures', 'Photos', '图片']) {
    const p = path.join(home, name);
    if (isDir(p)) places.push({ kind: 'pictures', path: p, label: name });
  }
  if (platform === 'win32') {
    for (let c = 67; c <= 90; c++) {
      const drive = `${String.fromCharCode(c)}:\\`;
      if (existsSync(drive)) places.push({ kind: 'drive', path: drive, label: drive.slice(0, 2) });
    }
    return places;
  }
  const user = env.USER ?? env.LOGNAME ?? os.userInfo().username;
  const mountParents = platform === 'darwin' ? ['/Volumes'] : [`/media/${user}`, `/run/media/${user}`, '/mnt'];
  for (const parent of mountParents) {
    for (const p of subfolders(parent)) places.push({ kind: 'drive', path: p, label: path.basename(p) });
  }
  places.push({ kind: 'root', path: path.parse(home).root, label: path.parse(home).root });
  return places;
}

/** Sub-folders of `input` ('~' expanded; default home), sorted by name; throws folder.* codes. */
export async function browseFolders(input: string | undefined, roots: string[]): Promise<FolderListing> {
  const raw = input?.trim() ? input : '~';
  const expanded = expandHome(raw);
  if (!path.isAbsolute(expanded)) {
    throw new KanjianError('folder.relative', `Not a full path: ${raw}`, { params: { path: raw } });
  }
  const dir = path.resolve(expanded);
  let names;
  try {
    if (!statSync(dir).isDirectory()) {
      throw new KanjianError('folder.notAFolder', `Not a folder: ${dir}`, { params: { path: dir } });
    }
    names = await readdir(dir, { withFileTypes: true });
  } catch (e) {
    if (e instanceof KanjianError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM') {
      throw new KanjianError('folder.unreadable', `Permission denied: ${dir}`, { params: { path: dir } });
    }
    throw new KanjianError('folder.notFound', `Folder not found: ${dir}`, { params: { path: dir } });
  }
  const entries: FolderEntry[] = [];
  for (const e of names) {
    if (e.name.startsWith('.')) continue;
    const p = path.join(dir, e.name);
    // A symlink to a folder is shown: users link photo drives into home.
    if (e.isDirectory() || (e.isSymbolicLink() && isDir(p))) entries.push({ name: e.name, path: p });
  }
  entries.sort((a, b) => collator.compare(a.name, b.name));
  const parentDir = path.dirname(dir);
  return {
    path: dir,
    parent: parentDir === dir ? null : parentDir,
    entries,
    places: folderPlaces(),
    inLibrary: roots.some((r) => isInside(r, dir)),
  };
}
