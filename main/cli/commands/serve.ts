// `serve`: the library behind the local HTTP shell, for a browser on this machine (headless
// boxes, end-to-end tests). Runs until SIGINT/SIGTERM, then closes the server and the core.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kanjian } from '../../core/kanjian.js';
import { kanjianMediaSource } from '../../shell-common/media.js';
import { startServer, type RunningServer } from '../../server/server.js';

export interface ServeOptions {
  dataDir: string;
  model?: string | null;
  /** Execution provider and precision requests, as for the other commands. */
  runtime?: { provider?: string; precision?: 'fp32' | 'int8' };
  /** A port to use; 0: any free one; undefined: DEFAULT_PORT, or the next free one after it. */
  port?: number;
  out: (line: string) => void;
  err: (line: string) => void;
  /** Defaults to renderer/dist of this checkout (or KANJIAN_RENDERER_DIR). */
  rendererDir?: string;
  /** Resolves when the server should stop; defaults to the first SIGINT or SIGTERM. */
  until?: Promise<unknown>;
}

/**
 * The repo's renderer/dist: three levels up from main/cli/commands (run with tsx), four from
 * dist/main/cli/commands (built). KANJIAN_RENDERER_DIR overrides.
 */
export function defaultRendererDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.KANJIAN_RENDERER_DIR) return path.resolve(env.KANJIAN_RENDERER_DIR);
  const candidates = ['../../../renderer/dist/', '../../../../renderer/dist/'].map((rel) => fileURLToPath(new URL(rel, import.meta.url)));
  return candidates.find((dir) => existsSync(path.join(dir, 'index.html'))) ?? candidates[0];
}

function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (sig: NodeJS.Signals) => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      // A second signal while closing means "now".
      const force = () => process.exit(130);
      process.once('SIGINT', force);
      process.once('SIGTERM', force);
      resolve(sig);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}

/**
 * The default port: stable across runs, so the address (and what the browser keeps for it) stays
 * the same. Picked from the unassigned range below the ephemeral ports; when taken, the next ones.
 */
export const DEFAULT_PORT = 47800;
const PORT_TRIES = 10;

const inUse = (e: unknown) => (e as NodeJS.ErrnoException)?.code === 'EADDRINUSE';

async function listen(opts: ServeOptions, start: (port: number) => Promise<RunningServer>): Promise<RunningServer | null> {
  if (opts.port !== undefined) {
    try {
      return await start(opts.port);
    } catch (e) {
      if (!inUse(e)) throw e;
      opts.err(`Port ${opts.port} is already in use (another Kanjian, or another program). Choose another with --port, or --port 0 for any free port.`);
      return null;
    }
  }
  for (let port = DEFAULT_PORT; port < DEFAULT_PORT + PORT_TRIES; port++) {
    try {
      const server = await start(port);
      if (port !== DEFAULT_PORT) opts.err(`Port ${DEFAULT_PORT} is in use; using ${port} instead.`);
      return server;
    } catch (e) {
      if (!inUse(e)) throw e;
    }
  }
  opts.err(`Ports ${DEFAULT_PORT}–${DEFAULT_PORT + PORT_TRIES - 1} are all in use; using a free port instead.`);
  return start(0);
}

export async function serveCommand(opts: ServeOptions): Promise<number> {
  if (opts.port !== undefined && (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535)) {
    opts.err(`--port must be a whole number from 0 to 65535 (0 picks a free port).`);
    return 1;
  }
  const rendererDir = opts.rendererDir ?? defaultRendererDir();
  if (!existsSync(path.join(rendererDir, 'index.html'))) {
    opts.err(`The app is not built (${rendererDir} has no index.html); serving the API only.`);
    opts.err('Build it with: npm run build:renderer (or start with: npm run serve)');
  }
  const until = opts.until ?? untilSignal();
  const core = await Kanjian.open({ ...opts.runtime, dataDir: opts.dataDir, model: opts.model, watch: true, log: opts.err, role: 'kanjian serve' });
  let server;
  try {
    server = await listen(opts, (port) => startServer({ api: core, media: kanjianMediaSource(core), rendererDir, port, log: opts.err }));
  } catch (e) {
    await core.close();
    throw e;
  }
  if (!server) {
    await core.close();
    return 1;
  }
  opts.out(`Kanjian is running at ${server.url}`);
  opts.err('Press Ctrl+C to stop.');
  await until;
  opts.err('Stopping…');
  await server.close();
  await core.close();
  return 0;
}
