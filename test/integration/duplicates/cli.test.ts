// The `duplicates` CLI contract, run as a user's script would run it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EXIF_SAMPLES, runCli } from '../../helpers/cli.js';
import { writeVariant } from './variants.js';

let tmp: string;
let lib: string;
let data: string;
const files: Record<string, string> = {};

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'kanjian-dupes-cli-'));
  lib = path.join(tmp, '相册');
  data = path.join(tmp, 'data');
  mkdirSync(lib, { recursive: true });
  const src = path.join(EXIF_SAMPLES, 'jpg/exif-org/sony-d700.jpg');
  files.original = path.join(lib, 'sony.jpg');
  copyFileSync(src, files.original);
  files.copy = path.join(lib, 'sony (1).jpg');
  copyFileSync(src, files.copy);
  files.small = await writeVariant(src, 'resize50', path.join(lib, 'sony small.jpg'));
  files.other = path.join(lib, 'kodak.jpg');
  copyFileSync(path.join(EXIF_SAMPLES, 'jpg/exif-org/kodak-dc240.jpg'), files.other);
  const r = await runCli(['index', lib, '--data', data]);
  expect(r.code, r.stderr).toBe(0);
});

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

type Out = { groups: { kind: string; photos: { path: string; keep: boolean; reason: string }[] }[]; message?: string };

describe('duplicates CLI', () => {
  it('prints groups as JSON with exactly one keeper each', async () => {
    const r = await runCli(['duplicates', '--data', data, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as Out;
    expect(out.groups.map((g) => g.kind).sort()).toEqual(['exact', 'near']);
    for (const g of out.groups) {
      expect(g.photos.filter((p) => p.keep)).toHaveLength(1);
      for (const p of g.photos) expect(p.reason).toEqual(expect.any(String));
    }
    const near = out.groups.find((g) => g.kind === 'near')!;
    expect(near.photos.find((p) => p.keep)!.reason).toMatch(/highest resolution/);
    expect(near.photos.map((p) => p.path)).toContain(files.small);
    expect(out.groups.flatMap((g) => g.photos.map((p) => p.path))).not.toContain(files.other);
    // No model installed: similar shots cannot be looked for, and the output says so.
    expect(out.message).toMatch(/image model/);
  });

  it('filters by --kind and rejects an unknown kind', async () => {
    const r = await runCli(['duplicates', '--data', data, '--json', '--kind', 'exact']);
    const out = JSON.parse(r.stdout) as Out;
    expect(out.groups).toHaveLength(1);
    expect(out.groups[0].photos.map((p) => p.path).sort()).toEqual([files.copy, files.original].sort());
    const bad = await runCli(['duplicates', '--data', data, '--kind', 'fuzzy']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--kind must be one of: exact, near, similar/);
  });

  it('--trash without --yes only says what would go', async () => {
    const r = await runCli(['duplicates', '--data', data, '--trash']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Would move 2 files \([\d.]+ KB\) to the trash/);
    expect(r.stderr).toMatch(/Nothing was moved\. Add --yes/);
    for (const f of Object.values(files)) expect(existsSync(f)).toBe(true);
  });

  it('never plans to trash the copies of a group whose keeper is gone from disk', async () => {
    const out = JSON.parse((await runCli(['duplicates', '--data', data, '--json', '--kind', 'exact'])).stdout) as Out;
    const [group] = out.groups;
    const keeper = group.photos.find((p) => p.keep)!.path;
    const copy = group.photos.find((p) => !p.keep)!.path;
    const away = path.join(tmp, 'moved-away.jpg');
    renameSync(keeper, away); // the library has not seen this yet
    try {
      const r = await runCli(['duplicates', '--data', data, '--json', '--trash', '--kind', 'exact']);
      expect(r.code, r.stderr).toBe(0);
      const planned = JSON.parse(r.stdout) as { plan?: { paths: string[] } };
      expect(planned.plan?.paths ?? []).not.toContain(copy);
    } finally {
      renameSync(away, keeper);
    }
  });

  it('prints a readable list by default', async () => {
    const r = await runCli(['duplicates', '--data', data]);
    expect(r.stdout).toMatch(/^exact · 2 photos/m);
    expect(r.stdout).toMatch(/^ {2}keep {2}.*sony\.jpg/m);
  });
});
