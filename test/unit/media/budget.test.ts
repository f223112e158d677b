import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { ByteBudget, decodedBytes } from '../../../main/core/media/budget.js';

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'kanjian-budget-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('decodedBytes (from the header only)', () => {
  it('counts width × height × channels × (bytes per channel + the 8-bit copy)', async () => {
    const file = path.join(tmp, 'deep.png');
    await sharp({ create: { width: 300, height: 200, channels: 4, background: '#336699' } }).toColourspace('rgb16').png().toFile(file);
    expect(await decodedBytes(file)).toBe(300 * 200 * 4 * (2 + 1));
    const jpeg = path.join(tmp, 'flat.jpg');
    await sharp({ create: { width: 120, height: 80, channels: 3, background: '#336699' } }).jpeg().toFile(jpeg);
    expect(await decodedBytes(jpeg)).toBe(120 * 80 * 3 * 2);
  });

  it('does not know for junk or a missing file (the caller counts the whole budget)', async () => {
    writeFileSync(path.join(tmp, 'junk.jpg'), 'not an image at all');
    expect(await decodedBytes(path.join(tmp, 'junk.jpg'))).toBeNull();
    expect(await decodedBytes(path.join(tmp, 'nope.jpg'))).toBeNull();
  });
});

describe('ByteBudget', () => {
  it('lets small images share it, makes a large one wait until it runs alone, first come first served', async () => {
    const budget = new ByteBudget(100);
    const order: string[] = [];
    const a = await budget.acquire(40);
    const b = await budget.acquire(40);
    expect(budget.inUse).toBe(80);
    const big = budget.acquire(500).then((r) => (order.push('big'), r)); // more than the budget: alone
    const small = budget.acquire(10).then((r) => (order.push('small'), r)); // queued behind big
    await new Promise((r) => setTimeout(r, 10));
    expect(order).toEqual([]);
    a();
    b();
    const releaseBig = await big;
    expect(budget.inUse).toBe(100);
    expect(order).toEqual(['big']);
    releaseBig();
    (await small)();
    expect(order).toEqual(['big', 'small']);
    expect(budget.inUse).toBe(0);
  });
});

describe('readPhoto on a huge junk file', () => {
  it('refuses 500 MB that do not start like a photo as not an image, without reading it whole', async () => {
    const { openSync, ftruncateSync, writeSync, closeSync } = await import('node:fs');
    const { readPhoto } = await import('../../../main/core/media/decode.js');
    const file = path.join(tmp, 'junk-500mb.jpg');
    const fd = openSync(file, 'w');
    writeSync(fd, Buffer.from('this is not a photo'));
    ftruncateSync(fd, 500 * 1024 * 1024); // sparse: the disk holds a few KB
    closeSync(fd);
    const before = process.memoryUsage().arrayBuffers;
    const err = await readPhoto(file).catch((e) => e);
    expect(err).toMatchObject({ code: 'not-image' });
    expect(err.message).toMatch(/not read/);
    // Reading it whole would have allocated a 500 MB buffer.
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(50 * 1024 * 1024);
  });
});
