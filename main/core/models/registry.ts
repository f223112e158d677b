// The model registry: which model packages Kanjian can download, from where, and the facts needed
// to write each package's manifest.json. The data lives in models/registry.json so a reviewer can
// audit every fact (and its `unconfirmed` notes) without reading code.

import { readFileSync } from 'node:fs';
import * as v from 'valibot';
import registryData from '../../../models/registry.json' with { type: 'json' };
import type { ModelRole } from '../api.js';
import { ImageTowerSchema, problemsOf, SearchSpecSchema, TextTowerSchema } from '../embed/manifest-schema.js';
import type { ModelManifest } from '../embed/manifest-types.js';

const ID_RE = /^[a-z0-9][a-z0-9._-]*$/;
const MODEL_ROLES = ['default', 'chinese', 'quality', 'english', 'seed'] as const satisfies readonly ModelRole[];

/**
 * The model's name without the training-run tag in brackets ("(laion5b_s13b_b90k)"): that is
 * exporter vocabulary, not something a user chooses by.
 */
export function plainModelName(name: string): string {
  return name.replace(/\s*\([^)]*_[^)]*\)\s*$/, '').trim() || name;
}
const SHA256_RE = /^[0-9a-f]{64}$/;
const COMMIT_RE = /^[0-9a-f]{40}$/;

/** True for a relative path that stays inside its folder once joined. */
export function isSafeRelativePath(p: string): boolean {
  if (!p || p.startsWith('/') || p.includes('\\') || /^[a-zA-Z]:/.test(p)) return false;
  return p.split('/').every((seg) => seg !== '' && seg !== '.' && seg !== '..');
}

const count = v.pipe(v.number(), v.integer(), v.minValue(0));

const RegistryFileSchema = v.object({
  /** Path inside the Hugging Face repository. */
  path: v.string(),
  /** Path inside the installed package; defaults to `path`. */
  dest: v.optional(v.string()),
  /** Exact byte size when published; null when only an estimate is known. */
  size: v.nullable(v.number()),
  /** Lower-case hex SHA-256 when published. */
  sha256: v.nullable(v.string()),
  /** Rough size for progress and the model list when `size` is unknown. */
  approxSize: v.optional(v.number()),
  /** Some packages combine files from several repositories (e.g. a tokenizer from the upstream repo). */
  repo: v.optional(v.string()),
  revision: v.optional(v.string()),
});

/** A folder whose files are listed from the hub at install time (ONNX external data has unpredictable names). */
const RegistryFolderSchema = v.object({
  path: v.string(),
  /** Glob patterns (only `*` is special) for files to skip, e.g. Immich's ARM NN graphs. */
  exclude: v.optional(v.array(v.string())),
});

const UnconfirmedSchema = v.object({ field: v.string(), why: v.string() });

const EntryShape = v.object({
  id: v.pipe(v.string(), v.regex(ID_RE, `must match ${ID_RE}`)),
  name: v.pipe(v.string(), v.nonEmpty('is missing')),
  /** What the model is for; the UI names it per role. Fixtures may leave it out. */
  role: v.optional(v.picklist(MODEL_ROLES, `must be one of ${MODEL_ROLES.join(', ')}`)),
  languages: v.pipe(v.array(v.string()), v.nonEmpty('is empty')),
  license: v.pipe(v.string(), v.nonEmpty('is missing')),
  embeddingDim: v.pipe(v.number(), v.integer('must be a positive integer'), v.minValue(1, 'must be a positive integer')),
  /** Where the weights were trained and first published. */
  upstream: v.optional(v.string()),
  /** Hugging Face repository the package is downloaded from. */
  repo: v.pipe(v.string(), v.includes('/', 'must be owner/name')),
  /** A commit SHA when `revisionPinned`, else a branch name; null when nothing is downloaded. */
  revision: v.nullable(v.string()),
  revisionPinned: v.boolean(),
  approxSizeBytes: count,
  /** null: no published files; the package is built with the export script instead. */
  download: v.nullable(v.object({ files: v.array(RegistryFileSchema), listFolders: v.optional(v.array(RegistryFolderSchema)) })),
  export: v.optional(v.object({ script: v.string(), why: v.optional(v.string()) })),
  manifest: v.object({ image: ImageTowerSchema, text: TextTowerSchema, search: SearchSpecSchema }),
  unconfirmed: v.array(UnconfirmedSchema),
  sources: v.optional(v.array(v.string())),
  /** Test fixtures: never listed for users, never downloadable from the CLI. */
  fixture: v.optional(v.boolean()),
});

/** Rules across fields (paths, hashes, pinning), as plain sentences. */
function entryRules(e: v.InferOutput<typeof EntryShape>): string[] {
  const p: string[] = [];
  if (e.revisionPinned && !(typeof e.revision === 'string' && COMMIT_RE.test(e.revision))) p.push('revisionPinned needs a 40-hex commit SHA');
  if (!e.revisionPinned && !e.fixture && !e.unconfirmed.some((u) => u.field === 'revision') && e.download) {
    p.push('an unpinned revision must be explained in unconfirmed[]');
  }
  if (e.download === null) {
    if (!e.export?.script) p.push('download is null, so export.script must say how to build it');
  } else {
    if (!e.revision) p.push('a downloadable model needs a revision');
    const dests = new Set<string>();
    for (const f of e.download.files) {
      const dest = f.dest ?? f.path;
      if (!isSafeRelativePath(f.path) || !isSafeRelativePath(dest)) p.push(`unsafe file path ${f.path} -> ${dest}`);
      if (dests.has(dest)) p.push(`two files install to ${dest}`);
      dests.add(dest);
      if (f.size !== null && (!Number.isInteger(f.size) || f.size < 0)) p.push(`bad size for ${f.path}`);
      if (f.sha256 !== null && !SHA256_RE.test(f.sha256)) p.push(`sha256 of ${f.path} must be 64 lower-case hex`);
      if (f.revision !== undefined && !COMMIT_RE.test(f.revision)) p.push(`per-file revision of ${f.path} must be a commit SHA`);
    }
    for (const d of e.download.listFolders ?? []) if (!isSafeRelativePath(d.path)) p.push(`unsafe folder ${d.path}`);
  }
  const { image, text } = e.manifest;
  if (!isSafeRelativePath(image.file)) p.push('image.file is not a safe relative path');
  if (!isSafeRelativePath(text.file) || !isSafeRelativePath(text.tokenizer)) p.push('text.file/tokenizer must be safe relative paths');
  return p;
}

export const RegistryEntrySchema = v.pipe(
  EntryShape,
  v.rawCheck(({ dataset, addIssue }) => {
    if (dataset.typed) for (const message of entryRules(dataset.value)) addIssue({ message });
  }),
);

export const RegistrySchema = v.pipe(
  v.object(
    { schemaVersion: v.literal(1), defaultModel: v.string(), models: v.array(v.unknown()) },
    'Model registry is not a schemaVersion 1 object with a models array',
  ),
);

export type RegistryEntry = v.InferOutput<typeof RegistryEntrySchema>;
export type RegistryFile = v.InferOutput<typeof RegistryFileSchema>;
export interface Registry {
  schemaVersion: 1;
  defaultModel: string;
  models: RegistryEntry[];
}

/** Problems with one entry, as plain sentences; empty when the entry is usable. */
export function validateEntry(e: unknown): string[] {
  const r = v.safeParse(RegistryEntrySchema, e, { abortPipeEarly: true });
  if (r.success) return [];
  const where = `model ${JSON.stringify((e as { id?: unknown } | null)?.id)}`;
  const lines = problemsOf(r.issues, '').map((line) => line.replace(/^: /, '').replace(/^([\w.\[\]]+): /, '$1 '));
  // A shape problem stops the schema before its cross-field rules; report those too where the
  // fields they read are there, so one pass names everything.
  if (!r.issues.some((i) => i.type === 'raw_check')) {
    try {
      lines.push(...entryRules(e as v.InferOutput<typeof EntryShape>));
    } catch {
      // the fields the rules read are malformed, and already reported
    }
  }
  return lines.map((line) => `${where}: ${line}`);
}

/** Checks raw JSON and returns it typed; throws one error listing every problem. */
export function parseRegistry(data: unknown): Registry {
  const top = v.safeParse(RegistrySchema, data);
  if (!top.success) throw new Error('Model registry is not a schemaVersion 1 object with a models array');
  const problems: string[] = [];
  const models: RegistryEntry[] = [];
  const ids = new Set<string>();
  for (const raw of top.output.models) {
    const found = validateEntry(raw);
    problems.push(...found);
    const id = (raw as { id?: unknown } | null)?.id;
    if (typeof id === 'string' && ids.has(id)) problems.push(`model ${id}: duplicate id`);
    if (typeof id === 'string') ids.add(id);
    if (!found.length) models.push(v.parse(RegistryEntrySchema, raw));
  }
  if (!ids.has(top.output.defaultModel)) problems.push(`defaultModel ${JSON.stringify(top.output.defaultModel)} is not in the registry`);
  if (problems.length) throw new Error(`Invalid model registry:\n- ${problems.join('\n- ')}`);
  return { schemaVersion: 1, defaultModel: top.output.defaultModel, models };
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
