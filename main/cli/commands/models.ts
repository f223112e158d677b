// `kanjian models list|download|use|remove`.
//
// `out` and `err` each receive one line without its trailing newline; the dispatcher decides how
// lines reach the terminal. Exit codes: 0 done, 1 the operation failed, 2 bad usage.

import { chooseModel } from '../../core/app/models.js';
import { DownloadError } from '../../core/models/download.js';
import { formatBytes } from '../../shell-common/format.js';
import {
  currentModelId,
  installModel,
  listModels,
  ModelError,
  removeModel,
  type InstallProgress,
} from '../../core/models/install.js';
import type { Registry } from '../../core/models/registry.js';
import { KanjianError } from '../../core/errors.js';
import { classifyDownloadError } from '../../core/models/download-errors.js';
import { installModelFromPath, type LocalInstallResult } from '../../core/models/install-local.js';
import { effectiveHfEndpoint, getAppSettings } from '../../core/settings/app-settings.js';

export interface ModelsCommandContext {
  dataDir: string;
  json: boolean;
  out: (s: string) => void;
  err: (s: string) => void;
  /** Tests swap in a registry that points at a local server. */
  registry?: Registry;
  /** Cancels a running download (the dispatcher can wire SIGINT to it). */
  signal?: AbortSignal;
  /** Overrides HF_ENDPOINT. */
  endpoint?: string;
  idleTimeoutMs?: number;
  /** Minimum milliseconds between progress lines on stderr. */
  progressIntervalMs?: number;
}

const VERIFIED: Record<LocalInstallResult['verifiedBy'], string> = {
  'registry-sha256': 'Every file matched the SHA-256 published for this model.',
  'package-sha256': "Every file matched the package's own SHA256SUMS.",
  'files-present': 'No checksums were known for this package: its manifest and files were checked, not their contents.',
};

// What to do next, per failure (the app says the same in its language: msg.download.*).
const DOWNLOAD_HINTS: Partial<Record<string, string>> = {
  'download.offline': 'This computer seems to be offline. Check the network, or copy the model from another computer and run: kanjian models install <folder-or-zip>',
  'download.blocked': 'The server refused the download (a firewall or proxy may block it). Set a mirror (HF_ENDPOINT, or the mirror setting in the app), or install from a folder.',
  'download.notFound': 'The server does not have this file; the mirror may not carry this model.',
  'download.diskFull': 'The disk is full. Free some space; running the command again resumes.',
  'download.timeout': 'The server stopped answering.',
  'download.corrupt': 'A file arrived damaged and was discarded.',
};

const USAGE = [
  'Usage: kanjian models <command>',
  '  list [--json]        models in the registry and whether they are installed',
  '  download <id>        download and install a model (from the mirror set in the app, else HF_ENDPOINT)',
  '  install <path>       install a model package copied from another computer (a folder or a .zip)',
  '  use <id>             make an installed model the current one',
  '  remove <id>          delete an installed model',
];

function formatEta(s: number | null): string {
  if (s === null) return '';
  if (s < 60) return ` ETA ${s} s`;
  const m = Math.floor(s / 60);
  return m < 60 ? ` ETA ${m} min ${s % 60} s` : ` ETA ${Math.floor(m / 60)} h ${m % 60} min`;
}

export function progressLine(p: InstallProgress): string {
  const size = p.totalBytes !== null ? `${formatBytes(p.bytes)} / ${formatBytes(p.totalBytes)}` : formatBytes(p.bytes);
  const pct = p.totalBytes ? ` (${Math.floor((100 * p.bytes) / p.totalBytes)}%)` : '';
  return `[${p.fileIndex + 1}/${p.fileCount}] ${p.file}  ${size}${pct}  ${formatBytes(p.rate)}/s${formatEta(p.etaSeconds)}`;
}

function parseFlags(args: string[]): { positional: string[]; json: boolean; unknown: string[] } {
  const positional: string[] = [];
  const unknown: string[] = [];
  let json = false;
  for (const a of args) {
    if (a === '--json') json = true;
    else if (a.startsWith('-')) unknown.push(a);
    else positional.push(a);
  }
  return { positional, json, unknown };
}

export async function modelsCommand(args: string[], ctx: ModelsCommandContext): Promise<number> {
  const [sub, ...rest] = args;
  const { positional, json: jsonFlag, unknown } = parseFlags(rest);
  const json = ctx.json || jsonFlag;
  const usage = (msg?: string) => {
    if (msg) ctx.err(msg);
    for (const l of USAGE) ctx.err(l);
    return 2;
  };
  if (!sub || sub === 'help' || sub === '--help') return usage();
  if (unknown.length) return usage(`Unknown option ${unknown[0]}`);
  const needId = () => positional.length === 1;

  try {
    switch (sub) {
      case 'list': {
        if (positional.length) return usage('models list takes no arguments');
        const models = await listModels(ctx.dataDir, { registry: ctx.registry });
        if (json) {
          ctx.out(JSON.stringify({ models }));
        } else {
          for (const m of models) {
            const flags = [m.installed ? 'installed' : m.downloadable ? 'not installed' : 'export only', m.current ? 'current' : '', m.default ? 'default' : '']
              .filter(Boolean)
              .join(', ');
            ctx.out(`${m.id.padEnd(28)} ${formatBytes(m.sizeBytes).padStart(8)}  ${m.languages.join('+').padEnd(6)} ${m.name}  [${flags}]`);
          }
        }
        return 0;
      }
      case 'install': {
        if (positional.length !== 1) return usage('models install needs the package folder or .zip');
        const r = await installModelFromPath(positional[0], { dataDir: ctx.dataDir, registry: ctx.registry });
        const selected = (await currentModelId(ctx.dataDir)) === null;
        if (selected) await chooseModel(r.id, ctx.dataDir, { registry: ctx.registry });
        if (json) ctx.out(JSON.stringify({ installed: { id: r.id, dir: r.dir, verifiedBy: r.verifiedBy }, selected }));
        else {
          ctx.out(`Installed ${r.id} in ${r.dir}${selected ? ' and made it the current model' : ''}`);
          ctx.err(VERIFIED[r.verifiedBy]);
        }
        return 0;
      }
      case 'download': {
        if (!needId()) return usage('models download needs exactly one model id');
        const interval = ctx.progressIntervalMs ?? 1000;
        let last = 0;
        let lastFile = '';
        const result = await installModel(positional[0], {
          dataDir: ctx.dataDir,
          registry: ctx.registry,
          signal: ctx.signal,
          endpoint: ctx.endpoint ?? effectiveHfEndpoint(await getAppSettings(ctx.dataDir)),
          idleTimeoutMs: ctx.idleTimeoutMs,
          onProgress: (p) => {
            const now = Date.now();
            const done = p.totalBytes !== null && p.bytes >= p.totalBytes;
            if (p.file !== lastFile || done || now - last >= interval) {
              last = now;
              lastFile = p.file;
              ctx.err(progressLine(p));
            }
          },
        });
        // The first model a user downloads is the one they mean to use.
        const selected = !result.alreadyInstalled && (await currentModelId(ctx.dataDir)) === null;
        if (selected) await chooseModel(result.id, ctx.dataDir, { registry: ctx.registry });
        if (json) {
          ctx.out(
            JSON.stringify({
              selected,
              installed: {
                id: result.id,
                dir: result.dir,
                alreadyInstalled: result.alreadyInstalled,
                files: result.files.map((f) => ({ file: f.file, bytes: f.bytes, sha256: f.sha256, verifiedBy: f.verifiedBy })),
              },
            }),
          );
        } else if (result.alreadyInstalled) {
          ctx.out(`${result.id} is already installed in ${result.dir}`);
        } else {
          const unverified = result.files.filter((f) => f.verifiedBy === 'size-only' || f.verifiedBy === 'unverified');
          ctx.out(`Installed ${result.id} in ${result.dir}${selected ? ' and made it the current model' : ''}`);
          if (unverified.length) {
            ctx.err(`Note: no SHA-256 was known for ${unverified.map((f) => f.file).join(', ')}; checked by ${unverified.every((f) => f.verifiedBy === 'size-only') ? 'size only' : 'nothing but completion'}`);
          }
        }
        return 0;
      }
      case 'use': {
        if (!needId()) return usage('models use needs exactly one model id');
        await chooseModel(positional[0], ctx.dataDir, { registry: ctx.registry });
        if (json) ctx.out(JSON.stringify({ model: positional[0] }));
        else ctx.out(`Now using ${positional[0]}`);
        return 0;
      }
      case 'remove': {
        if (!needId()) return usage('models remove needs exactly one model id');
        const removed = await removeModel(positional[0], ctx.dataDir);
        if (json) ctx.out(JSON.stringify({ removed, id: positional[0] }));
        else ctx.out(removed ? `Removed ${positional[0]}` : `${positional[0]} was not installed`);
        return 0;
      }
      default:
        return usage(`Unknown models command ${JSON.stringify(sub)}`);
    }
  } catch (err) {
    if (err instanceof KanjianError && err.client) {
      ctx.err(`Error: ${err.message}`);
      return 1;
    }
    if (err instanceof ModelError || err instanceof DownloadError) {
      ctx.err(`Error: ${err.message}`);
      if (sub === 'download') {
        const host = new URL(ctx.endpoint ?? effectiveHfEndpoint(await getAppSettings(ctx.dataDir).catch(() => ({ hfEndpoint: null })))).host;
        const hint = DOWNLOAD_HINTS[classifyDownloadError(err, { host }).code];
        if (hint) ctx.err(hint);
      }
      if (err instanceof DownloadError && err.resumable && sub === 'download') {
        ctx.err('Nothing was installed; running the same command again resumes the download.');
      } else if (sub === 'download') {
        ctx.err('Nothing was installed.');
      }
      return 1;
    }
    ctx.err(`Error: ${(err as Error)?.message ?? String(err)}`);
    return 1;
  }
}
