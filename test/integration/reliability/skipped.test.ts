// Every file accounted for, through the real CLI: what is deliberately not indexed is listed in
// `skipped`, stdout carries only the JSON (libheif's chatter goes elsewhere), and names shown on a
// terminal cannot drive it.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli, TOY_MODEL, REPO_ROOT } from '../../helpers/cli.js';
import { writeColourPhoto } from '../../helpers/photos.js';

let tmp: string;
let lib: string;
let haveMkfifo = true;
const ESC_NAME = '\u001b]0;pwned\u0007\u001b[2J.jpg';

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'kanjian-skipped-'));
  lib = path.join(tmp, 'photos');
  await writeColourPhoto(path.join(lib, 'red.jpg'), 'red', { seed: 1 });
  await writeColourPhoto(path.join(tmp, 'elsewhere.jpg'), 'blue', { seed: 2 });
  await writeColourPhoto(path.join(lib, ESC_NAME), 'green', { seed: 3 });
  symlinkSync(path.join(tmp, 'elsewhere.jpg'), path.join(lib, 'link.jpg'));
  // Bytes 0xff 0xfe are not UTF-8: Node can list such a name but not open it by a string path.
  writeFileSync(Buffer.concat([Buffer.from(lib + '/bad-'), Buffer.from([0xff, 0xfe]), Buffer.from('.jpg')]), readFileSync(path.join(lib, 'red.jpg')));
  // A HEIF container libheif cannot parse: libheif's wasm build prints about it on console.log.
  const heic = readFileSync(path.join(REPO_ROOT, 'test/fixtures/media/fixture-quadrants-64x48.heic'));
  const broken = Buffer.from(heic.subarray(0, 40));
  writeFileSync(path.join(lib, 'broken.heic'), Buffer.concat([broken, Buffer.alloc(200, 0x41)]));
  try {
    execFileSync('mkfifo', [path.join(lib, 'pipe.jpg')]);
  } catch {
    haveMkfifo = false;
  }
  mkdirSync(path.join(tmp, 'data'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('index --json accounts for every file', () => {
  it('lists the link, the FIFO and the undecodable name in skipped; stdout is exactly one JSON document', async (ctx) => {
    if (!haveMkfifo) {
      console.warn('SKIPPED: mkfifo (coreutils) is not available to make a FIFO');
      ctx.skip();
    }
    const r = await runCli(['index', lib, '--json', '--data', path.join(tmp, 'data'), '--model', TOY_MODEL], { env: { KANJIAN_OCR: '0' } });
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout); // throws if anything else reached stdout
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    const skipped = (summary.skipped as { path: string; reason: string }[]).sort((a, b) => a.reason.localeCompare(b.reason));
    expect(skipped).toEqual([
      { path: path.join(lib, 'pipe.jpg'), reason: 'special-file' },
      { path: path.join(lib, 'link.jpg'), reason: 'symlink' },
      { path: path.join(lib, 'bad-\uFFFD\uFFFD.jpg'), reason: 'undecodable-name' },
    ]);
    expect(summary.indexed).toBe(2); // red.jpg and the escape-named photo
    expect(summary.failed.map((f: { path: string }) => path.basename(f.path))).toEqual(['broken.heic']);
    // The control characters in the name arrive as JSON escapes, so the name itself is exact.
    expect(r.stdout.trimEnd()).not.toMatch(/[\u0000-\u001f]/);
    // libheif did talk, on stderr.
    expect(r.stderr).toContain('Could not parse HEIF');

    // Run again: nothing is "removed" every run for a name that cannot be opened.
    const again = JSON.parse((await runCli(['index', lib, '--json', '--data', path.join(tmp, 'data'), '--model', TOY_MODEL], { env: { KANJIAN_OCR: '0' } })).stdout);
    expect(again.removed).toBe(0);
    expect(again.unchanged).toBe(3); // the failed HEIC too: not retried until it changes
  });

  it('prints names to a terminal with their control characters made visible', async () => {
    const r = await runCli(['search', 'green', '--data', path.join(tmp, 'data'), '--model', TOY_MODEL]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('\\u001b]0;pwned\\u0007\\u001b[2J.jpg');
    expect(r.stdout).not.toContain('\u001b');
    expect(r.stdout).not.toContain('\u0007');
  });
});
