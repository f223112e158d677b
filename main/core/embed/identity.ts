// A model's identity for its vectors: the manifest id alone is not enough, since a package can be
// re-downloaded at another revision, re-exported, or switched to its int8 tower, and vectors of
// two different image towers must never share a table (they would be ranked against each other
// as if comparable). The identity is `<id>#<digest>`, the digest taken over the image tower's
// files: from the package's SHA256SUMS (written at download/install, so opening stays cheap),
// else by hashing the tower file itself (hand-exported packages, test fixtures).
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { CHECKSUMS_FILE, parseChecksums, sha256File } from '../models/checksums.js';
import type { ModelPackage } from './manifest.js';

/** Hex characters of the digest kept in the key: 64 bits, plenty to tell revisions apart. */
const DIGEST_CHARS = 16;

/** The key vectors of `imageFile` (a file of `pkg`) are stored under. */
export async function modelIdentity(pkg: ModelPackage, imageFile: string): Promise<string> {
  const rel = path.relative(pkg.dir, imageFile).split(path.sep).join('/');
  const towerDir = path.posix.dirname(rel);
  const sums = await readFile(path.join(pkg.dir, CHECKSUMS_FILE), 'utf8').then(parseChecksums, () => null);
  let digest: string;
  if (sums?.has(rel)) {
    // Every file of the tower's folder (external weight data, preprocessing config), or just
    // the file itself when it lies at the package root beside the other tower.
    const lines = [...sums]
      .filter(([f]) => (towerDir === '.' ? f === rel : f.startsWith(`${towerDir}/`)))
      .map(([f, h]) => `${h}  ${f}`)
      .sort();
    // The folder holds both graphs (model.onnx, model.int8.onnx), so its sums alone named the
    // fp32 and the int8 tower alike and their vectors shared a table. The int8 tower's key now
    // also names the file that runs; the fp32 tower keeps the key it always had, so a library
    // indexed with it is not re-embedded. (One indexed with int8 before this keeps those vectors
    // under the fp32 key, and the int8 tower embeds its photos again under its own.)
    const runs = path.resolve(imageFile) === path.resolve(pkg.paths.image) ? '' : `\nruns ${rel}`;
    digest = createHash('sha256').update(lines.join('\n') + runs).digest('hex');
  } else {
    digest = await sha256File(imageFile);
  }
  return `${pkg.manifest.id}#${digest.slice(0, DIGEST_CHARS)}`;
}

/** The manifest id part of a key (keys from before identities were the id alone). */
export function idOfKey(key: string): string {
  const i = key.indexOf('#');
  return i < 0 ? key : key.slice(0, i);
}

/**
 * A digest of everything a text vector of `textFile` (a file of `pkg`) depends on: the text
 * tower's files (the chosen fp32 or int8 graph and every file beside it — external weights,
 * tokenizer — from SHA256SUMS, else the graph and the tokenizer files hashed here), which of
 * them runs, and the manifest's text settings (context, padding, prefix, normalisation). Used to
 * share tag vectors between libraries (tags/vector-cache.ts): equal digests, equal vectors.
 * 64 hex characters.
 */
export async function textTowerDigest(pkg: ModelPackage, textFile: string): Promise<string> {
  const rel = (f: string) => path.relative(pkg.dir, f).split(path.sep).join('/');
  const file = rel(textFile);
  const towerDir = path.posix.dirname(file);
  const tokenizerFiles = [pkg.paths.tokenizer, path.join(path.dirname(pkg.paths.tokenizer), 'tokenizer_config.json')];
  const sums = await readFile(path.join(pkg.dir, CHECKSUMS_FILE), 'utf8').then(parseChecksums, () => null);
  const lines: string[] = [];
  if (sums?.has(file)) {
    const wanted = new Set(tokenizerFiles.map(rel));
    for (const [f, h] of sums) if (f === file || wanted.has(f) || (towerDir !== '.' && f.startsWith(`${towerDir}/`))) lines.push(`${h}  ${f}`);
  } else {
    lines.push(`${await sha256File(textFile)}  ${file}`);
    for (const f of tokenizerFiles) {
      const h = await sha256File(f).catch(() => null);
      if (h) lines.push(`${h}  ${rel(f)}`);
    }
  }
  lines.sort();
  return createHash('sha256')
    .update(JSON.stringify({ runs: file, files: lines, text: pkg.manifest.text, dim: pkg.manifest.embeddingDim }))
    .digest('hex');
}
