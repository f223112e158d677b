// Which model package to run: an explicit folder, an installed id, or the one chosen in
// settings. No model is a normal state (first run): indexing still records photos.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { libraryPaths } from '../paths.js';
import { readSettings } from './settings.js';

export async function resolveModelDir(dataDir: string, requested?: string | null): Promise<string | null> {
  const installed = (id: string) => path.join(libraryPaths(dataDir).models, id);
  if (requested) {
    const asDir = path.resolve(requested);
    if (existsSync(path.join(asDir, 'manifest.json'))) return asDir;
    if (existsSync(path.join(installed(requested), 'manifest.json'))) return installed(requested);
    throw new Error(
      `Model "${requested}" is neither a model folder (with manifest.json) nor an installed model. ` +
        `See installed and available models with: npm run -s cli -- models list`,
    );
  }
  const chosen = (await readSettings(dataDir)).model;
  if (chosen && existsSync(path.join(installed(chosen), 'manifest.json'))) return installed(chosen);
  return null;
}
