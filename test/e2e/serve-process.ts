// Starts `kanjian serve` as a child process the way a user would, and reads its URL from stdout.
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';

export interface ServeProcess {
  url: string;
  child: ChildProcess;
  stderr: () => string;
  /** SIGTERM, then waits for a clean exit; returns the exit code. */
  stop(): Promise<number | null>;
}

const repo = path.resolve(new URL('../..', import.meta.url).pathname);

export interface ServeOptions {
  dataDir: string;
  /** Model package folder or installed id; omitted: the first-run state (or what settings name). */
  model?: string;
  rendererDir: string;
  /** Extra environment for the server (e.g. KANJIAN_REGISTRY, HF_ENDPOINT). */
  env?: Record<string, string>;
  /** A fixed port (e.g. to restart on the same address); default: a free one. */
  port?: number;
}

export async function startServe(opts: ServeOptions): Promise<ServeProcess> {
  // tsx's own CLI (what `npx tsx` runs), started directly so the signal reaches it without npm in between.
  const tsxCli = createRequire(import.meta.url).resolve('tsx/cli');
  const args = [tsxCli, 'main/cli/index.ts', 'serve', '--data', opts.dataDir, ...(opts.model ? ['--model', opts.model] : []), '--port', String(opts.port ?? 0)];
  const child = spawn(process.execPath, args, {
    cwd: repo,
    env: { ...process.env, ...opts.env, KANJIAN_RENDERER_DIR: opts.rendererDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (err += c));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not print its URL in time.\nstdout: ${out}\nstderr: ${err}`)), 60_000);
    child.stdout!.setEncoding('utf8').on('data', (c: string) => {
      out += c;
      const m = /Kanjian is running at (http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code} before printing its URL.\nstderr: ${err}`));
    });
  });
  return {
    url,
    child,
    stderr: () => err,
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 15_000).unref());
      const code = await Promise.race([exited, timeout]);
      if (code === 'timeout') {
        child.kill('SIGKILL');
        return null;
      }
      return code;
    },
  };
}
