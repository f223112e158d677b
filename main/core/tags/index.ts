// Auto-tagging behind the API: keeps the vocabulary in SQLite, embeds each tag's prompts once
// per model (cached), tags every content after indexing (calibrate.ts says how), and answers
// photo, folder and name look-ups in either language.
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { FolderTag, PhotoSummary, PhotoTag, Tag, TagInfo } from '../api.js';
import { TEXT_BATCH, type EmbeddingModel } from '../embed/encoder.js';
import { textTowerDigest } from '../embed/identity.js';
import type { LoadedModel } from '../embed/loaded.js';
import { toSummary, type Store } from '../store/index.js';
import { vectorsOf } from '../store/vectors.js';
import { assignTags, CALIBRATION_VERSION, type TagMatrix } from './calibrate.js';
import { TagRepo, toTag, type TagRow, type TagSource, type TagUpsert } from './repo.js';
import { summarize, type FolderSummary } from './summary.js';
import { promptSetKey, type CachedVector, type TagVectorCache, type TowerKey } from './vector-cache.js';
import {
  builtinVocabulary,
  modelLanguages,
  tagPrompts,
  type PromptSet,
  type TagLanguage,
  type Vocabulary,
} from './vocabulary.js';
import { round4 } from '../round.js';

export { summarize, FOLDER_MIN_SHARE, FOLDER_MAX_TAGS } from './summary.js';
export type { FolderSummary } from './summary.js';
export { TagVectorCache } from './vector-cache.js';
export { loadVocabularyFile, builtinVocabulary, VocabularyError, type Vocabulary } from './vocabulary.js';

/** Tagging needs the text tower (tag prompts) and the stored image vectors. */
type TagModel = LoadedModel<Pick<EmbeddingModel, 'manifest' | 'pkg' | 'textFile' | 'embedTexts'>>;

export interface TagsOptions {
  /** A vocabulary for this run (CLI --vocabulary) instead of the built-in one. */
  vocabulary?: Vocabulary;
  shouldStop?: () => boolean;
  log?: (message: string) => void;
  /** The per-machine cache shared by every library (vector-cache.ts); none when absent. */
  vectorCache?: TagVectorCache | null;
}

/** How often a long vocabulary embedding writes what it has to the per-machine cache. */
const CACHE_FLUSH_MS = 30_000;

interface ActiveTag {
  row: TagRow;
  prompts: string[];
  sig: string;
}

export class Tags {
  private repo: TagRepo;
  private vocabulary: Vocabulary;
  private source: TagSource;
  private running: Promise<number> | null = null;
  private again = false;
  private background = new Map<number, { sig: string; vector: Float32Array | null }>();
  /** Text tower digests, per text file (hashing a tower without SHA256SUMS reads it whole). */
  private digests = new Map<string, Promise<string>>();

  constructor(
    private store: Store,
    /** The model whose vectors cover the library (search's model), or null. */
    private model: () => TagModel | null,
    private opts: TagsOptions = {},
  ) {
    this.repo = new TagRepo(store.db);
    this.vocabulary = opts.vocabulary ?? builtinVocabulary();
    this.source = opts.vocabulary ? 'file' : 'builtin';
    this.syncVocabulary();
  }

  /**
   * Writes this run's vocabulary into the tags table, only when it differs from the one written
   * last (its signature is kept in library_meta): opening a library normally writes nothing.
   */
  private syncVocabulary(): void {
    const rows: TagUpsert[] = this.vocabulary.tags.map((t) => ({
      key: this.source === 'file' ? `file:${t.id}` : t.id,
      en: t.en,
      zh: t.zh,
      category: t.category ?? null,
      source: this.source,
      prompts: { ...(t.prompts ?? {}), ...(t.phrase ? { phrase: t.phrase } : {}) },
    }));
    const sig = sigOf(rows.map((r) => JSON.stringify([r.key, r.en, r.zh, r.category, r.prompts])));
    if (this.repo.vocabularySig(this.source) === sig) return;
    this.store.tx(() => {
      this.repo.upsertMany(rows);
      if (this.source === 'builtin') this.repo.removeBuiltinExcept(new Set(rows.map((r) => r.key)));
      this.repo.setVocabularySig(this.source, sig);
    });
  }

  /** The vocabulary in force: this run's tags plus the user's own. */
  private activeRows(): TagRow[] {
    return this.repo.bySources([this.source, 'custom']);
  }

  private activeTags(languages: readonly TagLanguage[]): ActiveTag[] {
    return this.activeRows().map((row) => {
      const stored = JSON.parse(row.prompts) as PromptSet & { phrase?: string };
      const { phrase, ...own } = stored;
      const prompts = tagPrompts({ en: row.en, zh: row.zh, phrase, prompts: own }, this.vocabulary.templates, languages);
      return { row, prompts, sig: sigOf(prompts) };
    });
  }

  // ---- tagging ----

  /** Embedded photos not tagged yet by the current model (any vocabulary): the progress total. */
  untaggedCount(): number {
    const m = this.model();
    if (!m) return 0;
    const row = this.store.db
      .prepare(
        `SELECT COUNT(*) AS n FROM embeddings e
          WHERE e.model_id = ? AND e.orphaned_at IS NULL
            AND NOT EXISTS (SELECT 1 FROM tagged_contents c WHERE c.model_id = e.model_id AND c.sha256 = e.sha256)`,
      )
      .get(m.modelId) as { n: number };
    return row.n;
  }

  /**
   * Tags every content not yet tagged with the current vocabulary; returns how many. Runs are
   * serialised; a call during a run schedules one more run after it.
   */
  tagPending(): Promise<number> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      let total = 0;
      try {
        do {
          this.again = false;
          total += await this.tagOnce();
        } while (this.again && !this.opts.shouldStop?.());
      } finally {
        this.running = null;
      }
      return total;
    })();
    return this.running;
  }

  private async tagOnce(): Promise<number> {
    const m = this.model();
    if (!m) return 0;
    const matrix = await this.tagMatrix(m);
    const { vocabSig, tags } = matrix;
    // The model reads none of the tag words (e.g. a vocabulary in a language it lacks).
    if (matrix.m.count === 0) return 0;
    const pending = this.repo.pendingContents(m.modelId, vocabSig);
    if (!pending.length) return 0;
    const scratch = new Float64Array(tags.length);
    const BATCH = 256;
    let done = 0;
    for (let i = 0; i < pending.length; i += BATCH) {
      if (this.opts.shouldStop?.()) break;
      const shas = pending.slice(i, i + BATCH);
      const vectors = vectorsOf(this.store.db, m.modelId, shas);
      const results: { sha: string; tags: { tagId: number; score: number }[] }[] = [];
      for (const [sha, v] of vectors) {
        if (v.length !== matrix.m.dim) continue;
        const picked = assignTags(v, matrix.m, scratch);
        results.push({ sha, tags: picked.map((p) => ({ tagId: tags[p.index].row.id, score: round4(p.probability) })) });
      }
      this.store.tx(() => {
        for (const r of results) this.repo.setContentTags(m.modelId, r.sha, vocabSig, r.tags);
      });
      done += results.length;
      await new Promise<void>((r) => setImmediate(r));
    }
    return done;
  }

  /**
   * Text vectors of the usable tags and the background: from the library's table, else from the
   * per-machine cache, else embedded (many prompts a session run where the graph allows it) and
   * written to both.
   */
  private async tagMatrix(m: TagModel): Promise<{ m: TagMatrix; tags: ActiveTag[]; vocabSig: string }> {
    const languages = modelLanguages(m.model.manifest.languages);
    const active = this.activeTags(languages);
    const cache = this.repo.cachedVectors(m.modelId);
    const vectors = new Map<ActiveTag, Float32Array | null>();
    const missing: ActiveTag[] = [];
    for (const tag of active) {
      const hit = cache.get(tag.row.id);
      if (hit && hit.sig === tag.sig) vectors.set(tag, hit.vector);
      else missing.push(tag);
    }
    const bgPrompts = languages.flatMap((l) => this.vocabulary.background[l] ?? []);
    const bgSig = sigOf(bgPrompts);
    let bg = this.background.get(m.modelId);
    if (missing.length || !bg || bg.sig !== bgSig) {
      const shared = await this.sharedVectors(m.model);
      const fresh = new Map<string, CachedVector>();
      let flushed = Date.now();
      const flush = async () => {
        if (!shared || !fresh.size) return;
        await shared.cache.save(shared.key, fresh).catch((e) => this.opts.log?.(`tag vector cache: cannot write: ${(e as Error).message}`));
        fresh.clear();
        flushed = Date.now();
      };
      const toEmbed = missing.filter((tag) => {
        const k = promptSetKey(tag.prompts);
        if (!shared?.entries.has(k)) return true;
        vectors.set(tag, shared.entries.get(k)!);
        return false;
      });
      if (toEmbed.length < missing.length) {
        this.store.tx(() => {
          for (const tag of missing) if (vectors.has(tag)) this.repo.putVector(m.modelId, tag.row.id, tag.sig, vectors.get(tag)!);
        });
      }
      // Enough tags for a full batch of prompts each time; stored after every chunk, so a run
      // cut short keeps what it embedded.
      for (let i = 0; i < toEmbed.length; ) {
        const chunk: ActiveTag[] = [];
        let prompts = 0;
        while (i < toEmbed.length && prompts < TEXT_BATCH) {
          chunk.push(toEmbed[i]);
          prompts += toEmbed[i++].prompts.length;
        }
        const embedded = await embedPromptSets(m.model, chunk.map((t) => t.prompts));
        this.store.tx(() => chunk.forEach((tag, j) => this.repo.putVector(m.modelId, tag.row.id, tag.sig, embedded[j])));
        chunk.forEach((tag, j) => {
          vectors.set(tag, embedded[j]);
          fresh.set(promptSetKey(tag.prompts), embedded[j]);
        });
        if (Date.now() - flushed > CACHE_FLUSH_MS) await flush();
      }
      if (!bg || bg.sig !== bgSig) {
        const k = promptSetKey(bgPrompts);
        let vector: CachedVector = null;
        if (bgPrompts.length && shared?.entries.has(k)) vector = shared.entries.get(k)!;
        else if (bgPrompts.length) {
          [vector] = await embedPromptSets(m.model, [bgPrompts]);
          fresh.set(k, vector);
        }
        bg = { sig: bgSig, vector };
        this.background.set(m.modelId, bg);
      }
      await flush();
    }
    const usable = active.flatMap((tag) => {
      const vector = vectors.get(tag);
      return vector ? [{ tag, vector }] : [];
    });
    const dim = usable[0]?.vector.length ?? 0;
    const data = new Float32Array(usable.length * dim);
    usable.forEach((u, i) => data.set(u.vector, i * dim));
    const vocabSig = sigOf([
      CALIBRATION_VERSION,
      bgSig,
      ...usable.map((u) => `${u.tag.row.id}:${u.tag.sig}`),
    ]);
    return {
      m: { data, count: usable.length, dim, background: bg.vector && bg.vector.length === dim ? bg.vector : null },
      tags: usable.map((u) => u.tag),
      vocabSig,
    };
  }

  /** The per-machine cache's vectors for this model's text tower, or null (no cache, or it failed). */
  private async sharedVectors(model: TagModel['model']): Promise<{ cache: TagVectorCache; key: TowerKey; entries: Map<string, CachedVector> } | null> {
    const cache = this.opts.vectorCache;
    if (!cache) return null;
    try {
      let digest = this.digests.get(model.textFile);
      if (!digest) {
        digest = textTowerDigest(model.pkg, model.textFile);
        this.digests.set(model.textFile, digest);
        digest.catch(() => this.digests.delete(model.textFile));
      }
      const key: TowerKey = { modelId: model.manifest.id, digest: await digest, dim: model.manifest.embeddingDim };
      return { cache, key, entries: await cache.load(key) };
    } catch (e) {
      this.opts.log?.(`tag vector cache: not used: ${(e as Error).message}`);
      return null;
    }
  }

  // ---- look-ups ----

  photoTags(photoId: number): PhotoTag[] {
    const m = this.model();
    const row = this.store.photos.byId(photoId);
    if (!m || !row?.sha256) return [];
    return this.repo.tagsOfContent(m.modelId, row.sha256).map((t) => ({ ...toTag(t), score: t.score }));
  }

  folderTags(folderId: number): FolderTag[] {
    const m = this.model();
    if (!m) return [];
    return summarize(this.repo.photosWithTags(m.modelId, { folderId })).tags;
  }

  /** Tags shared by the photos at or below `dir` (any folder inside the library: the folder tree). */
  tagsUnder(dir: string): FolderTag[] {
    const m = this.model();
    if (!m) return [];
    return summarize(this.repo.photosWithTags(m.modelId, { under: path.resolve(dir) })).tags;
  }

  /**
   * Tags of every photo at or below `dir` (or the whole library), with a summary per directory
   * that holds photos (CLI `tags`).
   */
  report(dir?: string): { folders: (FolderSummary & { path: string })[]; photos: { id: number; path: string; tags: PhotoTag[] }[] } {
    const m = this.model();
    if (!m) return { folders: [], photos: [] };
    const photos = this.repo.photosWithTags(m.modelId, dir ? { under: path.resolve(dir) } : {});
    const byDir = new Map<string, typeof photos>();
    for (const p of photos) {
      const d = path.dirname(p.path);
      const list = byDir.get(d);
      if (list) list.push(p);
      else byDir.set(d, [p]);
    }
    return {
      folders: [...byDir].sort(([a], [b]) => a.localeCompare(b)).map(([d, list]) => ({ path: d, ...summarize(list) })),
      photos: photos.map((p) => ({ id: p.id, path: p.path, tags: p.tags.map((t) => ({ ...toTag(t.row), score: t.score })) })),
    };
  }

  listTags(req: { query?: string; limit?: number }): TagInfo[] {
    const m = this.model();
    return this.repo.usage(m?.modelId ?? null, req?.query, req?.limit ?? 200).map((r) => ({ ...toTag(r), photos: r.photos }));
  }

  /** Photos carrying a tag named `name` in English or Chinese. */
  photosWithTag(name: string, opts: { folderId?: number; offset?: number; limit?: number }): { photos: PhotoSummary[]; total: number } {
    const m = this.model();
    if (!m) return { photos: [], total: 0 };
    const ids = this.repo.matchingName(name).map((t) => t.id);
    const { rows, total } = this.repo.photosOfTags(m.modelId, ids, opts);
    return { photos: rows.map(toSummary), total };
  }

  addCustomTag(req: { en?: string; zh?: string }): Tag {
    const en = (req.en ?? '').trim();
    const zh = (req.zh ?? '').trim();
    if (!en && !zh) throw new TypeError('addCustomTag: give an English or a Chinese name (or both)');
    const key = `custom:${(en || zh).toLowerCase()}`;
    this.repo.upsertMany([{ key, en, zh, category: 'custom', source: 'custom', prompts: {} }]);
    return toTag(this.repo.byKey(key)!);
  }

  removeCustomTag(id: number): void {
    const row = this.repo.byId(id);
    if (!row) return;
    if (row.source !== 'custom') throw new Error(`"${row.en || row.zh}" is a built-in tag; only tags you added can be removed.`);
    this.repo.remove(id);
  }
}

/**
 * Per prompt set: the mean of its prompts' unit vectors, normalised; null when the model reads
 * none of them. All prompts of all sets go to the text tower in one `embedTexts`.
 */
async function embedPromptSets(model: TagModel['model'], sets: readonly string[][]): Promise<(Float32Array | null)[]> {
  const all = await model.embedTexts(sets.flat());
  let at = 0;
  return sets.map((prompts) => meanOfUnits(all.slice(at, (at += prompts.length))));
}

function meanOfUnits(vectors: readonly Float32Array[]): Float32Array | null {
  let sum: Float32Array | null = null;
  let used = 0;
  for (const v of vectors) {
    let norm = 0;
    for (let i = 0; i < v.length; i++) norm += v[i] * v[i];
    norm = Math.sqrt(norm);
    // A prompt of words the tokenizer does not know embeds to zero: it says nothing.
    if (!(norm > 1e-6)) continue;
    sum ??= new Float32Array(v.length);
    for (let i = 0; i < v.length; i++) sum[i] += v[i] / norm;
    used++;
  }
  if (!sum || !used) return null;
  let norm = 0;
  for (let i = 0; i < sum.length; i++) norm += sum[i] * sum[i];
  norm = Math.sqrt(norm);
  if (!(norm > 1e-6)) return null;
  for (let i = 0; i < sum.length; i++) sum[i] /= norm;
  return sum;
}

function sigOf(parts: string[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 16);
}
