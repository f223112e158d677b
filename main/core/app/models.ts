// Opening model packages into the slots, and the model choice kept in settings.json. The app
// (Kanjian.useModel) and the CLI (`models use`, the first download) record a choice through
// chooseModel() alone, and a library opened later resumes an unfinished switch from it.
import { modelIdentity } from '../embed/identity.js';
import type { ModelStatus } from '../api.js';
import { openModel } from '../embed/encoder.js';
import type { LoadedModel } from '../embed/loaded.js';
import { resolveProviderRequest, type Precision } from '../embed/providers.js';
import { KanjianError } from '../errors.js';
import { gpuFallbackNote } from '../embed/provider-note.js';
import { installedModelDir, isInstalled, type RegistryOption } from '../models/install.js';
import { findEntry, loadRegistry, plainModelName } from '../models/registry.js';
import { resolveModelDir } from '../models/resolve.js';
import { readSettings, updateSettings, type Settings } from '../models/settings.js';
import type { Store } from '../store/index.js';
import { ModelSlots } from './model-slots.js';

export interface RuntimeOptions {
  /** Execution provider request ('auto' by default; also KANJIAN_EP, or settings.provider). */
  provider?: string;
  /** 'int8' runs the package's quantised towers where it has them (CPU users); also settings.precision. */
  precision?: Precision;
  log?: (message: string) => void;
}

/** Options win over settings.json; KANJIAN_EP still overrides an unset provider (providers.ts). */
function runtimeChoice(opts: RuntimeOptions, settings: Settings): { provider?: string; precision?: Precision } {
  const precision = opts.precision ?? (settings.precision === 'int8' ? 'int8' : undefined);
  return { provider: opts.provider ?? settings.provider, precision };
}

/** Opens a model package and registers it (and its vector table) in the store. */
export async function loadModel(store: Store, dir: string, opts: RuntimeOptions, settings: Settings): Promise<LoadedModel> {
  const runtime = runtimeChoice(opts, settings);
  const request = resolveProviderRequest(runtime.provider);
  const m = await openModel(dir, { provider: request, precision: runtime.precision });
  // On 'auto' a missing GPU is normal (most laptops): nothing to say, not even on the CLI. Asked
  // for one explicitly, the user learns it could not be used.
  const providerNote = gpuFallbackNote(request, m.provider, m.providerNote);
  if (providerNote) opts.log?.(m.providerNote!);
  try {
    const key = await modelIdentity(m.pkg, m.imageFile);
    store.vectors.adoptLegacyKey(m.manifest.id, key);
    return { model: m, modelId: store.vectors.ensureModel(key, m.dim), key, providerNote };
  } catch (e) {
    await m.close();
    throw e;
  }
}

export function coversLibrary(store: Store, m: LoadedModel): boolean {
  const c = store.vectors.coverage(m.modelId);
  return c.embedded >= c.contents;
}

/**
 * The slots of a library being opened: `requested` (a folder or an installed id) or the model
 * chosen in settings; a switch that had not finished re-embedding keeps searching with the
 * previous model.
 */
export async function openModelSlots(
  store: Store,
  dataDir: string,
  requested: string | null | undefined,
  opts: RuntimeOptions & { backgroundClose: (p: Promise<void>) => void },
): Promise<ModelSlots<LoadedModel>> {
  let index: LoadedModel | null = null;
  let search: LoadedModel | null = null;
  try {
    const settings = await readSettings(dataDir);
    const dir = await resolveModelDir(dataDir, requested);
    if (dir) {
      index = await loadModel(store, dir, opts, settings);
      search = index;
      const prev = settings.previousModel;
      if (!requested && prev && prev !== index.model.manifest.id && !coversLibrary(store, index)) {
        if (await isInstalled(prev, dataDir)) search = await loadModel(store, installedModelDir(prev, dataDir), opts, settings);
      } else if (!requested && prev && coversLibrary(store, index)) {
        // The switch finished (perhaps in another process): the old model must not come back.
        await settleSwitch(dataDir, index.model.manifest.id);
      }
    }
  } catch (e) {
    await index?.model.close();
    throw e;
  }
  return new ModelSlots(index, search, {
    isComplete: (m) => coversLibrary(store, m),
    close: (m) => opts.backgroundClose(m.model.close()),
  });
}

/** Loads an installed model for a switch (the slots take it with switchTo). */
export async function loadInstalledModel(store: Store, dataDir: string, id: string, opts: RuntimeOptions): Promise<LoadedModel> {
  await requireInstalled(id, dataDir);
  return loadModel(store, installedModelDir(id, dataDir), opts, await readSettings(dataDir));
}

export async function requireInstalled(id: string, dataDir: string, reg: RegistryOption = {}): Promise<void> {
  // A package exported by hand (ERNIE-ViL) is installed without being downloaded, so the
  // manifest on disk is what counts, not whether the registry can download it.
  if (await isInstalled(id, dataDir)) return;
  const entry = findEntry(reg.registry ?? loadRegistry(), id);
  const hint = entry?.download ? `; run: kanjian models download ${id}` : entry?.export ? `; build it with ${entry.export.script}` : '';
  throw new KanjianError('model.notInstalled', `Model ${id} is not installed${hint}`, { params: { id } });
}

/**
 * Records `id` as the model to use. `searching` is the model whose vectors cover the library
 * now: search stays on it until the new model has re-embedded the library, also across a
 * restart. Without a running library (the CLI), the model chosen so far is taken to be it.
 */
export async function chooseModel(
  id: string,
  dataDir: string,
  opts: RegistryOption & { searching?: string | null } = {},
): Promise<void> {
  await requireInstalled(id, dataDir, opts);
  const settings = await readSettings(dataDir);
  // Choosing the current model again from the CLI keeps an unfinished switch as it is.
  if (opts.searching === undefined && settings.model === id) return;
  const searching = opts.searching === undefined ? (settings.model ?? null) : opts.searching;
  await updateSettings(dataDir, { model: id, previousModel: searching && searching !== id ? searching : undefined });
}

/**
 * A switch is complete once search runs on the model chosen for indexing: `previousModel` is
 * cleared, so a later start (or a library that shrinks under the new model's coverage) can never
 * fall back to the old model. Only cleared when `model` is still the one that finished.
 */
export async function settleSwitch(dataDir: string, finished: string): Promise<void> {
  const settings = await readSettings(dataDir);
  if (settings.previousModel !== undefined && settings.model === finished) {
    await updateSettings(dataDir, { previousModel: undefined });
  }
}

export function modelStatus(store: Store, slots: ModelSlots<LoadedModel>): ModelStatus {
  const index = slots.index;
  const m = index?.model;
  let reembedding: ModelStatus['reembedding'] = null;
  if (index) {
    const c = store.vectors.coverage(index.modelId);
    if (c.embedded < c.contents) reembedding = { done: c.embedded, total: c.contents };
  }
  return {
    id: m?.manifest.id ?? null,
    name: m ? plainModelName(m.manifest.name) : null,
    provider: m?.provider ?? null,
    providerNote: index?.providerNote ?? null,
    embeddingDim: m?.dim ?? null,
    searchModelId: slots.switching ? slots.search!.model.manifest.id : null,
    reembedding,
  };
}
