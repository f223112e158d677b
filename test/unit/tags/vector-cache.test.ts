// TagVectorCache on a real folder: what it keeps, and every kind of file it must not trust.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { promptSetKey, TagVectorCache, type TowerKey } from '../../../main/core/tags/vector-cache.js';

const KEY: TowerKey = { modelId: 'toy', digest: 'a'.repeat(64), dim: 4 };
let dir: string;
let logs: string[];
let cache: TagVectorCache;

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'kanjian-vcache-'));
  logs = [];
  cache = new TagVectorCache(path.join(dir, 'tag-vectors'), (m) => logs.push(m));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const vec = (...v: number[]) => Float32Array.from(v);

describe('TagVectorCache', () => {
  it('keeps vectors and nulls per prompt set, merging writes', async () => {
    expect((await cache.load(KEY)).size).toBe(0);
    await cache.save(KEY, new Map([[promptSetKey(['a photo of red.']), vec(1, 0, 0, 0)]]));
    await cache.save(KEY, new Map([[promptSetKey(['???']), null]]));
    const got = await cache.load(KEY);
    expect([...got.get(promptSetKey(['a photo of red.']))!]).toEqual([1, 0, 0, 0]);
    expect(got.get(promptSetKey(['???']))).toBeNull();
    expect(got.size).toBe(2);
    expect(promptSetKey(['a', 'b'])).not.toBe(promptSetKey(['b', 'a']));
    expect(logs).toEqual([]);
  });

  it('never gives vectors of another digest or dimension (nor the same file name read for them)', async () => {
    await cache.save(KEY, new Map([['k', vec(1, 2, 3, 4)]]));
    // Same 16-character file name prefix, other full digest: the file says whose it is.
    expect((await cache.load({ ...KEY, digest: 'a'.repeat(16) + 'b'.repeat(48) })).size).toBe(0);
    expect((await cache.load({ ...KEY, dim: 8 })).size).toBe(0);
    expect((await cache.load({ ...KEY, digest: 'c'.repeat(64) })).size).toBe(0);
    expect((await cache.load(KEY)).size).toBe(1);
  });

  it('ignores truncated, empty, foreign and tampered files', async () => {
    await cache.save(KEY, new Map([['k', vec(1, 2, 3, 4)]]));
    const file = cache.fileOf(KEY);
    const good = await readFile(file, 'utf8');
    const body = JSON.parse(good);
    const signed = (entries: Record<string, string | null>) =>
      JSON.stringify({ ...body, entries, sum: createHash('sha256').update(JSON.stringify(entries)).digest('hex') });
    const bad = [
      good.slice(0, good.length - 10),
      '',
      '[1,2]',
      JSON.stringify({ ...body, version: 99 }),
      JSON.stringify({ ...body, entries: { k: Buffer.from(vec(9, 9, 9, 9).buffer).toString('base64') } }), // checksum
      signed({ k: 'AAAA' }), // a vector of the wrong length
      signed({ k: Buffer.from(vec(1, NaN, 3, 4).buffer).toString('base64') }),
      signed({ k: 5 as unknown as string }),
    ];
    for (const text of bad) {
      await writeFile(file, text);
      expect((await cache.load(KEY)).size).toBe(0);
    }
    expect(logs.length).toBe(bad.length); // each is said in the log, none throws
    // A file that became bad is replaced by the next write.
    await cache.save(KEY, new Map([['k2', vec(0, 0, 0, 1)]]));
    expect([...(await cache.load(KEY)).keys()]).toEqual(['k2']);
  });
});
