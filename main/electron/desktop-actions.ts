// Desktop actions that touch the user's files, written against injected OS calls so the rules
// (validate, resolve through the core, confirm before trashing) are unit-tested without Electron.
import type { MediaResult } from '../shell-common/media.js';
import { photoId, photoIdList } from '../shell-common/validate.js';
import type { TrashResult } from './bridge.js';

export interface DesktopDeps {
  resolveOriginal(id: number): Promise<MediaResult>;
  /** Returns true when the user confirms. */
  confirm(text: { message: string; detail: string; confirmLabel: string; cancelLabel: string }): Promise<boolean>;
  trashItem(file: string): Promise<void>;
  showItemInFolder(file: string): void;
  /** Resolves to '' on success, else an error message (Electron's shell.openPath contract). */
  openPath(file: string): Promise<string>;
  locale: string;
}

async function originalFile(deps: DesktopDeps, rawId: unknown): Promise<string> {
  const id = photoId(rawId, 'photoId');
  const r = await deps.resolveOriginal(id);
  if (!r.ok) throw new Error(r.status === 404 ? 'The photo is not in the library, or its file is missing.' : r.reason);
  return r.file;
}

export async function showInFolder(deps: DesktopDeps, rawId: unknown): Promise<void> {
  deps.showItemInFolder(await originalFile(deps, rawId));
}

export async function openWithDefault(deps: DesktopDeps, rawId: unknown): Promise<void> {
  // originalFile only yields image types (see resolveMedia), so this never launches a program.
  const error = await deps.openPath(await originalFile(deps, rawId));
  if (error) throw new Error(error);
}

const basename = (p: string) => p.split(/[\\/]/).pop() ?? p;

/** The confirm dialog's words, in Chinese when the OS is, naming how many files will go. */
export function trashConfirmText(files: string[], locale: string) {
  const zh = /^zh\b/i.test(locale);
  const n = files.length;
  const shown = files.slice(0, 5).map(basename);
  const more = n - shown.length;
  const list = shown.join('\n') + (more > 0 ? (zh ? `\n……以及另外 ${more} 个` : `\n…and ${more} more`) : '');
  return zh
    ? {
        message: `将 ${n} 个文件移到废纸篓？`,
        detail: `${list}\n\n文件会移到系统的废纸篓（回收站），可以从那里恢复。`,
        confirmLabel: `移到废纸篓（${n}）`,
        cancelLabel: '取消',
      }
    : {
        message: `Move ${n} ${n === 1 ? 'file' : 'files'} to the trash?`,
        detail: `${list}\n\nThe ${n === 1 ? 'file goes' : 'files go'} to the system trash, where you can restore ${n === 1 ? 'it' : 'them'}.`,
        confirmLabel: `Move ${n} to Trash`,
        cancelLabel: 'Cancel',
      };
}

/** Resolves ids to library files, asks once, then moves each to the OS trash (never deletes). */
export async function trashPhotos(deps: DesktopDeps, rawIds: unknown): Promise<TrashResult> {
  const ids = photoIdList(rawIds, 'photoIds');
  const failed: TrashResult['failed'] = [];
  const files: { id: number; file: string }[] = [];
  for (const id of ids) {
    const r = await deps.resolveOriginal(id);
    if (r.ok) files.push({ id, file: r.file });
    else failed.push({ photoId: id, error: 'not in the library, or the file is missing' });
  }
  if (!files.length) return { cancelled: false, trashed: 0, failed };
  if (!(await deps.confirm(trashConfirmText(files.map((f) => f.file), deps.locale)))) {
    return { cancelled: true, trashed: 0, failed: [] };
  }
  let trashed = 0;
  for (const f of files) {
    try {
      await deps.trashItem(f.file);
      trashed++;
    } catch (e) {
      failed.push({ photoId: f.id, error: (e as Error).message });
    }
  }
  return { cancelled: false, trashed, failed };
}
