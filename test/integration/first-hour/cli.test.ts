// A CLI that talks (real CLI processes): "did you mean" for commands and options, numbers and
// date ranges checked, a --data folder with no library refused instead of created, a busy port
// in plain words, the stable default port, `models install`, and `watch` printing a change.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli, TOY_MODEL } from '../../helpers/cli.js';

let tmp: string;
let lib: string;
let data: string;

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'kanjian-cli-talks-'));
  lib = path.join(tmp, 'library');
  data = path.join(tmp, 'data');
  cpSync(TOY_MODEL, path.join(tmp, 'pkg'), { recursive: true });
  mkdirSync(lib);
  await sharp({ create: { width: 64, height: 64, channels: 3, background: { r: 0, g: 0, b: 200 } } }).jpeg().toFile(path.join(lib, 'a.jpg'));
  const r = await runCli(['index', lib, '--data', data]);
  expect(r.code, r.stderr).toBe(0);
}, 120_000);

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('mistakes get a plain message and exit 1', () => {
  it.each([
    [['serch', 'cat'], /Unknown command "serch"\. Did you mean "search"\?/],
    [['search', 'cat', '--limt', '5'], /Unknown option --limt\. Did you mean "--limit"\?/],
    [['search', 'cat', '--limit', 'abc'], /--limit must be a whole number from 1 to 1000 \(got "abc"\)/],
    [['search', 'cat', '--limit', '0'], /--limit must be a whole number from 1 to 1000 \(got "0"\)/],
    [['search', 'cat', '--min-score', 'high'], /--min-score must be a number/],
    [['search', '--from', '2024-06', '--to', '2024-01'], /--from 2024-06 is after --to 2024-01/],
    [['search', '--from', '2024-02-31'], /not a valid date/],
    [['serve', '--port', '70000'], /--port must be a whole number from 0 to 65535/],
  ])('%j', async (args, message) => {
    const r = await runCli([...args, '--data', data]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it.each([['search', 'cat'], ['tags'], ['duplicates']])('%s with a --data folder holding no library says so and creates nothing', async (...args) => {
    const missing = path.join(tmp, 'typo-data');
    const r = await runCli([...args, '--data', missing]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/There is no Kanjian library in .*typo-data/);
    expect(existsSync(missing)).toBe(false);
  });
});

function startServe(args: string[]): Promise<{ stop: () => Promise<void>; url: string; stderr: string; code: number | null }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'main/cli/index.ts'), 'serve', '--data', data, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, KANJIAN_OCR: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) => {
    const stop = async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((r) => child.once('close', r));
      }
    };
    child.stdout.on('data', () => {
      const m = /running at (http:\/\/\S+)/.exec(stdout);
      if (m) resolve({ stop, url: m[1], stderr, code: null });
    });
    child.once('close', (code) => resolve({ stop, url: '', stderr, code }));
  });
}

async function occupy(port: number): Promise<Server | null> {
  const s = createServer();
  return new Promise((resolve) => {
    s.once('error', () => resolve(null));
    s.listen(port, '127.0.0.1', () => resolve(s));
  });
}

describe('serve ports', () => {
  it('a busy --port is a plain message, exit 1', async () => {
    const blocker = (await occupy(0))!;
    const port = (blocker.address() as { port: number }).port;
    try {
      const r = await startServe(['--port', String(port)]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`Port ${port} is already in use`));
      expect(r.stderr).not.toMatch(/EADDRINUSE|\n\s+at /);
    } finally {
      blocker.close();
    }
  }, 60_000);

  it('defaults to port 47800, or says which one it took instead', async () => {
    const blocker = await occupy(47800); // null: something else holds it already; serve must move on either way
    try {
      const r = await startServe([]);
      try {
        const port = Number(new URL(r.url).port);
        expect(port).toBeGreaterThan(47800);
        expect(port).toBeLessThan(47810);
        expect(r.stderr).toMatch(new RegExp(`Port 47800 is in use; using ${port} instead`));
      } finally {
        await r.stop();
      }
    } finally {
      blocker?.close();
    }
  }, 100_000);
});

describe('models install', () => {
  it('installs a package folder and makes it current', async () => {
    const r = await runCli(['models', 'install', path.join(tmp, 'pkg'), '--data', data, '--json'], { env: { KANJIAN_ALLOW_FIXTURES: '1' } });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ installed: { id: 'toy-colors', verifiedBy: 'files-present' }, selected: true });
    expect(existsSync(path.join(data, 'models', 'toy-colors', 'manifest.json'))).toBe(true);
  });

  it('refuses a test fixture unless allowed', async () => {
    const r = await runCli(['models', 'install', TOY_MODEL, '--data', path.join(tmp, 'other-data')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/test fixture/);
  });
});

describe('watch', () => {
  it('prints a line when a photo arrives', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'main/cli/index.ts'), 'watch', lib, '--data', data], {
      cwd: REPO_ROOT,
      env: { ...process.env, KANJIAN_OCR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    const waiting = new Set<() => void>();
    child.stderr.on('data', (d) => {
      stderr += d;
      for (const w of waiting) w();
    });
    const seen = (re: RegExp) =>
      new Promise<void>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`no line matching ${re}`)), 40_000);
        const check = () => {
          if (re.test(stderr)) {
            waiting.delete(check);
            clearTimeout(t);
            resolve();
          }
        };
        waiting.add(check);
        check();
      });
    try {
      // The settled state after the startup rescan, then a real change.
      await seen(/^library: 1 photo$/m);
      await sharp({ create: { width: 64, height: 64, channels: 3, background: { r: 0, g: 200, b: 0 } } }).jpeg().toFile(path.join(lib, 'new.jpg'));
      await seen(/1 photo indexed \(library: 2 photos\)/);
    } catch (e) {
      throw new Error(`${(e as Error).message}; watch printed:\n${stderr}`);
    } finally {
      child.kill('SIGINT');
      await new Promise((r) => child.once('close', r));
    }
    expect(stderr.match(/1 photo indexed/g)).toHaveLength(1);
  }, 100_000);
});
