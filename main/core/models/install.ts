// Installing, listing, choosing and removing model packages under `<dataDir>/models/`.
//
// A package is downloaded into `<id>.partial/` and renamed to `<id>/` only after every file was
// verified and manifest.json was written, so `<id>/manifest.json` existing means "installed and
// complete". A failed or cancelled install leaves `<id>.partial/` behind for the next attempt to
// resume.

import { access, mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import type { ModelRole } from '../api.js';
import type { ModelManifest } from '../embed/manifest-types.js';
import { CHECKSUMS_FILE, checksumsFor } from './checksums.js';
import { downloadFile, type DownloadProgress, type DownloadResult } from './download.js';
import { writeFileAtomic } from '../atomic-file.js';
import { hfEndpoint, listFolder, matchesGlob } from './hub.js';
import {
  buildManifest,
  entrySizeBytes,
  findEntry,
  isSafeRelativePath,
  loadRegistry,
  type Registry,
  type RegistryEntry,
} from './registry.js';
import { readSettings, updateSettings } from './settings.js';

export interface InstallProgress extends DownloadProgress {
  fileIndex: number;
  fileCount: number;
  /** Bytes of the whole package so far, and its expected total when every size is known. */
  overallBytes: number;
  overallTotalBytes: number | null;
}

export interface RegistryOption {
  /** Use this registry instead of models/registry.json (tests). */
  registry?: Registry;
}

export interface InstallOptions extends RegistryOption {
  dataDir: string;
  signal?: AbortSignal;
  onProgress?: (p: InstallProgress) => void;
  /** Defaults to HF_ENDPOINT or https://huggingface.co. */
  endpoint?: string;
  idleTimeoutMs?: number;
  /** Fixture entries are refused unless a test asks for them. */
  allowFixtures?: boolean;
}

export interface InstallResult {
  id: string;
  dir: string;
  alreadyInstalled: boolean;
  files: DownloadResult[];
  manifest: ModelManifest;
}

export interface ModelListing {
  id: string;
  name: string;
  languages: string[];
  license: string;
  embeddingDim: number;
  sizeBytes: number;
  /** False for models that must be built with an export script. */
  downloadable: boolean;
  installed: boolean;
  /** The registry's default model. */
  default: boolean;
  /** The model chosen in settings.json. */
  current: boolean;
  role?: ModelRole;
}

/** A plain-language failure that the CLI prints as-is. */
export class ModelError extends Error {
  override readonly name = 'ModelError';
}

export function modelsDir(dataDir: string): string {
  return join(dataDir, 'models');
}

export function installedModelDir(id: string, dataDir: string): string {
  if (!isSafeRelativePath(id) || id.includes('/')) throw new ModelError(`Invalid model id ${JSON.stringify(id)}`);
  return join(modelsDir(dataDir), id);
}

function partialDir(id: string, dataDir: string): string {
  return `${installedModelDir(id, dataDir)}.partial`;
}

async function exists(p: string): Promise<boolean> {
  try {
    await access(p);
    return true;
  } catch {
    return false;
  }
}

export async function isInstalled(id: string, dataDir: string): Promise<boolean> {
  return exists(join(installedModelDir(id, dataDir), 'manifest.json'));
}

function registryOf(opts: RegistryOption): Registry {
  return opts.registry ?? loadRegistry();
}

function requireEntry(registry: Registry, id: string, allowFixtures: boolean): RegistryEntry {
  const entry = findEntry(registry, id);
  if (!entry || (entry.fixture && !allowFixtures)) {
    const known = registry.models.filter((m) => !m.fixture).map((m) => m.id);
    throw new ModelError(
      entry?.fixture
        ? `${id} is a test fixture and cannot be installed`
        : `Unknown model ${JSON.stringify(id)}; known models: ${known.join(', ')}`,
    );
  }
  return entry;
}

interface PlannedFile {
  repo: string;
  revision: string;
  path: string;
  dest: string;
  size: number | null;
  sha256: string | null;
  sha256From: 'registry' | 'hub';
  approxSize: number;
}

/** The registry's files plus whatever the hub lists in `listFolders` (ONNX external data). */
async function planFiles(entry: RegistryEntry, endpoint: string, signal?: AbortSignal): Promise<PlannedFile[]> {
  const dl = entry.download!;
  const revision = entry.revision!;
  const plan: PlannedFile[] = dl.files.map((f) => ({
    repo: f.repo ?? entry.repo,
    revision: f.revision ?? revision,
    path: f.path,
    dest: f.dest ?? f.path,
    size: f.size,
    sha256: f.sha256,
    sha256From: 'registry' as const,
    approxSize: f.size ?? f.approxSize ?? 0,
  }));
  const known = new Set(plan.filter((f) => f.repo === entry.repo).map((f) => f.path));
  const dests = new Set(plan.map((f) => f.dest));
  for (const folder of dl.listFolders ?? []) {
    let listed;
    try {
      listed = await listFolder(endpoint, entry.repo, revision, folder.path, signal);
    } catch (err) {
      if (signal?.aborted) throw new ModelError(`Download of ${entry.id} cancelled`);
      // The cause stays attached: its errno or status says whether we are offline or blocked.
      throw new ModelError(`Cannot list the files of ${entry.id}: ${(err as Error).message}`, { cause: err });
    }
    for (const f of listed) {
      if (!f.path.startsWith(`${folder.path}/`) || !isSafeRelativePath(f.path)) continue;
      if ((folder.exclude ?? []).some((g) => matchesGlob(f.path, g))) continue;
      if (known.has(f.path)) {
        // The listing knows exact sizes and LFS hashes that the registry could only estimate.
        const p = plan.find((x) => x.repo === entry.repo && x.path === f.path)!;
        p.size ??= f.size;
        if (!p.sha256 && f.sha256) {
          p.sha256 = f.sha256;
          p.sha256From = 'hub';
        }
        p.approxSize = p.size ?? p.approxSize;
        continue;
      }
      if (dests.has(f.path)) continue;
      plan.push({
        repo: entry.repo,
        revision,
        path: f.path,
        dest: f.path,
        size: f.size,
        sha256: f.sha256,
        sha256From: 'hub',
        approxSize: f.size,
      });
      dests.add(f.path);
    }
  }
  return plan;
}

/**
 * Downloads every file of a registry model and installs it as `<dataDir>/models/<id>/`.
 * Throws ModelError or DownloadError with a plain reason; on failure nothing is installed.
 */
export async function installModel(id: string, opts: InstallOptions): Promise<InstallResult> {
  const registry = registryOf(opts);
  const entry = requireEntry(registry, id, opts.allowFixtures ?? false);
  const finalDir = installedModelDir(entry.id, opts.dataDir);
  if (await isInstalled(entry.id, opts.dataDir)) {
    return { id: entry.id, dir: finalDir, alreadyInstalled: true, files: [], manifest: buildManifest(entry) };
  }
  if (!entry.download) {
    const how = entry.export?.script ? `build it with ${entry.export.script} (see models/README.md)` : 'no way to build it is known';
    throw new ModelError(`${entry.name} has no published download; ${how}`);
  }
  if (await exists(finalDir)) {
    throw new ModelError(`${finalDir} exists but has no manifest.json; remove it (kanjian models remove ${entry.id}) and try again`);
  }

  const endpoint = opts.endpoint ?? hfEndpoint();
  const work = partialDir(entry.id, opts.dataDir);
  await mkdir(work, { recursive: true });
  try {
    return await fillAndInstall(entry, work, finalDir, endpoint, opts);
  } catch (err) {
    // Keep a partial download for resuming, but not a folder with nothing in it.
    if (!(await holdsFiles(work))) await rm(work, { recursive: true, force: true });
    throw err;
  }
}

async function holdsFiles(dir: string): Promise<boolean> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const e of entries) {
    if (e.isFile() || (e.isDirectory() && (await holdsFiles(join(dir, e.name))))) return true;
  }
  return false;
}

async function fillAndInstall(
  entry: RegistryEntry,
  work: string,
  finalDir: string,
  endpoint: string,
  opts: InstallOptions,
): Promise<InstallResult> {
  const plan = await planFiles(entry, endpoint, opts.signal);
  const allSizesKnown = plan.every((f) => f.size !== null);
  const overallTotal = allSizesKnown ? plan.reduce((n, f) => n + (f.size ?? 0), 0) : null;

  const results: DownloadResult[] = [];
  let doneBytes = 0;
  for (const [i, f] of plan.entries()) {
    const dest = resolve(work, f.dest);
    if (!dest.startsWith(resolve(work) + sep)) throw new ModelError(`Refusing to write outside the package: ${f.dest}`);
    // A file at its final name was verified by an earlier, interrupted install.
    const already = await stat(dest).catch(() => null);
    if (already?.isFile() && (f.size === null || already.size === f.size)) {
      doneBytes += already.size;
      continue;
    }
    const result = await downloadFile({
      repo: f.repo,
      revision: f.revision,
      path: f.path,
      dest,
      label: f.dest,
      size: f.size,
      sha256: f.sha256,
      sha256From: f.sha256From,
      endpoint,
      signal: opts.signal,
      idleTimeoutMs: opts.idleTimeoutMs,
      onProgress: opts.onProgress
        ? (p) =>
            opts.onProgress!({
              ...p,
              fileIndex: i,
              fileCount: plan.length,
              overallBytes: doneBytes + p.bytes,
              overallTotalBytes: overallTotal,
            })
        : undefined,
    });
    doneBytes += result.bytes;
    results.push(result);
  }

  const manifest = buildManifest(entry);
  // The package's own checksums: a copy taken to a machine without internet is verified by them.
  const known = new Map(results.map((r) => [r.file, r.sha256]));
  await writeFileAtomic(join(work, CHECKSUMS_FILE), await checksumsFor(work, plan.map((f) => f.dest), known));
  await writeFileAtomic(join(work, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  await rename(work, finalDir);
  return { id: entry.id, dir: finalDir, alreadyInstalled: false, files: results, manifest };
}

/** The model chosen in settings.json, or null (the app then runs without one; see resolve.ts). */
export async function currentModelId(dataDir: string): Promise<string | null> {
  const s = await readSettings(dataDir);
  return typeof s.model === 'string' && s.model ? s.model : null;
}

/** Registry entries (never fixtures, unless asked) with their installed state. */
export async function listModels(
  dataDir: string,
  opts: RegistryOption & { includeFixtures?: boolean } = {},
): Promise<ModelListing[]> {
  const registry = registryOf(opts);
  const current = await currentModelId(dataDir);
  const out: ModelListing[] = [];
  for (const e of registry.models) {
    if (e.fixture && !opts.includeFixtures) continue;
    out.push({
      id: e.id,
      name: e.name,
      languages: [...e.languages],
      license: e.license,
      embeddingDim: e.embeddingDim,
      sizeBytes: entrySizeBytes(e),
      downloadable: e.download !== null,
      installed: await isInstalled(e.id, dataDir),
      default: e.id === registry.defaultModel,
      current: e.id === current,
      ...(e.role ? { role: e.role } : {}),
    });
  }
  out.push(...(await installedElsewhere(dataDir, new Set(registry.models.map((m) => m.id)), current)));
  return out;
}

/** Packages installed from a folder that the registry does not know (a user's own export). */
async function installedElsewhere(dataDir: string, known: Set<string>, current: string | null): Promise<ModelListing[]> {
  const out: ModelListing[] = [];
  const entries = await readdir(modelsDir(dataDir), { withFileTypes: true }).catch(() => []);
  for (const d of entries) {
    if (!d.isDirectory() || d.name.startsWith('.') || d.name.endsWith('.partial') || known.has(d.name)) continue;
    let m: ModelManifest;
    try {
      m = JSON.parse(await readFile(join(modelsDir(dataDir), d.name, 'manifest.json'), 'utf8')) as ModelManifest;
    } catch {
      continue;
    }
    if (m?.id !== d.name) continue;
    out.push({
      id: m.id,
      name: typeof m.name === 'string' ? m.name : m.id,
      languages: Array.isArray(m.languages) ? m.languages : [],
      license: '',
      embeddingDim: m.embeddingDim,
      sizeBytes: await folderBytes(join(modelsDir(dataDir), d.name)),
      downloadable: false,
      installed: true,
      default: false,
      current: m.id === current,
      role: 'seed',
    });
  }
  return out;
}

async function folderBytes(dir: string): Promise<number> {
  let n = 0;
  for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const p = join(dir, e.name);
    if (e.isDirectory()) n += await folderBytes(p);
    else if (e.isFile()) n += (await stat(p)).size;
  }
  return n;
}

/** Deletes the installed package and any partial download; clears the choice if it was current. */
export async function removeModel(id: string, dataDir: string): Promise<boolean> {
  const dir = installedModelDir(id, dataDir);
  const had = (await exists(dir)) || (await exists(partialDir(id, dataDir)));
  await rm(dir, { recursive: true, force: true });
  await rm(partialDir(id, dataDir), { recursive: true, force: true });
  const s = await readSettings(dataDir);
  if (s.model === id) await updateSettings(dataDir, { model: undefined });
  return had;
}
