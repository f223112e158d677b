// Loads and checks a model package. Packages can come from users, so every field is checked and
// every problem is reported at once, named by its path in manifest.json.

import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { ModelManifest } from './manifest-types.js';
import { validateManifest } from './manifest-schema.js';

export interface ModelPackagePaths {
  image: string;
  text: string;
  tokenizer: string;
  imageInt8?: string;
  textInt8?: string;
}

export interface ModelPackage {
  /** Absolute package folder. */
  dir: string;
  manifest: ModelManifest;
  /** Absolute paths of the files the manifest names. */
  paths: ModelPackagePaths;
}

export class ModelPackageError extends Error {
  readonly problems: string[];
  constructor(dir: string, problems: string[]) {
    super(`Model package ${dir} is not usable:\n` + problems.map((p) => `  - ${p}`).join('\n'));
    this.name = 'ModelPackageError';
    this.problems = problems;
  }
}

export async function loadModelPackage(dir: string): Promise<ModelPackage> {
  const absDir = path.resolve(dir);
  const manifestPath = path.join(absDir, 'manifest.json');

  let text: string;
  try {
    text = await readFile(manifestPath, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'manifest.json not found' : `manifest.json cannot be read (${code ?? String(err)})`;
    throw new ModelPackageError(absDir, [why]);
  }

  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ModelPackageError(absDir, [`manifest.json is not valid JSON: ${(err as Error).message}`]);
  }

  const { manifest, problems } = validateManifest(raw);
  if (!manifest) throw new ModelPackageError(absDir, problems);

  const files: Array<[keyof ModelPackagePaths, string, string | undefined]> = [
    ['image', 'image.file', manifest.image.file],
    ['imageInt8', 'image.int8File', manifest.image.int8File],
    ['text', 'text.file', manifest.text.file],
    ['textInt8', 'text.int8File', manifest.text.int8File],
    ['tokenizer', 'text.tokenizer', manifest.text.tokenizer],
  ];
  const paths: Partial<ModelPackagePaths> = {};
  const missing: string[] = [];
  for (const [key, field, rel] of files) {
    if (rel === undefined) continue;
    const abs = path.resolve(absDir, rel);
    // A manifest pointing outside its folder would make the package non-relocatable and could
    // load arbitrary files from the user's disk.
    const inside = path.relative(absDir, abs);
    if (path.isAbsolute(rel) || inside.startsWith('..') || path.isAbsolute(inside)) {
      missing.push(`${field}: "${rel}" must be a path inside the package folder`);
      continue;
    }
    if (!(await isFile(abs))) {
      missing.push(`${field}: file "${rel}" not found in the package`);
      continue;
    }
    paths[key] = abs;
  }
  if (missing.length) throw new ModelPackageError(absDir, missing);

  return { dir: absDir, manifest, paths: paths as ModelPackagePaths };
}

async function isFile(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isFile();
  } catch {
    return false;
  }
}
