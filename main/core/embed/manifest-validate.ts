// Field-by-field check of a parsed manifest.json. Collects every problem rather than stopping at
// the first, so a user fixing a hand-made package sees the whole list in one go.

import type { ModelManifest, ImageTowerSpec, TextTowerSpec } from './manifest-types.js';

type Obj = Record<string, unknown>;

const RESIZE_MODES = ['squash', 'shortest-crop'] as const;
const INTERPOLATIONS = ['nearest', 'bilinear', 'bicubic', 'lanczos'] as const;
const ID_TYPES = ['int32', 'int64'] as const;
// The id becomes part of table names in the vector store, so keep it to a safe alphabet.
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

class Checker {
  readonly problems: string[] = [];

  private fail(field: string, want: string, got: unknown): undefined {
    this.problems.push(`${field}: must be ${want} (got ${describe(got)})`);
    return undefined;
  }

  object(o: Obj, field: string, key: string): Obj | undefined {
    const v = o[key];
    if (v === undefined) return this.missing(join(field, key));
    if (!isObj(v)) return this.fail(join(field, key), 'an object', v);
    return v;
  }

  string(o: Obj, field: string, key: string, opts: { optional?: boolean; allowEmpty?: boolean } = {}): string | undefined {
    const v = o[key];
    const f = join(field, key);
    if (v === undefined) return opts.optional ? undefined : this.missing(f);
    if (typeof v !== 'string') return this.fail(f, 'a string', v);
    if (!opts.allowEmpty && v.trim() === '') return this.fail(f, 'a non-empty string', v);
    return v;
  }

  number(o: Obj, field: string, key: string, rule: 'any' | 'positive-int' | 'nonneg-int' | 'positive'): number | undefined {
    const v = o[key];
    const f = join(field, key);
    if (v === undefined) return this.missing(f);
    if (typeof v !== 'number' || !Number.isFinite(v)) return this.fail(f, 'a finite number', v);
    if (rule === 'positive-int' && !(Number.isInteger(v) && v > 0)) return this.fail(f, 'a positive integer', v);
    if (rule === 'nonneg-int' && !(Number.isInteger(v) && v >= 0)) return this.fail(f, 'an integer >= 0', v);
    if (rule === 'positive' && !(v > 0)) return this.fail(f, 'a number > 0', v);
    return v;
  }

  boolean(o: Obj, field: string, key: string, optional = false): boolean | undefined {
    const v = o[key];
    const f = join(field, key);
    if (v === undefined) return optional ? undefined : this.missing(f);
    if (typeof v !== 'boolean') return this.fail(f, 'true or false', v);
    return v;
  }

  oneOf<T extends string>(o: Obj, field: string, key: string, allowed: readonly T[]): T | undefined {
    const v = o[key];
    const f = join(field, key);
    if (v === undefined) return this.missing(f);
    if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
      return this.fail(f, `one of ${allowed.map((a) => `"${a}"`).join(', ')}`, v);
    }
    return v as T;
  }

  triple(o: Obj, field: string, key: string, positive: boolean): [number, number, number] | undefined {
    const v = o[key];
    const f = join(field, key);
    if (v === undefined) return this.missing(f);
    const ok = Array.isArray(v) && v.length === 3 && v.every((x) => typeof x === 'number' && Number.isFinite(x) && (!positive || x > 0));
    if (!ok) return this.fail(f, positive ? 'an array of 3 numbers > 0 (R, G, B)' : 'an array of 3 numbers (R, G, B)', v);
    return [v[0], v[1], v[2]];
  }

  stringArray(o: Obj, field: string, key: string): string[] | undefined {
    const v = o[key];
    const f = join(field, key);
    if (v === undefined) return this.missing(f);
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) return this.fail(f, 'an array of strings', v);
    return v as string[];
  }

  /** Input descriptor `{ name, type }`. */
  tensorInput<T extends string>(o: Obj, field: string, key: string, types: readonly T[], optional = false): { name: string; type: T } | undefined {
    if (optional && o[key] === undefined) return undefined;
    const io = this.object(o, field, key);
    if (!io) return undefined;
    const f = join(field, key);
    const name = this.string(io, f, 'name');
    const type = this.oneOf(io, f, 'type', types);
    return name !== undefined && type !== undefined ? { name, type } : undefined;
  }

  missing(field: string): undefined {
    this.problems.push(`${field}: missing`);
    return undefined;
  }

  custom(field: string, message: string): void {
    this.problems.push(`${field}: ${message}`);
  }
}

export function validateManifest(raw: unknown): { manifest?: ModelManifest; problems: string[] } {
  const c = new Checker();
  if (!isObj(raw)) {
    c.custom('manifest.json', `must hold a JSON object (got ${describe(raw)})`);
    return { problems: c.problems };
  }

  const id = c.string(raw, '', 'id');
  if (id !== undefined && !ID_PATTERN.test(id)) {
    c.custom('id', `must be 1-128 characters of letters, digits, ".", "_" or "-", starting with a letter or digit (got ${describe(id)})`);
  }
  const name = c.string(raw, '', 'name');
  const fixture = c.boolean(raw, '', 'fixture', true);
  const languages = c.stringArray(raw, '', 'languages');
  const embeddingDim = c.number(raw, '', 'embeddingDim', 'positive-int');
  const image = checkImage(c, raw);
  const text = checkText(c, raw);

  let minScore: number | undefined;
  const search = c.object(raw, '', 'search');
  if (search) {
    minScore = c.number(search, 'search', 'minScore', 'any');
    if (minScore !== undefined && (minScore < -1 || minScore > 1)) c.custom('search.minScore', `must be a cosine score between -1 and 1 (got ${minScore})`);
  }

  let source: ModelManifest['source'];
  if (raw.source !== undefined) {
    const s = c.object(raw, '', 'source');
    if (s) {
      source = {};
      for (const k of ['registryId', 'repo', 'revision'] as const) {
        const v = c.string(s, 'source', k, { optional: true });
        if (v !== undefined) source[k] = v;
      }
    }
  }

  if (c.problems.length) return { problems: c.problems };
  const manifest: ModelManifest = {
    id: id!,
    name: name!,
    languages: languages!,
    embeddingDim: embeddingDim!,
    image: image!,
    text: text!,
    search: { minScore: minScore! },
  };
  if (fixture !== undefined) manifest.fixture = fixture;
  if (source) manifest.source = source;
  return { manifest, problems: [] };
}

function checkImage(c: Checker, raw: Obj): ImageTowerSpec | undefined {
  const o = c.object(raw, '', 'image');
  if (!o) return undefined;
  const f = 'image';
  const file = c.string(o, f, 'file');
  const int8File = c.string(o, f, 'int8File', { optional: true });
  const input = c.tensorInput(o, f, 'input', ['float32'] as const);
  const output = c.string(o, f, 'output');
  const size = c.number(o, f, 'size', 'positive-int');
  const resize = c.oneOf(o, f, 'resize', RESIZE_MODES);
  const interpolation = c.oneOf(o, f, 'interpolation', INTERPOLATIONS);
  const mean = c.triple(o, f, 'mean', false);
  const std = c.triple(o, f, 'std', true);
  const normalize = c.boolean(o, f, 'normalize');
  let batch: number | null | undefined;
  if (o.batch === null) batch = null;
  else if (o.batch === undefined) c.missing('image.batch');
  else batch = c.number(o, f, 'batch', 'positive-int');
  if ([file, input, output, size, resize, interpolation, mean, std, normalize, batch].includes(undefined)) return undefined;
  const spec: ImageTowerSpec = {
    file: file!, input: input!, output: output!, size: size!, resize: resize!, interpolation: interpolation!,
    mean: mean!, std: std!, normalize: normalize!, batch: batch!,
  };
  if (int8File !== undefined) spec.int8File = int8File;
  return spec;
}

function checkText(c: Checker, raw: Obj): TextTowerSpec | undefined {
  const o = c.object(raw, '', 'text');
  if (!o) return undefined;
  const f = 'text';
  const file = c.string(o, f, 'file');
  const int8File = c.string(o, f, 'int8File', { optional: true });
  const tokenizer = c.string(o, f, 'tokenizer');
  const contextLength = c.number(o, f, 'contextLength', 'positive-int');
  const padId = c.number(o, f, 'padId', 'nonneg-int');
  const ids = c.tensorInput(o, f, 'ids', ID_TYPES);
  const mask = c.tensorInput(o, f, 'mask', ID_TYPES, true);
  const output = c.string(o, f, 'output');
  const normalize = c.boolean(o, f, 'normalize');
  const prefix = c.string(o, f, 'prefix', { optional: true, allowEmpty: true });
  const lowercase = c.boolean(o, f, 'lowercase', true);
  if (ids && mask && ids.name === mask.name) c.custom('text.mask.name', `must differ from text.ids.name ("${ids.name}")`);
  if ([file, tokenizer, contextLength, padId, ids, output, normalize].includes(undefined)) return undefined;
  const spec: TextTowerSpec = {
    file: file!, tokenizer: tokenizer!, contextLength: contextLength!, padId: padId!, ids: ids!, output: output!, normalize: normalize!,
  };
  if (int8File !== undefined) spec.int8File = int8File;
  if (mask) spec.mask = mask;
  if (prefix !== undefined) spec.prefix = prefix;
  if (lowercase !== undefined) spec.lowercase = lowercase;
  return spec;
}

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function join(field: string, key: string): string {
  return field ? `${field}.${key}` : key;
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (typeof v === 'object' && !Array.isArray(v)) return 'an object';
  const s = JSON.stringify(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
