// textTowerDigest: what makes two text towers "the same" for the per-machine tag vector cache.
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { textTowerDigest } from '../../../main/core/embed/identity.js';
import { loadModelPackage } from '../../../main/core/embed/manifest.js';
import { checksumsFor } from '../../../main/core/models/checksums.js';
import { TOY_DIR, toyCopy } from './helpers.js';

const FILES = ['manifest.json', 'visual/model.onnx', 'textual/model.onnx', 'textual/model.int8.onnx', 'textual/tokenizer.json'];

async function digests(dir: string) {
  const pkg = await loadModelPackage(dir);
  return { fp32: await textTowerDigest(pkg, pkg.paths.text), int8: await textTowerDigest(pkg, pkg.paths.textInt8!) };
}

describe('textTowerDigest', () => {
  it('is the same for the same files anywhere, with or without SHA256SUMS lines that agree; differs by precision, tokenizer and text settings', async () => {
    const withInt8 = (m: any) => (m.text.int8File = 'textual/model.int8.onnx');
    const a = await toyCopy(withInt8);
    const b = await toyCopy(withInt8);
    try {
      for (const c of [a, b]) await copyFile(path.join(c.dir, 'textual/model.onnx'), path.join(c.dir, 'textual/model.int8.onnx'));
      const da = await digests(a.dir);
      expect(da.fp32).toMatch(/^[0-9a-f]{64}$/);
      expect(da.int8).not.toBe(da.fp32); // same bytes, another file: int8 vectors are not fp32's
      expect(await digests(b.dir)).toEqual(da);

      // An installed package's SHA256SUMS (the install record) is read instead of hashing the
      // tower; another recorded hash for the text graph is another digest.
      await writeFile(path.join(b.dir, 'SHA256SUMS'), await checksumsFor(b.dir, FILES));
      const sums = await digests(b.dir);
      expect(await digests(b.dir)).toEqual(sums);
      expect(sums.int8).not.toBe(sums.fp32);
      const other = (await readFile(path.join(b.dir, 'SHA256SUMS'), 'utf8')).replace(/^[0-9a-f]{64}(?=  textual\/model\.onnx$)/m, 'f'.repeat(64));
      await writeFile(path.join(b.dir, 'SHA256SUMS'), other);
      expect((await digests(b.dir)).fp32).not.toBe(sums.fp32);

      await writeFile(path.join(a.dir, 'textual/tokenizer.json'), (await readFile(path.join(TOY_DIR, 'textual/tokenizer.json'), 'utf8')) + ' ');
      expect((await digests(a.dir)).fp32).not.toBe(da.fp32);

      const c = await toyCopy((m) => (m.text.contextLength = 12));
      try {
        const pkg = await loadModelPackage(c.dir);
        const base = await loadModelPackage(TOY_DIR);
        expect(await textTowerDigest(pkg, pkg.paths.text)).not.toBe(await textTowerDigest(base, base.paths.text));
      } finally {
        await c.cleanup();
      }
    } finally {
      await a.cleanup();
      await b.cleanup();
    }
  });
});
