// The near-copy hashes, bit for bit, against the golden file written by the code that hashed
// users' libraries: a change here means every stored hash is stale (bump NEAR_HASH_VERSION),
// not that a test needs updating. Inputs: the vendored photos (through hashInputOf) and their
// quarter turns, plus generated pictures (test/helpers/hash-inputs.ts). Windows and detail are
// stored as SHA-256 digests to keep the file small.
//
// Rewrite the golden file (only with the code that produced the stored hashes):
//   KANJIAN_WRITE_NEAR_HASH_GOLDEN=1 npx vitest run test/unit/media/near-hash-golden.test.ts
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { nearHashes } from '../../../main/core/media/near-hash.js';
import { REPO_ROOT } from '../../helpers/cli.js';
import { generatedHashInputs, photoHashInputs, type HashInput } from '../../helpers/hash-inputs.js';

const GOLDEN = path.join(REPO_ROOT, 'test/fixtures/media/near-hash-golden.json');

interface Golden {
  name: string;
  width: number;
  height: number;
  /** SHA-256 of the input pixels: tells a changed render (sharp, libvips) from a changed hash. */
  input: string;
  full: string;
  /** SHA-256 of the window hashes joined in WINDOWS order. */
  windows: string;
  luma: number;
  /** SHA-256 of the detail bytes. */
  detail: string;
}

const sha = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');

function golden(g: HashInput): Golden {
  const h = nearHashes(g.grey, g.width, g.height);
  return { name: g.name, width: g.width, height: g.height, input: sha(g.grey), full: h.full, windows: sha(h.windows.join('')), luma: h.luma, detail: sha(h.detail!) };
}

describe('near-copy hashes, golden', () => {
  it('are bit-identical to the stored hashes', async () => {
    const inputs = [...(await photoHashInputs()), ...generatedHashInputs()];
    const now = inputs.map(golden);
    if (process.env.KANJIAN_WRITE_NEAR_HASH_GOLDEN) {
      writeFileSync(GOLDEN, JSON.stringify(now, null, 0).replace(/\},\{/g, '},\n{') + '\n');
      return;
    }
    const stored = JSON.parse(readFileSync(GOLDEN, 'utf8')) as Golden[];
    expect(now.map((g) => g.name)).toEqual(stored.map((g) => g.name));
    // Every input that differs, not just the first: photos against flat pictures tells a
    // real change from a rounding-order one (only pictures with near-zero coefficients flip).
    const inputChanged = stored.filter((want, i) => now[i].input !== want.input).map((g) => g.name);
    expect(inputChanged, 'input pixels changed (decoder/resize, not near-hash.ts)').toEqual([]);
    const differ = stored.flatMap((want, i) => {
      const got = now[i];
      const fields = (Object.keys(want) as (keyof Golden)[]).filter((k) => got[k] !== want[k]);
      return fields.length ? [`${want.name}: ${fields.join(', ')}`] : [];
    });
    expect(differ).toEqual([]);
  });
});
