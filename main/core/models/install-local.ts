// Installing a model package copied from another machine (a folder or a .zip), for computers
// with no internet at all. Nothing is trusted: the copy is made into a hidden temp folder beside
// the installed ones, verified there (manifest, every file it names, sizes and SHA-256 against the
// registry entry when the id is known, and against the package's own SHA256SUMS when it carries
// one), and only then renamed into place, so `<id>/manifest.json` still means "complete".
import { randomBytes } from 'node:crypto';
import { access, cp, mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { KanjianError } from '../errors.js';
import { loadModelPackage, ModelPackageError } from '../embed/manifest.js';
import type { ModelManifest } from '../embed/manifest-types.js';
import { expandHome } from '../library/folder-rules.js';
import { writeFileAtomic } from '../atomic-file.js';
import { installedModelDir, isInstalled, modelsDir } from './install.js';
import { buildManifest, findEntry, isSafeRelativePath, loadRegistry, type Registry } from './registry.js';
import { CHECKSUMS_FILE, parseChecksums, sha256File } from './checksums.js';
import { extractZip } from './zip.js';

export interface LocalInstallOptions {
  dataDir: string;
  registry?: Registry;
  /** Test fixtures are refused unless asked for (tests; KANJIAN_ALLOW_FIXTURES=1). */
  allowFixtures?: boolean;
}

export interface LocalInstallResult {
  id: string;
  dir: string;
  manifest: ModelManifest;
  /** How the files were checked. */
  verifiedBy: 'registry-sha256' | 'package-sha256' | 'files-present';
}

async function exists(p: string): Promise<boolean> {
  return access(p).then(
    () => true,
    () => false,
  );
}

async function checkFile(dir: string, rel: string, want: { size?: number | null; sha256?: string | null }): Promise<void> {
  const st = await stat(path.join(dir, rel)).catch(() => null);
  if (!st?.isFile()) throw new KanjianError('install.missingFile', `The package has no ${rel}`, { params: { file: rel } });
  if (want.size != null && st.size !== want.size) {
    throw new KanjianError('install.sizeMismatch', `${rel}: ${st.size} bytes, expected ${want.size}`, { params: { file: rel } });
  }
  if (want.sha256 && (await sha256File(path.join(dir, rel))) !== want.sha256.toLowerCase()) {
    throw new KanjianError('install.hashMismatch', `${rel}: SHA-256 differs from the expected one`, { params: { file: rel } });
  }
}

function fromPackageError(e: ModelPackageError): KanjianError {
  const first = e.problems[0] ?? '';
  if (/manifest\.json not found/.test(first)) return new KanjianError('install.noManifest', e.message);
  const missing = /file "([^"]+)" not found/.exec(first);
  if (missing) return new KanjianError('install.missingFile', e.message, { params: { file: missing[1] } });
  // The field path ("image.size") names the problem without an English sentence on screen.
  const field = /^([\w.[\]]+)/.exec(first)?.[1] ?? 'manifest.json';
  return new KanjianError('install.badManifest', e.message, { params: { detail: field } });
}

/** The folder that holds manifest.json: the given one, or its only sub-folder (a zipped folder). */
async function packageRoot(dir: string): Promise<string> {
  if (await exists(path.join(dir, 'manifest.json'))) return dir;
  const entries = (await readdir(dir, { withFileTypes: true })).filter((e) => !e.name.startsWith('.') && e.name !== '__MACOSX');
  if (entries.length === 1 && entries[0].isDirectory()) return packageRoot(path.join(dir, entries[0].name));
  return dir;
}

/** Verifies the package at `root` (already copied into our temp folder); returns the manifest to write. */
async function verify(root: string, opts: LocalInstallOptions): Promise<{ manifest: ModelManifest; verifiedBy: LocalInstallResult['verifiedBy'] }> {
  let pkg;
  try {
    pkg = await loadModelPackage(root);
  } catch (e) {
    if (e instanceof ModelPackageError) throw fromPackageError(e);
    throw e;
  }
  const id = pkg.manifest.id;
  if (!isSafeRelativePath(id) || id.includes('/')) {
    throw new KanjianError('install.badManifest', `manifest.json: id ${JSON.stringify(id)} cannot name a folder`, { params: { detail: 'id' } });
  }
  if (pkg.manifest.fixture && !(opts.allowFixtures ?? process.env.KANJIAN_ALLOW_FIXTURES === '1')) {
    throw new KanjianError('model.fixture', `${id} is a test fixture`, { params: { id } });
  }
  let verifiedBy: LocalInstallResult['verifiedBy'] = 'files-present';
  const sums = (await exists(path.join(root, CHECKSUMS_FILE)))
    ? parseChecksums(await readFile(path.join(root, CHECKSUMS_FILE), 'utf8'))
    : null;
  if (sums) {
    for (const [rel, sha256] of sums) await checkFile(root, rel, { sha256 });
    verifiedBy = 'package-sha256';
  }
  const entry = findEntry(opts.registry ?? loadRegistry(), id);
  let manifest = pkg.manifest;
  if (entry && !entry.fixture) {
    // A known model: the registry's published facts win over what the copy claims.
    for (const f of entry.download?.files ?? []) {
      await checkFile(root, f.dest ?? f.path, { size: f.size, sha256: f.sha256 });
      if (f.sha256) verifiedBy = 'registry-sha256';
    }
    manifest = buildManifest(entry);
  }
  return { manifest, verifiedBy };
}

/** Copies, verifies and installs the package at `input` (a folder or a .zip; '~' expanded). */
export async function installModelFromPath(input: string, opts: LocalInstallOptions): Promise<LocalInstallResult> {
  const src = path.resolve(expandHome(input));
  const st = await stat(src).catch(() => null);
  if (!st) throw new KanjianError('install.notFound', `Nothing at ${src}`, { params: { path: src } });
  const isZip = st.isFile() && /\.zip$/i.test(src);
  if (!st.isDirectory() && !isZip) throw new KanjianError('install.noManifest', `${src} is neither a package folder nor a .zip`);

  const base = modelsDir(opts.dataDir);
  await mkdir(base, { recursive: true });
  // Hidden and inside models/: same file system as the final folder (rename is atomic), and never
  // mistaken for an installed package.
  const work = path.join(base, `.import-${randomBytes(6).toString('hex')}`);
  await mkdir(work);
  try {
    if (isZip) await extractZip(src, work);
    else await cp(src, work, { recursive: true, dereference: true, errorOnExist: true, force: false });
    const root = await packageRoot(work);
    const { manifest, verifiedBy } = await verify(root, opts);
    if (await isInstalled(manifest.id, opts.dataDir)) {
      throw new KanjianError('install.alreadyInstalled', `${manifest.id} is already installed`, { params: { id: manifest.id } });
    }
    const finalDir = installedModelDir(manifest.id, opts.dataDir);
    // A leftover folder without manifest.json (an old interrupted attempt) holds nothing usable.
    await rm(finalDir, { recursive: true, force: true });
    await writeFileAtomic(path.join(root, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    await rename(root, finalDir);
    return { id: manifest.id, dir: finalDir, manifest, verifiedBy };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOSPC') {
      throw new KanjianError('download.diskFull', 'The disk is full', { client: false });
    }
    throw e;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
