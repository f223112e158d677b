// A library folder as the tree of its sub-folders, each with how many indexed photos it holds
// including its sub-folders. Built from the photos' paths (what the library knows, one
// indexed read of the folder's rows), not from the disk: a folder with no photos at any depth
// is not shown, and browsing never touches the file system.
import path from 'node:path';
import type { FolderNode } from '../api.js';
import type { Db } from '../store/db.js';

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/** The tree under the library folder `folderId` (null when there is no such folder). */
export function folderTree(db: Db, folderId: number): FolderNode | null {
  const root = db.prepare('SELECT path FROM folders WHERE id = ?').pluck().get(folderId) as string | undefined;
  if (root === undefined) return null;
  const prefix = root.endsWith(path.sep) ? root : root + path.sep;
  const own = new Map<string, number>();
  const stmt = db.prepare("SELECT path FROM photos WHERE folder_id = ? AND status = 'indexed'").pluck();
  for (const p of stmt.iterate(folderId) as Iterable<string>) {
    const d = path.dirname(p);
    // Rows are always inside their root; one that is not (never written so) is left out.
    if (d !== root && !d.startsWith(prefix)) continue;
    own.set(d, (own.get(d) ?? 0) + 1);
  }
  const nodes = new Map<string, FolderNode>();
  const node = (dir: string): FolderNode => {
    let n = nodes.get(dir);
    if (!n) {
      n = { path: dir, name: dir === root ? path.basename(root) || root : path.basename(dir), photoCount: 0, ownCount: 0, children: [] };
      nodes.set(dir, n);
      if (dir !== root) node(path.dirname(dir)).children.push(n);
    }
    return n;
  };
  const top = node(root);
  for (const [dir, count] of own) {
    node(dir).ownCount += count;
    // This folder and every one above it, up to the root, hold these photos.
    for (let d = dir; ; d = path.dirname(d)) {
      nodes.get(d)!.photoCount += count;
      if (d === root) break;
    }
  }
  const sort = (n: FolderNode) => {
    n.children.sort((a, b) => collator.compare(a.name, b.name));
    n.children.forEach(sort);
  };
  sort(top);
  return top;
}
