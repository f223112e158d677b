// The user's app settings (language, theme, download source): kept in `<dataDir>/settings.json`
// beside the model choice, so they survive restarts and are the same in every shell (a browser's
// per-origin storage would lose them whenever the port changes).
import * as v from 'valibot';
import type { AppSettings } from '../api.js';
import { KanjianError } from '../errors.js';
import { hfEndpoint, normaliseEndpoint } from '../models/hub.js';
import { readSettings, updateSettings } from '../models/settings.js';

export const DEFAULT_SETTINGS: AppSettings = {
  language: null,
  theme: 'system',
  hfEndpoint: null,
  downloadSource: 'huggingface',
};

const Endpoint = v.pipe(
  v.string(),
  v.maxLength(2048),
  v.check((s) => normaliseEndpoint(s) !== null),
  v.transform((s) => normaliseEndpoint(s)!),
);

/** One schema for both what a client sends and what settings.json holds. */
const PatchSchema = v.strictObject({
  language: v.optional(v.nullable(v.picklist(['zh', 'en']))),
  theme: v.optional(v.picklist(['light', 'dark', 'system'])),
  hfEndpoint: v.optional(v.nullable(v.union([v.literal(''), Endpoint]))),
  downloadSource: v.optional(v.picklist(['huggingface', 'modelscope'])),
});

/** A client's patch, checked; throws KanjianError (client) naming what was wrong. */
export function parseSettingsPatch(input: unknown): Partial<AppSettings> {
  const r = v.safeParse(PatchSchema, input);
  if (r.success) {
    const out = r.output as Partial<AppSettings>;
    if (out.hfEndpoint === '') out.hfEndpoint = null;
    return Object.fromEntries(Object.entries(out).filter(([, x]) => x !== undefined)) as Partial<AppSettings>;
  }
  const issue = r.issues[0];
  const key = issue.path?.[0]?.key;
  if (key === 'hfEndpoint') {
    throw new KanjianError('settings.badEndpoint', 'hfEndpoint must be an https:// address (http:// only for loopback)');
  }
  throw new KanjianError('validation', `settings${key ? `.${String(key)}` : ''}: ${issue.message}`, {
    params: { field: String(key ?? '') },
  });
}

/** The saved settings merged over the defaults; a value the file holds but we cannot use is ignored. */
export async function getAppSettings(dataDir: string): Promise<AppSettings> {
  const raw = await readSettings(dataDir);
  const out: AppSettings = { ...DEFAULT_SETTINGS };
  for (const key of Object.keys(DEFAULT_SETTINGS) as (keyof AppSettings)[]) {
    if (!(key in raw)) continue;
    const r = v.safeParse(PatchSchema, { [key]: raw[key] });
    if (r.success) Object.assign(out, r.output);
  }
  if (out.hfEndpoint === '') out.hfEndpoint = null;
  return out;
}

/** Saves a checked patch atomically (settings.ts: temp file + rename) and returns the result. */
export async function updateAppSettings(dataDir: string, patch: unknown): Promise<AppSettings> {
  const clean = parseSettingsPatch(patch);
  await updateSettings(dataDir, clean);
  return getAppSettings(dataDir);
}

/**
 * The Hugging Face endpoint downloads use. A mirror set in the app wins over the HF_ENDPOINT
 * variable: it is the more recent, more visible choice, and the app shows it; with none set, the
 * variable (as huggingface_hub reads it) and then huggingface.co.
 */
export function effectiveHfEndpoint(settings: Pick<AppSettings, 'hfEndpoint'>, env: NodeJS.ProcessEnv = process.env): string {
  if (settings.hfEndpoint) return settings.hfEndpoint;
  return hfEndpoint(env);
}
