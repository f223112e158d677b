// Model identity: vectors are keyed by the model's id *and* a digest of its image tower, so
// changed weights (another revision, a re-export) never mix their vectors with the old ones in
// one table; a library from before identities keeps its vectors. Real SQLite, real ONNX Runtime
// sessions on the toy fixture model, real decoding.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Kanjian } from '../../../main/core/kanjian.js';
import { modelIdentity } from '../../../main/core/embed/identity.js';
import { loadModelPackage } from '../../../main/core/embed/manifest.js';
import { TOY_MODEL } from '../../helpers/cli.js';
import { writeColourPhoto } from '../../helpers/photos.js';

let tmp: string;
let lib: string;
let pkg: string;
let dataDir: string;

const sha = (f: string) => createHash('sha256').update(readFileSync(f)).digest('hex');

function models(): { id: number; key: string; n: number }[] {
  const db = new Database(path.join(dataDir, 'library.db'), { readonly: true });
  try {
    return db
      .prepare('SELECT m.id, m.key, (SELECT COUNT(*) FROM embeddings e WHERE e.model_id = m.id) AS n FROM models m ORDER BY m.id')
      .all() as { id: number; key: string; n: number }[];
  } finally {
    db.close();
  }
}

async function indexOnce(): Promise<{ indexed: number }> {
  const k = await Kanjian.open({ dataDir, model: pkg, ocr: false });
  try {
    return await k.indexFolder(lib);
  } finally {
    await k.close();
  }
}

beforeEach(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'kanjian-identity-'));
  lib = path.join(tmp, 'photos');
  pkg = path.join(tmp, 'toy-colors');
  dataDir = path.join(tmp, 'data');
  cpSync(TOY_MODEL, pkg, { recursive: true });
  for (const [i, c] of (['red', 'green', 'blue', 'yellow'] as const).entries()) {
    await writeColourPhoto(path.join(lib, `${c}.jpg`), c, { seed: i + 1 });
  }
});
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

describe('model identity', () => {
  it('keys vectors by id and a digest of the image tower file', async () => {
    await indexOnce();
    const digest = sha(path.join(pkg, 'visual/model.onnx')).slice(0, 16);
    expect(models()).toEqual([{ id: 1, key: `toy-colors#${digest}`, n: 4 }]);
  });

  it('a library from before identities keeps its vectors (adopted, not re-embedded)', async () => {
    await indexOnce();
    const db = new Database(path.join(dataDir, 'library.db'));
    db.prepare("UPDATE models SET key = 'toy-colors'").run();
    db.close();
    const again = await indexOnce();
    expect(again.indexed).toBe(0);
    expect(models()).toEqual([{ id: 1, key: expect.stringMatching(/^toy-colors#[0-9a-f]{16}$/), n: 4 }]);
  });

  it('changed weights get their own vectors; the old ones are never mixed in', async () => {
    await indexOnce();
    const [before] = models();
    // The package now says (in its SHA256SUMS) its image tower is other bytes: another revision.
    const files = ['manifest.json', 'textual/model.onnx', 'textual/tokenizer.json'];
    const lines = files.map((f) => `${sha(path.join(pkg, f))}  ${f}`);
    lines.push(`${'ab'.repeat(32)}  visual/model.onnx`);
    writeFileSync(path.join(pkg, 'SHA256SUMS'), lines.join('\n') + '\n');
    await indexOnce();
    const after = models();
    expect(after).toHaveLength(2);
    expect(after[0]).toEqual(before);
    expect(after[1].key).not.toBe(before.key);
    expect(after[1].key.startsWith('toy-colors#')).toBe(true);
    // Every photo embedded again by the "new" tower.
    expect(after[1].n).toBe(4);
  });
});

describe('model identity of the two towers of one package', () => {
  it('with SHA256SUMS, the int8 image tower gets its own key and the fp32 tower keeps the one it had', async () => {
    // A package as a download leaves it: both graphs in visual/, every file in SHA256SUMS.
    const manifest = JSON.parse(readFileSync(path.join(pkg, 'manifest.json'), 'utf8'));
    manifest.image.int8File = 'visual/model.int8.onnx';
    writeFileSync(path.join(pkg, 'manifest.json'), JSON.stringify(manifest));
    cpSync(path.join(pkg, 'visual/model.onnx'), path.join(pkg, 'visual/model.int8.onnx'));
    const files = ['manifest.json', 'textual/model.onnx', 'textual/tokenizer.json', 'visual/model.onnx', 'visual/model.int8.onnx'];
    writeFileSync(path.join(pkg, 'SHA256SUMS'), files.map((f) => `${sha(path.join(pkg, f))}  ${f}`).join('\n') + '\n');
    const p = await loadModelPackage(pkg);
    const fp32 = await modelIdentity(p, p.paths.image);
    const int8 = await modelIdentity(p, p.paths.imageInt8!);
    expect(int8).not.toBe(fp32);
    // The fp32 key is the digest of the folder's sums, as libraries indexed before were keyed.
    const folder = ['visual/model.int8.onnx', 'visual/model.onnx'].map((f) => `${sha(path.join(pkg, f))}  ${f}`).sort().join('\n');
    expect(fp32).toBe(`toy-colors#${createHash('sha256').update(folder).digest('hex').slice(0, 16)}`);
  });
});
