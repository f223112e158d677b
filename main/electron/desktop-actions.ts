// Desktop actions on one photo's file, written against injected OS calls so the rules
// (validate, resolve through the core, open only image files) are unit-tested without Electron.
// Moving photos to the trash is not here: it is the API method trashPhotos, gated by a native
// confirm in the main process (trash-confirm.ts).
import type { MediaResult } from '../shell-common/media.js';
import { photoId } from '../shell-common/validate.js';

export interface DesktopDeps {
  resolveOriginal(id: number): Promise<MediaResult>;
  showItemInFolder(file: string): void;
  /** Resolves to '' on success, else an error message (Electron's shell.openPath contract). */
  openPath(file: string): Promise<string>;
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
