// The per-machine cache of tag vectors, shared by every library on this computer: embedding the
// built-in vocabulary (≈1900 prompts) takes minutes with a large text tower on a laptop CPU,
// and each new library — a second data folder, a re-created one, every bench round — would
// otherwise pay it again. The library's own `tag_vectors` table stays the first place looked in.
//
//   <cacheDir>/tag-vectors/<manifest id>-<digest 16>.json    one file per text tower
//
// A file holds the vectors of one text tower, identified by `textTowerDigest` (the tower's
// files, which of them runs, the manifest's text settings; embed/identity.ts), the digest written
// in full inside the file and compared on every read, so a different tower never reuses them.
// Entries are keyed by the prompt set (sha256 of the prompts' JSON, in order): any change of
// wording, templates or languages is another key. A file that is unreadable, truncated, of
// another format, or whose checksum over its entries does not match is ignored (and replaced on
// the next write); writes merge with what is there and replace the file atomically.
import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../atomic-file.js';

const FORMAT = 'kanjian-tag-vectors';
const VERSION = 1;

export interface TowerKey {
  /** The manifest id (readable file names). */
  modelId: string;
  /** `textTowerDigest`: 64 hex characters. */
  digest: string;
  dim: number;
}

/** null: none of the prompts means anything to the model (as in the library's table). */
export type CachedVector = Float32Array | null;

interface FileShape {
  format: string;
  version: number;
  model: string;
  digest: string;
  dim: number;
  /** sha256 of JSON.stringify(entries). */
  sum: string;
  entries: Record<string, string | null>;
}

/** The key of a prompt set in the cache. */
export function promptSetKey(prompts: readonly string[]): string {
  return createHash('sha256').update(JSON.stringify(prompts)).digest('hex');
}

export class TagVectorCache {
  constructor(
    /** The folder holding the files (`<cacheDir>/tag-vectors`). */
    readonly dir: string,
    private log?: (message: string) => void,
  ) {}

  fileOf(key: TowerKey): string {
    const safeId = key.modelId.replace(/[^A-Za-z0-9._-]/g, '_');
    return path.join(this.dir, `${safeId}-${key.digest.slice(0, 16)}.json`);
  }

  /** The vectors stored for this tower; empty when there is no usable file. Never throws. */
  async load(key: TowerKey): Promise<Map<string, CachedVector>> {
    const file = this.fileOf(key);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') this.log?.(`tag vector cache: cannot read ${file}: ${(e as Error).message}`);
      return new Map();
    }
    const parsed = parseFile(text, key);
    if (typeof parsed === 'string') {
      this.log?.(`tag vector cache: ignoring ${file}: ${parsed}`);
      return new Map();
    }
    return parsed;
  }

  /** Adds `fresh` to the tower's file (what is there and still valid is kept). */
  async save(key: TowerKey, fresh: ReadonlyMap<string, CachedVector>): Promise<void> {
    if (!fresh.size) return;
    const merged = await this.load(key);
    for (const [k, v] of fresh) {
      if (v && v.length !== key.dim) continue;
      merged.set(k, v);
    }
    const entries: Record<string, string | null> = {};
    for (const [k, v] of merged) entries[k] = v ? Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64') : null;
    const body: FileShape = {
      format: FORMAT,
      version: VERSION,
      model: key.modelId,
      digest: key.digest,
      dim: key.dim,
      sum: sumOf(entries),
      entries,
    };
    await mkdir(this.dir, { recursive: true });
    await writeFileAtomic(this.fileOf(key), JSON.stringify(body));
  }
}

function sumOf(entries: Record<string, string | null>): string {
  return createHash('sha256').update(JSON.stringify(entries)).digest('hex');
}

/** The entries of a valid file for `key`, or why it is not one. */
function parseFile(text: string, key: TowerKey): Map<string, CachedVector> | string {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return 'not valid JSON (truncated?)';
  }
  const f = v as Partial<FileShape> | null;
  if (!f || typeof f !== 'object' || f.format !== FORMAT) return 'not a tag vector file';
  if (f.version !== VERSION) return `format version ${String(f.version)}`;
  if (f.model !== key.modelId || f.digest !== key.digest || f.dim !== key.dim) return 'written for another text tower';
  if (!f.entries || typeof f.entries !== 'object' || Array.isArray(f.entries)) return 'no entries';
  if (f.sum !== sumOf(f.entries)) return 'checksum mismatch';
  const out = new Map<string, CachedVector>();
  for (const [k, e] of Object.entries(f.entries)) {
    if (e === null) {
      out.set(k, null);
      continue;
    }
    if (typeof e !== 'string') return `entry ${k} is not a vector`;
    const bytes = Buffer.from(e, 'base64');
    if (bytes.length !== key.dim * 4) return `entry ${k} has ${bytes.length} bytes, not ${key.dim * 4}`;
    const vec = new Float32Array(key.dim);
    new Uint8Array(vec.buffer).set(bytes);
    if (!vec.every(Number.isFinite)) return `entry ${k} is not finite`;
    out.set(k, vec);
  }
  return out;
}
