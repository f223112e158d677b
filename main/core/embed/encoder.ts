// The runtime face of a model package: image and text towers behind one object.
import * as ort from 'onnxruntime-node';
import type { Sharp } from 'sharp';
import type { ExecutionProvider } from '../api.js';
import { loadModelPackage, type ModelPackage } from './manifest.js';
import type { ModelManifest } from './manifest-types.js';
import { ImageTower } from './image-tower.js';
import { imageTensor } from './preprocess.js';
import {
  chooseModelFile,
  createSession,
  defaultThreads,
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
  /**
   * intraOpNumThreads of both sessions. Default: the text tower (a query, waited for) takes all
   * logical cores; the image tower (indexing) takes half of them, see imageTowerThreads.
   */
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
  /**
   * The vectors of many texts, in order, each equal to `embedText` of it (up to float rounding).
   * Where the text graph takes a dynamic batch, texts run `TEXT_BATCH` at a time, padded to the
   * longest of the batch when the sequence axis is dynamic too; a graph with a fixed batch of 1
   * (Immich's exports) runs them one by one.
   */
  embedTexts(texts: readonly string[]): Promise<Float32Array[]>;
  /** The text tower file the session runs (fp32 or int8): text vectors belong to that file. */
  readonly textFile: string;
  /** What one text run takes, from the graph's declared ids shape (loads the text tower). */
  textBatching(): Promise<{ batch: number | 'dynamic'; dynamicSequence: boolean }>;
  close(): Promise<void>;
}

export async function openModel(dir: string, opts: OpenModelOptions = {}): Promise<EmbeddingModel> {
  const pkg = await loadModelPackage(dir);
  const request = resolveProviderRequest(opts.provider);
  const candidates = providerCandidates(opts.platform ?? process.platform, request);
  const file = chooseModelFile(pkg, 'image', opts.precision);
  const tower = await ImageTower.open(file.path, candidates, opts.threads ?? imageTowerThreads());
  return new OnnxEmbeddingModel(pkg, tower, file.path, tower.provider, joinNotes(tower.note, file.note), candidates, opts);
}

/**
 * Threads of one image-tower run. The image tower runs while the indexer decodes the next
 * photos, and on a CPU the two stages weigh about the same (ViT-B/32 int8 ~44 ms of CPU a photo,
 * decoding and hashing a 12 MP JPEG ~110 ms): giving inference every core makes its threads
 * wait at each operator's barrier for a core the decoder holds. Measured here (2 cores, ViT-B/32
 * int8, alone): 2 threads 29 ms wall / 57 ms CPU a photo, 1 thread 44 ms / 44 ms; inside
 * `cli index` the 2-thread session made the serial inference the bottleneck (npm run bench:index).
 */
export function imageTowerThreads(cores = defaultThreads()): number {
  return Math.max(1, Math.floor(cores / 2));
}

interface TextTower {
  session: ort.InferenceSession;
  tokenizer: QueryTokenizer;
  /** Rows one run takes: 'dynamic', or the graph's fixed batch. */
  batch: number | 'dynamic';
  /** True when the graph takes any sequence length (pad to the longest), false for a fixed context. */
  dynamicSequence: boolean;
}

/** Texts in one run of a dynamic-batch text graph. */
export const TEXT_BATCH = 32;

class OnnxEmbeddingModel implements EmbeddingModel {
  readonly manifest: ModelManifest;
  readonly provider: ExecutionProvider;
  readonly dim: number;
  private notes: string | null;
  private text: Promise<TextTower> | null = null;
  private closed = false;
  private readonly inputSize: number;
  readonly textFile: string;

  constructor(
    readonly pkg: ModelPackage,
    private readonly imageTower: ImageTower,
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
    this.textFile = chooseModelFile(pkg, 'text', opts.precision).path;
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
    const name = outputName(this.imageTower.outputNames, spec.output);
    const out = await this.imageTower.run(spec.input.name, name, data, [batch, 3, spec.size, spec.size]);
    return this.firstRow(out, 'image', spec.normalize);
  }

  async embedText(query: string): Promise<Float32Array> {
    this.assertOpen();
    const tower = await this.textTower();
    // A query is padded to the full context, as the graph was exported with.
    const [v] = await this.runTextBatch(tower, [query], { rows: fixedRows(tower), fullContext: true });
    return v;
  }

  async textBatching(): Promise<{ batch: number | 'dynamic'; dynamicSequence: boolean }> {
    const { batch, dynamicSequence } = await this.textTower();
    return { batch, dynamicSequence };
  }

  async embedTexts(texts: readonly string[]): Promise<Float32Array[]> {
    this.assertOpen();
    const tower = await this.textTower();
    const step = tower.batch === 'dynamic' ? TEXT_BATCH : tower.batch;
    const out: Float32Array[] = [];
    for (let i = 0; i < texts.length; i += step) {
      out.push(...(await this.runTextBatch(tower, texts.slice(i, i + step), { rows: fixedRows(tower), fullContext: false })));
    }
    return out;
  }

  /**
   * One run over `texts`. A fixed batch (`rows`) is filled up with padding-only rows; a dynamic
   * sequence axis is cut to the longest text unless `fullContext`.
   */
  private async runTextBatch(tower: TextTower, texts: readonly string[], opts: { rows?: number; fullContext: boolean }): Promise<Float32Array[]> {
    this.assertOpen();
    const spec = this.manifest.text;
    const rows = opts.rows ?? texts.length;
    const encoded = texts.map((t) => tower.tokenizer.encode(t));
    const width = tower.dynamicSequence && !opts.fullContext ? Math.max(1, ...encoded.map((e) => e.length)) : spec.contextLength;
    const ids = new Array<number>(rows * width).fill(spec.padId);
    const mask = new Array<number>(rows * width).fill(0);
    encoded.forEach((e, r) => {
      for (let j = 0; j < e.length; j++) {
        ids[r * width + j] = Number(e.ids[j]);
        mask[r * width + j] = 1;
      }
    });
    const shape = [rows, width];
    const feeds: Record<string, ort.Tensor> = { [spec.ids.name]: idTensor(ids, spec.ids.type, shape) };
    if (spec.mask) feeds[spec.mask.name] = idTensor(mask, spec.mask.type, shape);
    const name = outputName(tower.session.outputNames, spec.output);
    const result = await tower.session.run(feeds, [name]);
    return this.rows(result[name], texts.length, spec.normalize);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const text = this.text;
    this.text = null;
    await this.imageTower.close();
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
    return { session: opened.session, tokenizer, ...textShape(opened.session, this.manifest.text.ids.name) };
  }

  /** The first `count` rows of a [batch, dim] text output, copied (and normalised when asked). */
  private rows(out: ort.Tensor | undefined, count: number, normalize: boolean): Float32Array[] {
    if (!out) throw new Error('text model produced no output');
    if (out.type !== 'float32') throw new Error(`text model output is ${out.type}; only float32 is supported`);
    const data = out.data as Float32Array;
    if (data.length < count * this.dim || data.length % this.dim !== 0) {
      throw new Error(`text model output has ${data.length} values (shape [${out.dims.join(', ')}]) for ${count} texts; manifest embeddingDim is ${this.dim}`);
    }
    const vectors: Float32Array[] = [];
    for (let r = 0; r < count; r++) {
      const row = data.slice(r * this.dim, (r + 1) * this.dim);
      vectors.push(normalize ? l2Normalize(row) : row);
    }
    return vectors;
  }

  private firstRow(out: { type: string; data: unknown; dims: readonly number[] } | undefined, tower: 'image' | 'text', normalize: boolean): Float32Array {
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

/** The rows a run must have: the graph's fixed batch, or undefined (as many as there are texts). */
function fixedRows(tower: TextTower): number | undefined {
  return tower.batch === 'dynamic' ? undefined : tower.batch;
}

function idTensor(values: number[], type: 'int32' | 'int64', dims: number[]): ort.Tensor {
  return type === 'int64'
    ? new ort.Tensor('int64', BigInt64Array.from(values, (v) => BigInt(v)), dims)
    : new ort.Tensor('int32', Int32Array.from(values), dims);
}

/**
 * What the graph's ids input accepts, from its declared shape: a symbolic (or unknown) first
 * dimension is a dynamic batch, a number a fixed one; the same for the sequence. A graph that
 * declares no shape is run one text at a time, as before batching existed.
 */
export function textShape(session: Pick<ort.InferenceSession, 'inputMetadata' | 'inputNames'>, idsName: string): Pick<TextTower, 'batch' | 'dynamicSequence'> {
  const meta = session.inputMetadata.find((m) => m.name === idsName);
  const shape = meta && meta.isTensor ? meta.shape : [];
  if (shape.length !== 2) return { batch: 1, dynamicSequence: false };
  const fixed = (d: number | string) => typeof d === 'number' && d > 0;
  return {
    batch: fixed(shape[0]) ? (shape[0] as number) : 'dynamic',
    dynamicSequence: !fixed(shape[1]),
  };
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
function outputName(outputNames: readonly string[], wanted: string): string {
  if (outputNames.includes(wanted) || outputNames.length !== 1) return wanted;
  return outputNames[0];
}
