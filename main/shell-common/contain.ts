// Path containment: the one check between a request and a file on disk. Lexical first (cheap,
// catches `..`), then on real paths (catches symlinks that point out of the root).
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { isInside } from '../core/paths.js';

export { isInside };

export interface ContainedFile {
  /** Real path of the file (symlinks resolved). */
  file: string;
  size: number;
  mtimeMs: number;
  ino: number;
}

/**
 * Resolves `candidate` and returns it only when it is a regular file whose real path lies under
 * the real path of one of `roots`. Anything else (missing, directory, escaping link) is null.
 */
export async function containedFile(candidate: string, roots: readonly string[]): Promise<ContainedFile | null> {
  if (!path.isAbsolute(candidate) || candidate.includes('\0')) return null;
  const abs = path.resolve(candidate);
  const lexicalRoots = roots.filter((r) => path.isAbsolute(r) && isInside(path.resolve(r), abs));
  if (!lexicalRoots.length) return null;
  let real: string;
  try {
    real = await realpath(abs);
  } catch {
    return null;
  }
  let ok = false;
  for (const r of lexicalRoots) {
    try {
      if (isInside(await realpath(r), real)) {
        ok = true;
        break;
      }
    } catch {
      // A root that no longer exists contains nothing.
    }
  }
  if (!ok) return null;
  try {
    const st = await stat(real);
    if (!st.isFile()) return null;
    return { file: real, size: st.size, mtimeMs: st.mtimeMs, ino: st.ino };
  } catch {
    return null;
  }
}
