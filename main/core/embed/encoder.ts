// The runtime face of a model package: image and text towers behind one object.

import * as ort from 'onnxruntime-node';
import type { Sharp } from 'sharp';
import type { ExecutionProvider } from '../api.js';
import { loadModelPackage, type ModelPackage } from './manifest.js';
import type { ModelManifest } from './manifest-types.js';
import { imageTensor } from './preprocess.js';
import {
  chooseModelFile,
  createSession,
  providerCandidates,
  resolveProviderRequest,
  type Precision,
  type ProviderRequest,
} from './providers.js';
import { loadQueryTokenizer, type QueryTokenizer } from './tokenize.js';
import { l2Normalize } from './vector.js';

export interface OpenModelOptions {
  /** Default: env KANJIAN_EP, else 'auto'. */
  provider?: ProviderRequest;
  /** 'int8' uses the package's quantised files where it has them. Default 'fp32'. */
  precision?: Precision;
  /** intraOpNumThreads per session; default all logical cores. */
  threads?: number;
  /** For tests; default process.platform. */
  platform?: NodeJS.Platform;
}

export interface EmbeddingModel {
  readonly pkg: ModelPackage;
  readonly manifest: ModelManifest;
  readonly provider: ExecutionProvider;
  /** Why we are not on the preferred provider or precision; null when nothing fell back. */
  readonly providerNote: string | null;
  readonly dim: number;
  /** The image tower file the session runs (fp32 or int8): its vectors belong to that file. */
  readonly imageFile: string;
  /**
   * Preprocesses a decoded, EXIF-rotated image for `embedImage` (the image is cloned, not
   * consumed); `size` is its pixel size when the caller knows it.
   */
  imageTensor(img: Sharp, size?: { width: number; height: number }): Promise<Float32Array>;
  /** `tensor` is one preprocessed image, [3, size, size] values as produced by `imageTensor`. */
  embedImage(tensor: Float32Array): Promise<Float32Array>;
  embedText(text: string): Promise<Float32Array>;
  close(): Promise<void>;
}

export async function openModel(dir: string, opts: OpenModelOptions = {}): Promise<EmbeddingModel> {
  const pkg = await loadModelPackage(dir);
  const request = resolveProviderRequest(opts.provider);
  const candidates = providerCandidates(opts.platform ?? process.platform, request);
  const file = chooseModelFile(pkg, 'image', opts.precision);
  const opened = await createSession(file.path, candidates, { intraOpNumThreads: opts.threads });
  return new OnnxEmbeddingModel(pkg, opened.session, file.path, opened.provider, joinNotes(opened.note, file.note), candidates, opts);
}

interface TextTower {
  session: ort.InferenceSession;
  tokenizer: QueryTokenizer;
}

class OnnxEmbeddingModel implements EmbeddingModel {
  readonly manifest: ModelManifest;
  readonly provider: ExecutionProvider;
  readonly dim: number;
  private notes: string | null;
  private text: Promise<TextTower> | null = null;
  private closed = false;
  private readonly inputSize: number;

  constructor(
    readonly pkg: ModelPackage,
    private readonly imageSession: ort.InferenceSession,
    readonly imageFile: string,
    provider: ExecutionProvider,
    note: string | null,
    private readonly candidates: readonly ExecutionProvider[],
    private readonly opts: OpenModelOptions,
  ) {
    this.manifest = pkg.manifest;
    this.provider = provider;
    this.notes = note;
    this.dim = pkg.manifest.embeddingDim;
    this.inputSize = 3 * pkg.manifest.image.size ** 2;
  }

  get providerNote(): string | null {
    return this.notes;
  }

  imageTensor(img: Sharp, size?: { width: number; height: number }): Promise<Float32Array> {
    return imageTensor(img, this.manifest.image, size);
  }

  async embedImage(tensor: Float32Array): Promise<Float32Array> {
    this.assertOpen();
    const spec = this.manifest.image;
    if (tensor.length !== this.inputSize) {
      throw new Error(`image tensor has ${tensor.length} values; ${this.manifest.id} expects 3x${spec.size}x${spec.size} = ${this.inputSize}`);
    }
    // A graph with a fixed batch larger than 1 still gets one image: the rest of the batch is zeros.
    const batch = spec.batch ?? 1;
    let data = tensor;
    if (batch > 1) {
      data = new Float32Array(batch * this.inputSize);
      data.set(tensor);
    }
    const input = new ort.Tensor('float32', data, [batch, 3, spec.size, spec.size]);
    const name = outputName(this.imageSession, spec.output);
    const out = await this.imageSession.run({ [spec.input.name]: input }, [name]);
    return this.firstRow(out[name], 'image', spec.normalize);
  }

  async embedText(query: string): Promise<Float32Array> {
    this.assertOpen();
    const spec = this.manifest.text;
    const { session, tokenizer } = await this.textTower();
    const encoded = tokenizer.encode(query);
    const shape = [1, spec.contextLength];
    const feeds: Record<string, ort.Tensor> = { [spec.ids.name]: tensorOf(encoded.ids, shape) };
    if (spec.mask) feeds[spec.mask.name] = tensorOf(encoded.mask, shape);
    const name = outputName(session, spec.output);
    const out = await session.run(feeds, [name]);
    return this.firstRow(out[name], 'text', spec.normalize);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const text = this.text;
    this.text = null;
    await this.imageSession.release();
    if (text) {
      const tower = await text.catch(() => null);
      await tower?.session.release();
    }
  }

  /** Lazy, because indexing never needs the text tower. One creation shared by concurrent callers. */
  private textTower(): Promise<TextTower> {
    if (!this.text) {
      const attempt = this.createTextTower();
      this.text = attempt;
      // A failed load (e.g. a broken tokenizer) should be retried next time, not cached.
      attempt.catch(() => {
        if (this.text === attempt) this.text = null;
      });
    }
    return this.text;
  }

  private async createTextTower(): Promise<TextTower> {
    const file = chooseModelFile(this.pkg, 'text', this.opts.precision);
    // Start from the provider the image tower settled on: the ones before it already failed.
    const from = Math.max(0, this.candidates.indexOf(this.provider));
    const [opened, tokenizer] = await Promise.all([
      createSession(file.path, this.candidates.slice(from), { intraOpNumThreads: this.opts.threads }),
      loadQueryTokenizer(this.pkg.paths.tokenizer, this.manifest.text),
    ]);
    if (this.closed) {
      await opened.session.release();
      throw new Error('model closed');
    }
    const textNote = joinNotes(opened.note && `text model: ${opened.note}`, file.note);
    this.notes = joinNotes(this.notes, textNote);
    return { session: opened.session, tokenizer };
  }

  private firstRow(out: ort.Tensor | undefined, tower: 'image' | 'text', normalize: boolean): Float32Array {
    if (!out) throw new Error(`${tower} model produced no output`);
    if (out.type !== 'float32') throw new Error(`${tower} model output is ${out.type}; only float32 is supported`);
    const data = out.data as Float32Array;
    if (data.length < this.dim || data.length % this.dim !== 0) {
      throw new Error(`${tower} model output has ${data.length} values (shape [${out.dims.join(', ')}]); manifest embeddingDim is ${this.dim}`);
    }
    // Copy: the output buffer belongs to onnxruntime and the caller may keep the vector.
    const row = data.slice(0, this.dim);
    return normalize ? l2Normalize(row) : row;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error(`model ${this.manifest.id} is closed`);
  }
}

function tensorOf(values: Int32Array | BigInt64Array, dims: number[]): ort.Tensor {
  return values instanceof BigInt64Array ? new ort.Tensor('int64', values, dims) : new ort.Tensor('int32', values, dims);
}

function joinNotes(...notes: Array<string | null>): string | null {
  const present = notes.filter((n): n is string => !!n);
  return present.length ? present.join('; ') : null;
}

/**
 * The output to read. Exports disagree on names (Immich's graphs say `embedding` in some
 * versions and `image_embedding`/`text_embedding` in others), so a single-output graph is
 * read by position when the manifest's name is not there — as Immich itself does.
 */
function outputName(session: ort.InferenceSession, wanted: string): string {
  if (session.outputNames.includes(wanted) || session.outputNames.length !== 1) return wanted;
  return session.outputNames[0];
}
