import { beforeAll, describe, expect, it } from 'vitest';
import { loadModelPackage, type ModelPackage } from '../../../main/core/embed/manifest.js';
import { loadQueryTokenizer, type QueryTokenizer } from '../../../main/core/embed/tokenize.js';
import type { TextTowerSpec } from '../../../main/core/embed/manifest-types.js';
import { TOY_DIR } from './helpers.js';

let pkg: ModelPackage;
let tok: QueryTokenizer;
let id: (t: string) => number;

beforeAll(async () => {
  pkg = await loadModelPackage(TOY_DIR);
  tok = await loadQueryTokenizer(pkg.paths.tokenizer, pkg.manifest.text);
  id = (t) => {
    const v = tok.idOf(t);
    if (v === undefined) throw new Error(`no token ${t}`);
    return v;
  };
});

function withSpec(over: Partial<TextTowerSpec>): Promise<QueryTokenizer> {
  return loadQueryTokenizer(pkg.paths.tokenizer, { ...pkg.manifest.text, ...over });
}

describe('QueryTokenizer', () => {
  it('splits Chinese into characters and wraps with [CLS]/[SEP]', () => {
    expect(tok.tokens('红色的照片')).toEqual(['[CLS]', '红', '色', '的', '照', '片', '[SEP]']);
    expect(tok.tokens('紅色')).toEqual(['[CLS]', '紅', '色', '[SEP]']);
  });

  it('gives "红色" and "RED" the expected ids', () => {
    expect(tok.tokenIds('红色')).toEqual([id('[CLS]'), id('红'), id('色'), id('[SEP]')]);
    expect(tok.tokenIds('RED')).toEqual([id('[CLS]'), id('red'), id('[SEP]')]);
    expect(tok.tokenIds('zebra')).toEqual([id('[CLS]'), id('[UNK]'), id('[SEP]')]);
  });

  it('pads to the context length with padId and masks the padding', () => {
    const e = tok.encode('a red photo');
    expect(e.ids).toBeInstanceOf(Int32Array);
    expect(e.ids.length).toBe(16);
    expect(Array.from(e.ids as Int32Array)).toEqual([id('[CLS]'), id('a'), id('red'), id('photo'), id('[SEP]'), ...Array(11).fill(0)]);
    expect(e.mask).toBeInstanceOf(BigInt64Array);
    expect(Array.from(e.mask, Number)).toEqual([1, 1, 1, 1, 1, ...Array(11).fill(0)]);
    expect(e.length).toBe(5);
    expect(e.truncated).toBe(false);
  });

  it('truncates the content but keeps [SEP] at the end', () => {
    const long = Array(30).fill('red').join(' ');
    const e = tok.encode(long);
    expect(e.truncated).toBe(true);
    expect(e.length).toBe(16);
    const ids = Array.from(e.ids as Int32Array);
    expect(ids[0]).toBe(id('[CLS]'));
    expect(ids[15]).toBe(id('[SEP]'));
    expect(ids.slice(1, 15).every((v) => v === id('red'))).toBe(true);
    expect(Array.from(e.mask, Number).every((v) => v === 1)).toBe(true);
  });

  it('fits exactly at the context length without truncating', () => {
    const e = tok.encode(Array(14).fill('red').join(' '));
    expect(e.length).toBe(16);
    expect(e.truncated).toBe(false);
  });

  it('uses the integer types and pad id the manifest asks for', async () => {
    const t = await withSpec({ ids: { name: 'ids', type: 'int64' }, mask: { name: 'm', type: 'int32' }, padId: 1, contextLength: 6 });
    const e = t.encode('blue');
    expect(e.ids).toBeInstanceOf(BigInt64Array);
    expect(Array.from(e.ids, Number)).toEqual([id('[CLS]'), id('blue'), id('[SEP]'), 1, 1, 1]);
    expect(e.mask).toBeInstanceOf(Int32Array);
    expect(Array.from(e.mask as Int32Array)).toEqual([1, 1, 1, 0, 0, 0]);
  });

  it('without a mask input the mask follows the ids type', async () => {
    const t = await withSpec({ ids: { name: 'ids', type: 'int64' }, mask: undefined });
    expect(t.encode('x').mask).toBeInstanceOf(BigInt64Array);
  });

  it('prepends the manifest prefix', async () => {
    const t = await withSpec({ prefix: 'the ' });
    expect(t.tokens('sunset')).toEqual(['[CLS]', 'the', 'sunset', '[SEP]']);
  });

  it('reports an unreadable tokenizer clearly', async () => {
    await expect(loadQueryTokenizer(pkg.paths.image, pkg.manifest.text)).rejects.toThrow(/not valid JSON/);
  });
});
