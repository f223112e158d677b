// `<dataDir>/settings.json`: small user choices that are not library data (those live in SQLite).
// Other parts of the app may keep their own keys here, so writes preserve unknown keys.

import { mkdir, open, readFile, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import * as v from 'valibot';
import { writeFileAtomic } from '../atomic-file.js';

/** settings.json: the keys the core reads are checked; other keys are kept as they are. */
export const SettingsSchema = v.looseObject(
  {
    /** Registry id of the model used for indexing and search. */
    model: v.optional(v.string('must be a model id (a string)')),
    /** The model used before the last switch: search stays on it until the new one covers the library. */
    previousModel: v.optional(v.string('must be a model id (a string)')),
    /** Execution provider request: 'auto' | 'cpu' | 'cuda' | 'dml' | 'coreml' (KANJIAN_EP overrides). */
    provider: v.optional(v.string('must be a provider name (a string)')),
    /** 'int8' runs a package's quantised towers where it has them; default fp32. */
    precision: v.optional(v.string('must be "int8" or "fp32"')),
  },
  'must hold a JSON object',
);

export type Settings = v.InferOutput<typeof SettingsSchema>;

export function settingsPath(dataDir: string): string {
  return join(dataDir, 'settings.json');
}

/** The saved settings, or `{}` when none were saved yet. A corrupt file is an error, not a reset. */
export async function readSettings(dataDir: string): Promise<Settings> {
  let text: string;
  try {
    text = await readFile(settingsPath(dataDir), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw err;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new Error(`${settingsPath(dataDir)} is not valid JSON: ${(err as Error).message}`);
  }
  const r = v.safeParse(SettingsSchema, Array.isArray(value) ? null : value, { abortEarly: true });
  if (!r.success) {
    const at = v.getDotPath(r.issues[0]);
    throw new Error(`${settingsPath(dataDir)}${at ? `: ${at}` : ''} ${r.issues[0].message}`);
  }
  return r.output;
}

/**
 * Replaces settings.json atomically: write a sibling temp file, flush it, rename over the old one,
 * so a crash leaves either the old or the new file, never half of one.
 */
export async function writeSettings(dataDir: string, settings: Settings): Promise<void> {
  await mkdir(dataDir, { recursive: true });
  await writeFileAtomic(settingsPath(dataDir), `${JSON.stringify(settings, null, 2)}\n`);
}

/**
 * Read-modify-write of some keys; `undefined` removes a key. Serialised: in this process by a
 * queue per library, across processes (the app and a CLI on one library) by a lock file, so two
 * writers never lose each other's keys.
 */
export function updateSettings(dataDir: string, patch: Partial<Settings>): Promise<Settings> {
  const key = resolve(dataDir);
  const run = (queues.get(key) ?? Promise.resolve()).then(() =>
    withLockFile(`${settingsPath(dataDir)}.lock`, async () => {
      const next: Settings = { ...(await readSettings(dataDir)) };
      for (const [k, v] of Object.entries(patch)) {
        if (v === undefined) delete next[k];
        else next[k] = v;
      }
      await writeSettings(dataDir, next);
      return next;
    }),
  );
  queues.set(key, run.catch(() => undefined));
  return run;
}

const queues = new Map<string, Promise<unknown>>();
/** A lock file older than this was left by a process that died while writing: taken over. */
const STALE_LOCK_MS = 10_000;

async function withLockFile<T>(lock: string, fn: () => Promise<T>): Promise<T> {
  await mkdir(resolve(lock, '..'), { recursive: true });
  const giveUp = Date.now() + 30_000;
  for (;;) {
    try {
      const fh = await open(lock, 'wx');
      await fh.writeFile(String(process.pid));
      await fh.close();
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const st = await stat(lock).catch(() => null);
      if (st && Date.now() - st.mtimeMs > STALE_LOCK_MS) await rm(lock, { force: true });
      else if (Date.now() > giveUp) throw new Error(`${lock} is held by another process; try again`);
      else await new Promise((r) => setTimeout(r, 20));
    }
  }
  try {
    return await fn();
  } finally {
    await rm(lock, { force: true });
  }
}
