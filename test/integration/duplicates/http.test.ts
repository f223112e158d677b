// Duplicates and tags through the HTTP shell (what the browser app uses): the same plan →
// confirm → trash protocol over POST /api/<method>, with the real core and a test trash.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DuplicatesResponse, TrashOutcome, TrashPlan } from '../../../main/core/api.js';
import { Kanjian } from '../../../main/core/kanjian.js';
import { startServer, type RunningServer } from '../../../main/server/server.js';
import { kanjianMediaSource } from '../../../main/shell-common/media.js';
import { EXIF_SAMPLES, TOY_MODEL } from '../../helpers/cli.js';
import { postApi } from '../../helpers/api-post.js';
import { writeVariant } from './variants.js';

let tmp: string;
let trashDir: string;
let core: Kanjian;
let server: RunningServer;
let small: string;

async function api<T>(method: string, body: unknown): Promise<{ status: number; json: T }> {
  const r = await postApi(server, method, JSON.stringify(body));
  return { status: r.status, json: r.body as T };
}

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'kanjian-dupes-http-'));
  trashDir = path.join(tmp, 'trash');
  mkdirSync(trashDir);
  const lib = path.join(tmp, 'lib');
  mkdirSync(lib);
  const src = path.join(EXIF_SAMPLES, 'jpg/exif-org/olympus-c960.jpg');
  copyFileSync(src, path.join(lib, 'olympus.jpg'));
  small = await writeVariant(src, 'resize50', path.join(lib, 'olympus small.jpg'));
  core = await Kanjian.open({
    dataDir: path.join(tmp, 'data'),
    model: TOY_MODEL,
    ocr: false,
    trashFile: async (f) => renameSync(f, path.join(trashDir, path.basename(f))),
  });
  await core.indexFolder(lib);
  server = await startServer({ api: core, media: kanjianMediaSource(core), rendererDir: null });
});

afterAll(async () => {
  await server?.close();
  await core?.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('duplicates over HTTP', () => {
  it('lists groups, refuses a trash without a plan, and trashes the planned photo', async () => {
    const found = await api<DuplicatesResponse>('findDuplicates', { kind: 'near' });
    expect(found.status).toBe(200);
    const group = found.json.groups[0];
    const copy = group.photos.find((p) => !p.keep)!;
    expect(copy.path).toBe(small);

    expect((await api('trashPhotos', { photoIds: [copy.id] })).status).toBe(400);
    const unplanned = await api<{ code: string }>('trashPhotos', { photoIds: [copy.id], confirmToken: 'ab'.repeat(16) });
    expect(unplanned.status).toBe(400);
    expect(unplanned.json.code).toBe('trash.notConfirmed');
    expect(existsSync(small)).toBe(true);

    // Every member of the group: refused with a code naming them, unless allowed explicitly.
    const all = group.photos.map((p) => p.id);
    const refused = await api<{ code: string; params: Record<string, string | number> }>('planTrash', { photoIds: all });
    expect(refused.status).toBe(400);
    expect(refused.json.code).toBe('duplicates.lastCopy');
    expect(refused.json.params.photos).toBe(all.length);
    expect((await api('planTrash', { photoIds: all, allowLastCopy: 'yes' })).status).toBe(400);
    const allowed = await api<TrashPlan>('planTrash', { photoIds: all, allowLastCopy: true });
    expect(allowed.status).toBe(200);
    expect(allowed.json.lastCopies).toEqual([{ groupKey: group.key, photoIds: [...all].sort((x, y) => x - y) }]);

    const plan = await api<TrashPlan>('planTrash', { photoIds: [copy.id] });
    expect(plan.json).toMatchObject({ count: 1, bytes: copy.size });
    const done = await api<TrashOutcome>('trashPhotos', { photoIds: [copy.id], confirmToken: plan.json.confirmToken });
    expect(done.json.trashed.map((t) => t.path)).toEqual([small]);
    expect(existsSync(small)).toBe(false);
    expect(existsSync(path.join(trashDir, path.basename(small)))).toBe(true);
    expect((await api<DuplicatesResponse>('findDuplicates', {})).json.groups.filter((g) => g.kind === 'near')).toEqual([]);
  });

  it('answers tag calls, and validates their arguments', async () => {
    const tags = await api<{ en: string }[]>('listTags', {});
    expect(tags.status).toBe(200);
    const added = await api<{ custom: boolean; zh: string }>('addCustomTag', { zh: '外婆家' });
    expect(added.json).toMatchObject({ custom: true, zh: '外婆家' });
    expect((await api('addCustomTag', {})).status).toBe(400);
    expect((await api('photoTags', 'one')).status).toBe(400);
    expect((await api('listPhotos', { tag: '外婆家' })).status).toBe(200);
  });
});
