// Runs the real CLI as a child process, as a user's script would.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const TOY_MODEL = path.join(REPO_ROOT, 'test/fixtures/models/toy-colors');
/** Real camera photos vendored in the repo (CC BY-SA 4.0; see its README.md): read-only fixtures. */
export const EXIF_SAMPLES = path.join(REPO_ROOT, 'test/fixtures/photos');
const CLI = path.join(REPO_ROOT, 'main/cli/index.ts');
// `node --import tsx` runs the CLI in one process: the tsx binary would fork a child, and a
// kill -9 of the wrapper would leave the real indexer running.
const NODE_ARGS = ['--import', 'tsx'];

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], opts: { env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...NODE_ARGS, CLI, ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export function spawnCli(args: string[], opts: { env?: NodeJS.ProcessEnv } = {}) {
  return spawn(process.execPath, [...NODE_ARGS, CLI, ...args], { cwd: REPO_ROOT, env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
}
