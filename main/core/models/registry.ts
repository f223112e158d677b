// The model registry: which model packages Kanjian can download, from where, and the facts needed
// to write each package's manifest.json. The data lives in models/registry.json so a reviewer can
// audit every fact (and its `unconfirmed` notes) without reading code.

import { readFileSync } from 'node:fs';
import registryData from '../../../models/registry.json' with { type: 'json' };
import type {
  ImageTowerSpec,
  Interpolation,
  ModelManifest,
  ResizeMode,
  TextTowerSpec,
} from '../embed/manifest-types.js';

export interface RegistryFile {
  /** Path inside the Hugging Face repository. */
  path: string;
  /** Path inside the installed package; defaults to `path`. */
  dest?: string;
  /** Exact byte size when published; null when only an estimate is known. */
  size: number | null;
  /** Lower-case hex SHA-256 when published. */
  sha256: string | null;
  /** Rough size for progress and the model list when `size` is unknown. */
  approxSize?: number;
  /** Some packages combine files from several repositories (e.g. a tokenizer from the upstream repo). */
  repo?: string;
  revision?: string;
}

/** A folder whose files are listed from the hub at install time (ONNX external data has unpredictable names). */
export interface RegistryFolder {
  path: string;
  /** Glob patterns (only `*` is special) for files to skip, e.g. Immich's ARM NN graphs. */
  exclude?: string[];
}

export interface RegistryDownload {
  files: RegistryFile[];
  listFolders?: RegistryFolder[];
}

export interface UnconfirmedFact {
  field: string;
  why: string;
}

export interface RegistryEntry {
  id: string;
  name: string;
  role?: string;
  languages: string[];
  license: string;
  embeddingDim: number;
  /** Where the weights were trained and first published. */
  upstream?: string;
  /** Hugging Face repository the package is downloaded from. */
  repo: string;
  /** A commit SHA when `revisionPinned`, else a branch name; null when nothing is downloaded. */
  revision: string | null;
  revisionPinned: boolean;
  approxSizeBytes: number;
  /** null: no published files; the package is built with the export script instead. */
  download: RegistryDownload | null;
  export?: { script: string; why?: string };
  manifest: {
    image: ImageTowerSpec;
    text: TextTowerSpec;
    search: ModelManifest['search'];
  };
  unconfirmed: UnconfirmedFact[];
  sources?: string[];
  /** Test fixtures: never listed for users, never downloadable from the CLI. */
  fixture?: boolean;
}

export interface Registry {
  schemaVersion: 1;
  defaultModel: string;
  models: RegistryEntry[];
}

const ID_RE = /^[a-z0-9][a-z0-9._-]*$/;
const SHA256_RE = /^[0-9a-f]{64}$/;
const COMMIT_RE = /^[0-9a-f]{40}$/;
const RESIZE_MODES: ResizeMode[] = ['squash', 'shortest-crop'];
const INTERPOLATIONS: Interpolation[] = ['nearest', 'bilinear', 'bicubic', 'lanczos'];

/** True for a relative path that stays inside its folder once joined. */
export function isSafeRelativePath(p: string): boolean {
  if (!p || p.startsWith('/') || p.includes('\\') || /^[a-zA-Z]:/.test(p)) return false;
  return p.split('/').every((seg) => seg !== '' && seg !== '.' && seg !== '..');
}

/** Problems with one entry, as plain sentences; empty when the entry is usable. */
export function validateEntry(e: RegistryEntry): string[] {
  const p: string[] = [];
  const where = `model ${JSON.stringify(e?.id)}`;
  if (typeof e?.id !== 'string' || !ID_RE.test(e.id)) p.push(`${where}: id must match ${ID_RE}`);
  if (typeof e.name !== 'string' || !e.name) p.push(`${where}: name is missing`);
  if (!Array.isArray(e.languages) || e.languages.length === 0) p.push(`${where}: languages is empty`);
  if (typeof e.license !== 'string' || !e.license) p.push(`${where}: license is missing`);
  if (!Number.isInteger(e.embeddingDim) || e.embeddingDim <= 0) p.push(`${where}: embeddingDim must be a positive integer`);
  if (typeof e.repo !== 'string' || !e.repo.includes('/')) p.push(`${where}: repo must be owner/name`);
  if (e.revisionPinned && !(typeof e.revision === 'string' && COMMIT_RE.test(e.revision))) {
    p.push(`${where}: revisionPinned needs a 40-hex commit SHA`);
  }
  if (!e.revisionPinned && !e.fixture && !e.unconfirmed?.some((u) => u.field === 'revision') && e.download) {
    p.push(`${where}: an unpinned revision must be explained in unconfirmed[]`);
  }
  if (!Number.isFinite(e.approxSizeBytes) || e.approxSizeBytes < 0) p.push(`${where}: approxSizeBytes is missing`);
  if (!Array.isArray(e.unconfirmed)) p.push(`${where}: unconfirmed must be an array`);
  if (e.download === null) {
    if (!e.export?.script) p.push(`${where}: download is null, so export.script must say how to build it`);
  } else if (typeof e.download !== 'object' || !Array.isArray(e.download.files)) {
    p.push(`${where}: download.files must be an array`);
  } else {
    if (typeof e.revision !== 'string' || !e.revision) p.push(`${where}: a downloadable model needs a revision`);
    const dests = new Set<string>();
    for (const f of e.download.files) {
      const dest = f.dest ?? f.path;
      if (!isSafeRelativePath(f.path) || !isSafeRelativePath(dest)) p.push(`${where}: unsafe file path ${f.path} -> ${dest}`);
      if (dests.has(dest)) p.push(`${where}: two files install to ${dest}`);
      dests.add(dest);
      if (f.size !== null && (!Number.isInteger(f.size) || f.size < 0)) p.push(`${where}: bad size for ${f.path}`);
      if (f.sha256 !== null && !SHA256_RE.test(f.sha256)) p.push(`${where}: sha256 of ${f.path} must be 64 lower-case hex`);
      if (f.revision !== undefined && !COMMIT_RE.test(f.revision)) p.push(`${where}: per-file revision of ${f.path} must be a commit SHA`);
    }
    for (const d of e.download.listFolders ?? []) {
      if (!isSafeRelativePath(d.path)) p.push(`${where}: unsafe folder ${d.path}`);
    }
  }
  p.push(...validateTowers(where, e.manifest));
  return p;
}

function validateTowers(where: string, m: RegistryEntry['manifest'] | undefined): string[] {
  const p: string[] = [];
  if (!m || !m.image || !m.text || !m.search) return [`${where}: manifest needs image, text and search`];
  const i = m.image;
  if (!isSafeRelativePath(i.file)) p.push(`${where}: image.file is not a safe relative path`);
  if (i.input?.type !== 'float32' || !i.input.name) p.push(`${where}: image.input must be a named float32 input`);
  if (!i.output) p.push(`${where}: image.output is missing`);
  if (!Number.isInteger(i.size) || i.size <= 0) p.push(`${where}: image.size must be a positive integer`);
  if (!RESIZE_MODES.includes(i.resize)) p.push(`${where}: image.resize must be one of ${RESIZE_MODES.join(', ')}`);
  if (!INTERPOLATIONS.includes(i.interpolation)) p.push(`${where}: image.interpolation must be one of ${INTERPOLATIONS.join(', ')}`);
  for (const k of ['mean', 'std'] as const) {
    if (!Array.isArray(i[k]) || i[k].length !== 3 || !i[k].every((x) => typeof x === 'number')) p.push(`${where}: image.${k} needs 3 numbers`);
  }
  if (typeof i.normalize !== 'boolean') p.push(`${where}: image.normalize must be boolean`);
  if (!(i.batch === null || (Number.isInteger(i.batch) && i.batch > 0))) p.push(`${where}: image.batch must be a positive integer or null`);
  const t = m.text;
  if (!isSafeRelativePath(t.file) || !isSafeRelativePath(t.tokenizer)) p.push(`${where}: text.file/tokenizer must be safe relative paths`);
  if (!Number.isInteger(t.contextLength) || t.contextLength <= 0) p.push(`${where}: text.contextLength must be a positive integer`);
  if (!Number.isInteger(t.padId) || t.padId < 0) p.push(`${where}: text.padId must be a non-negative integer`);
  if (!t.ids?.name || !['int32', 'int64'].includes(t.ids.type)) p.push(`${where}: text.ids must be a named int32/int64 input`);
  if (t.mask && (!t.mask.name || !['int32', 'int64'].includes(t.mask.type))) p.push(`${where}: text.mask must be a named int32/int64 input`);
  if (!t.output) p.push(`${where}: text.output is missing`);
  if (typeof t.normalize !== 'boolean') p.push(`${where}: text.normalize must be boolean`);
  if (typeof m.search.minScore !== 'number' || m.search.minScore < -1 || m.search.minScore > 1) p.push(`${where}: search.minScore must be a cosine in [-1, 1]`);
  return p;
}

/** Checks raw JSON and returns it typed; throws one error listing every problem. */
export function parseRegistry(data: unknown): Registry {
  const r = data as Registry;
  const problems: string[] = [];
  if (!r || typeof r !== 'object' || r.schemaVersion !== 1 || !Array.isArray(r.models)) {
    throw new Error('Model registry is not a schemaVersion 1 object with a models array');
  }
  const ids = new Set<string>();
  for (const e of r.models) {
    problems.push(...validateEntry(e));
    if (ids.has(e.id)) problems.push(`model ${e.id}: duplicate id`);
    ids.add(e.id);
  }
  if (!ids.has(r.defaultModel)) problems.push(`defaultModel ${JSON.stringify(r.defaultModel)} is not in the registry`);
  if (problems.length) throw new Error(`Invalid model registry:\n- ${problems.join('\n- ')}`);
  return r;
}

let cached: Registry | undefined;

export interface LoadRegistryOptions {
  /** Replaces the bundled entries (tests point entries at a local server). */
  entries?: RegistryEntry[];
  defaultModel?: string;
}

/** The bundled registry, or one built from `entries` (validated the same way). */
export function loadRegistry(opts: LoadRegistryOptions = {}): Registry {
  if (opts.entries) {
    return parseRegistry({
      schemaVersion: 1,
      defaultModel: opts.defaultModel ?? opts.entries[0]?.id,
      models: opts.entries,
    });
  }
  // A registry file of one's own: a company mirror with other models, or a test's local hub.
  const override = process.env.KANJIAN_REGISTRY;
  if (override) return parseRegistry(JSON.parse(readFileSync(override, 'utf8')));
  cached ??= parseRegistry(structuredClone(registryData));
  return cached;
}

export function findEntry(registry: Registry, id: string): RegistryEntry | undefined {
  return registry.models.find((m) => m.id === id);
}

/** Bytes a user should expect to download (or, for export-only models, to store). */
export function entrySizeBytes(e: RegistryEntry): number {
  if (!e.download) return e.approxSizeBytes;
  const files = e.download.files;
  const allExact = files.every((f) => f.size !== null) && !(e.download.listFolders?.length);
  if (allExact) return files.reduce((n, f) => n + (f.size ?? 0), 0);
  return e.approxSizeBytes;
}

/** The manifest.json an installed package of this entry carries. */
export function buildManifest(e: RegistryEntry): ModelManifest {
  const m: ModelManifest = {
    id: e.id,
    name: e.name,
    languages: [...e.languages],
    embeddingDim: e.embeddingDim,
    image: structuredClone(e.manifest.image),
    text: structuredClone(e.manifest.text),
    search: { ...e.manifest.search },
    source: { registryId: e.id, repo: e.repo, ...(e.revision ? { revision: e.revision } : {}) },
  };
  if (e.fixture) m.fixture = true;
  return m;
}
