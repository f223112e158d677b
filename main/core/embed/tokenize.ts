// Query tokenization for the text tower. The tokenizer itself is the model's own tokenizer.json
// run by @huggingface/tokenizers; this module only fits its output to the graph's fixed shape.

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import type { TextTowerSpec } from './manifest-types.js';

export type IdArray = Int32Array | BigInt64Array;

export interface EncodedQuery {
  /** Token ids, exactly `contextLength` long, padded with `padId`. */
  ids: IdArray;
  /** 1 for real tokens (special tokens included), 0 for padding; same length and type family as the manifest's mask. */
  mask: IdArray;
  /** Tokens before padding (after truncation). */
  length: number;
  /** True when the query was longer than the context and was cut. */
  truncated: boolean;
}

export class QueryTokenizer {
  private readonly tokenizer: Tokenizer;
  private readonly spec: TextTowerSpec;

  constructor(tokenizer: Tokenizer, spec: TextTowerSpec) {
    this.tokenizer = tokenizer;
    this.spec = spec;
  }

  /** Raw ids from the tokenizer, special tokens included, before fitting to the context. */
  tokenIds(text: string): number[] {
    return this.tokenizer.encode(this.withPrefix(text)).ids;
  }

  tokens(text: string): string[] {
    return this.tokenizer.encode(this.withPrefix(text)).tokens;
  }

  idOf(token: string): number | undefined {
    return this.tokenizer.token_to_id(token);
  }

  encode(text: string): EncodedQuery {
    const { contextLength, padId } = this.spec;
    const fitted = this.fit(this.withPrefix(text), contextLength);
    const ids = new Array<number>(contextLength).fill(padId);
    const mask = new Array<number>(contextLength).fill(0);
    for (let i = 0; i < fitted.ids.length; i++) {
      ids[i] = fitted.ids[i];
      mask[i] = 1;
    }
    return {
      ids: toTyped(ids, this.spec.ids.type),
      mask: toTyped(mask, this.spec.mask?.type ?? this.spec.ids.type),
      length: fitted.ids.length,
      truncated: fitted.truncated,
    };
  }

  private withPrefix(text: string): string {
    return (this.spec.prefix ?? '') + (this.spec.lowercase ? text.toLowerCase() : text);
  }

  /**
   * Cuts the content, never the special tokens the post-processor wraps it in: text towers
   * that pool at the end-of-sequence token (OpenAI CLIP, XLM-R exports) need it present.
   */
  private fit(text: string, limit: number): { ids: number[]; truncated: boolean } {
    const full = this.tokenizer.encode(text).ids;
    if (full.length <= limit) return { ids: full, truncated: false };

    const bare = this.tokenizer.encode(text, { add_special_tokens: false }).ids;
    const head = indexOfRun(full, bare);
    if (head >= 0) {
      const before = full.slice(0, head);
      const after = full.slice(head + bare.length);
      const room = Math.max(0, limit - before.length - after.length);
      return { ids: [...before, ...bare.slice(0, room), ...after].slice(-limit), truncated: true };
    }
    // The post-processor changed the content itself; keep the last token, which is the
    // end-of-sequence marker for every template we know.
    return { ids: [...full.slice(0, limit - 1), full[full.length - 1]], truncated: true };
  }
}

export async function loadQueryTokenizer(tokenizerPath: string, spec: TextTowerSpec): Promise<QueryTokenizer> {
  const json = await readJson(tokenizerPath, 'tokenizer');
  // Hugging Face repos keep extra special-token settings next to tokenizer.json; optional.
  const configPath = path.join(path.dirname(tokenizerPath), 'tokenizer_config.json');
  const config = (await readJson(configPath, 'tokenizer config', true)) ?? {};
  let tokenizer: Tokenizer;
  try {
    tokenizer = new Tokenizer(json, config);
  } catch (err) {
    throw new Error(`${tokenizerPath} is not a tokenizer @huggingface/tokenizers can load: ${(err as Error).message}`);
  }
  return new QueryTokenizer(tokenizer, spec);
}

async function readJson(file: string, what: string, optional = false): Promise<object | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if (optional && (err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`cannot read ${what} ${file}: ${(err as Error).message}`);
  }
  try {
    const v: unknown = JSON.parse(text);
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('not a JSON object');
    return v;
  } catch (err) {
    throw new Error(`${what} ${file} is not valid JSON: ${(err as Error).message}`);
  }
}

function indexOfRun(haystack: number[], needle: number[]): number {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

function toTyped(values: number[], type: 'int32' | 'int64'): IdArray {
  return type === 'int64' ? BigInt64Array.from(values, (v) => BigInt(v)) : Int32Array.from(values);
}
