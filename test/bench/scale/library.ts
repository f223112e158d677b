// A synthetic library of N photos written through the project's own store code (folders,
// photos, vectors, text in photos, names, tag sequences), the way indexing would leave it:
// clustered 512-d embeddings (vectors.ts), photos in year/event folders with realistic EXIF
// (bursts share a second, cameras by era, GPS on phones, 10% without EXIF), exact copies (1%,
// a backup folder), near copies with close pHashes, text read from 15%. The vectors are also
// written, in embeddings-id order, to a raw float32 file for the NumPy peer.
import { closeSync, openSync, writeSync } from 'node:fs';
import type { EmbeddingModel } from '../../../main/core/embed/encoder.js';
import { OcrRepo } from '../../../main/core/ocr/repo.js';
import type { LoadedModel } from '../../../main/core/embed/loaded.js';
import { NameIndex } from '../../../main/core/search/names.js';
import { TagSequenceIndex, tagSequenceTable } from '../../../main/core/search/tag-sequences.js';
import type { Store } from '../../../main/core/store/index.js';
import { putNearHashes } from '../../../main/core/store/near-hashes.js';
import { WINDOWS } from '../../../main/core/media/near-hash.js';
import { hammingDistance } from '../../../main/core/media/hash.js';
import { EN, NAME_WORDS, ZH } from '../search-bench.js';
import { embeddingWorld, rng, type EmbeddingWorld } from './vectors.js';

export const DIM = 512;
/** Image-view cut-off for these vectors: ~1% of photos clear it for a typical query. */
export const SYNTHETIC_MIN_SCORE = 0.15;
const MODEL_KEY = 'synthetic-clustered-512';

const CAMERAS: [string | null, string | null, boolean][] = [
  ['Canon', 'Canon EOS 40D', false], ['NIKON CORPORATION', 'NIKON D7000', false], ['Apple', 'iPhone 6s', true],
  ['Apple', 'iPhone 13 Pro', true], ['HUAWEI', 'ELS-AN00', true], ['Xiaomi', 'Mi 11', true], ['SONY', 'ILCE-7M3', false],
  ['FUJIFILM', 'X-T30', false],
];
const ROOTS = ['Pictures', 'Phone backup', 'Camera', '旅行', 'Family', 'Work scans'];

export interface BuiltLibrary {
  model: LoadedModel;
  world: EmbeddingWorld;
  /** Photos written (rows), distinct contents (vectors). */
  photos: number;
  contents: number;
  ocrPhotos: number;
  buildMs: Record<string, number>;
}

/** A model stand-in: its text tower gives the world's query vector for a text (same text, same vector). */
export function syntheticModel(store: Store, world: EmbeddingWorld): LoadedModel {
  const byText = new Map<string, Float32Array>();
  const model = {
    manifest: { id: MODEL_KEY, search: { minScore: SYNTHETIC_MIN_SCORE } },
    dim: DIM,
    embedText: async (text: string) => {
      let v = byText.get(text);
      if (!v) byText.set(text, (v = world.query()));
      return v;
    },
  } as unknown as EmbeddingModel;
  return { model, modelId: store.vectors.ensureModel(MODEL_KEY, DIM) };
}

export async function buildLibrary(store: Store, n: number, vectorFile: string, log: (s: string) => void): Promise<BuiltLibrary> {
  const r = rng(2026);
  const world = embeddingWorld(42, DIM);
  // Queries from a world of their own (same seed, same topics): the same query vectors whether
  // the library was just built or reused (bench:scale --keep) or opened by cold-start.ts.
  const model = syntheticModel(store, embeddingWorld(42, DIM));
  const pick = <T>(a: readonly T[]) => a[Math.floor(r() * a.length)];
  const hex = (len: number) => Array.from({ length: len }, () => '0123456789abcdef'[Math.floor(r() * 16)]).join('');
  const folderIds = ROOTS.map((name) => store.folders.add(`/photos/${name}`).id);
  const buildMs: Record<string, number> = {};
  const time = async (name: string, fn: () => void | Promise<void>) => {
    const t = performance.now();
    await fn();
    buildMs[name] = Math.round(performance.now() - t);
    log(`  ${name}: ${(buildMs[name] / 1000).toFixed(1)} s`);
  };

  const fd = openSync(vectorFile, 'w');
  const shas: string[] = [];
  const ocrShas: string[] = [];
  let contents = 0;
  await time('photos + vectors', () => {
    // Time runs forward through 2005–2025: scenes hours or days apart, shots in a burst seconds apart.
    let t = Date.UTC(2005, 0, 1) / 1000;
    const span = (Date.UTC(2025, 11, 31) / 1000 - t) / n;
    let root = 0;
    let event = '';
    let camera = CAMERAS[0];
    let lastPhash = hex(16);
    let lastSha = '';
    const BATCH = 20_000;
    for (let start = 0; start < n; start += BATCH) {
      const buf = Buffer.alloc(Math.min(BATCH, n - start) * DIM * 4);
      let written = 0;
      store.tx(() => {
        for (let i = start; i < Math.min(n, start + BATCH); i++) {
          const exactCopy = lastSha !== '' && r() < 0.01;
          let sha = lastSha;
          let phash = lastPhash;
          if (!exactCopy) {
            const v = world.nextImage();
            sha = hex(64);
            if (world.lastWasCopy) {
              // An edited copy: a few pHash bits away from the original.
              const bits = BigInt('0x' + lastPhash) ^ (1n << BigInt(Math.floor(r() * 64))) ^ (1n << BigInt(Math.floor(r() * 64)));
              phash = bits.toString(16).padStart(16, '0');
            } else phash = hex(16);
            store.vectors.put(model.modelId, sha, v);
            Buffer.from(v.buffer, v.byteOffset, v.byteLength).copy(buf, written * DIM * 4);
            written++;
            contents++;
            if (r() < 0.15) ocrShas.push(sha);
          }
          const newScene = !world.lastWasCopy && r() < 0.3;
          t += newScene ? span * (0.5 + r()) * 3 : 1 + Math.floor(r() * 3);
          if (newScene || !event) {
            if (r() < 0.05) camera = pick(CAMERAS);
            if (r() < 0.2) root = Math.floor(r() * (ROOTS.length - 1));
            const d = new Date(t * 1000).toISOString();
            event = `${d.slice(0, 4)}/${d.slice(0, 10)} ${r() < 0.2 ? pick(NAME_WORDS) : 'event'}`;
          }
          const when = new Date(t * 1000).toISOString().slice(0, 19);
          const noExif = r() < 0.1;
          const [make, cam, phone] = noExif || r() < 0.05 ? [null, null, false] : camera;
          const gps = phone && r() < 0.8;
          const format = r() < 0.85 ? 'jpeg' : r() < 0.55 ? 'heic' : r() < 0.7 ? 'png' : 'webp';
          const ext = format === 'jpeg' ? 'jpg' : format;
          // Exact copies live in the backup root, beside a copy of the event folder.
          const dir = exactCopy ? `/photos/${ROOTS[ROOTS.length - 1]}/backup/${event}` : `/photos/${ROOTS[root]}/${event}`;
          store.photos.upsert({
            folder_id: folderIds[exactCopy ? ROOTS.length - 1 : root],
            path: `${dir}/IMG_${String(i).padStart(7, '0')}.${ext}`,
            size: 1_500_000 + Math.floor(r() * 4_000_000), mtime_ms: (t + 86_400 * r()) * 1000, sha256: sha,
            width: 4032, height: 3024, format, taken_at: noExif ? null : when, camera_make: make, camera_model: cam,
            lat: gps ? 22 + r() * 18 : null, lon: gps ? 100 + r() * 22 : null, orientation: 1, phash, has_thumb: 1,
            status: 'indexed', error: null, indexed_at: Date.now(),
          });
          shas.push(sha);
          lastSha = sha;
          lastPhash = phash;
        }
        // Rows written here, not by the indexer: drop the OCR jobs the trigger queued.
        store.db.exec("DELETE FROM jobs WHERE kind = 'ocr'");
      });
      writeSync(fd, buf, 0, written * DIM * 4);
    }
  });
  closeSync(fd);

  await time('text in photos (15%)', () => {
    const repo = new OcrRepo(store.db);
    // Zipf-like: a few words are common, most rare, as in real text.
    const zipf = <T>(a: readonly T[]) => a[Math.min(a.length - 1, Math.floor(a.length * r() * r()))];
    store.tx(() => {
      for (const sha of ocrShas) {
        const lines = Array.from({ length: 1 + Math.floor(r() * 5) }, () =>
          Array.from({ length: 1 + Math.floor(r() * 4) }, () => (r() < 0.5 ? zipf(ZH) : zipf(EN))).join(' '),
        );
        repo.put(sha, lines.map((text) => ({ text, score: 0.9 })));
      }
    });
  });
  await time('name index', () => {
    new NameIndex(store.db).sync();
  });
  await time('tag sequences', () => {
    // The tag view's tables, as main/core/tags leaves them: one sequence per topic and a few
    // variants, each content mapped to its topic's sequence (80% of contents have tags).
    new TagSequenceIndex(store.db).ensureTables(model.modelId, DIM);
    const seqs = world.topics * 4;
    store.tx(() => {
      const insSeq = store.db.prepare("INSERT INTO tag_sequences (id, model_id, text, tags, embedded) VALUES (?, ?, ?, '[]', 1)");
      const insVec = store.db.prepare(`INSERT INTO ${tagSequenceTable(model.modelId)} (rowid, embedding) VALUES (?, ?)`);
      for (let s = 1; s <= seqs; s++) {
        insSeq.run(s, model.modelId, `topic ${s % world.topics} variant ${s}`);
        const v = world.query(s % world.topics);
        insVec.run(BigInt(s), Buffer.from(v.buffer));
      }
      const map = store.db.prepare('INSERT OR IGNORE INTO content_tag_sequence (model_id, sha256, seq_id) VALUES (?, ?, ?)');
      for (const sha of shas) if (r() < 0.8) map.run(model.modelId, sha, 1 + Math.floor(r() * seqs));
    });
  });
  return { model, world, photos: n, contents, ocrPhotos: ocrShas.length, buildMs };
}

/** Crop windows per content, as main/core/media/near-hash.ts stores them. */
const WINDOW_COUNT = WINDOWS.length;

/**
 * The near-copy hashes the app stores per content (near_hashes), added to a library that has
 * none yet (a new one, or one kept by --keep from before this step existed), through the
 * store's own writer. Stand-ins with the shape of real ones, no pixels behind them: `full` is the
 * photo's pHash (so the edited copies buildLibrary made are a few bits from their original);
 * each crop window is `full` with 3–14 bits flipped (a real window's hash sits that far from
 * its picture's); half of the edited copies are crops instead, their `full` a window of the
 * original's with 0–2 bits flipped. No verification grids (2.3 KB a content): the pair check
 * passes pairs without them, so grouping time here excludes it (it reads grids only for the
 * candidate pairs). Returns the milliseconds taken, or null when the hashes were there.
 */
export function ensureNearHashes(store: Store, log: (s: string) => void): number | null {
  const have = store.db.prepare('SELECT COUNT(*) FROM near_hashes').pluck().get() as number;
  if (have > 0) return null;
  const t0 = performance.now();
  const r = rng(913);
  const flipped = (words: Uint32Array, at: number, bits: number) => {
    for (let k = 0; k < bits; k++) {
      const b = Math.floor(r() * 64);
      words[at + (b >> 5)] ^= 1 << (b & 31);
    }
  };
  const hexOf = (words: Uint32Array, at: number) => words[at].toString(16).padStart(8, '0') + words[at + 1].toString(16).padStart(8, '0');
  const rows = store.db.prepare(`SELECT sha256, MIN(phash) FROM photos WHERE sha256 IS NOT NULL AND phash IS NOT NULL GROUP BY sha256 ORDER BY MIN(id)`).raw().all() as [string, string][];
  const windows = new Uint32Array(WINDOW_COUNT * 2);
  const previous = new Uint32Array(WINDOW_COUNT * 2);
  let prevFull = '';
  let hashed = 0;
  const write = (batch: [string, string, string[]][]) =>
    store.tx(() => {
      for (const [sha, full, wins] of batch) putNearHashes(store.db, sha, { full, windows: wins, luma: 128 });
    });
  let batch: [string, string, string[]][] = [];
  for (const [sha, phash] of rows) {
    let full = phash;
    // An edited copy of the previous content (buildLibrary flips two pHash bits): half become crops.
    if (prevFull && hammingDistance(prevFull, phash) <= 2 && r() < 0.5) {
      const tmp = new Uint32Array(2);
      const w = Math.floor(r() * WINDOW_COUNT);
      tmp[0] = previous[2 * w];
      tmp[1] = previous[2 * w + 1];
      flipped(tmp, 0, Math.floor(r() * 3));
      full = hexOf(tmp, 0);
    }
    const hi = parseInt(full.slice(0, 8), 16) >>> 0;
    const lo = parseInt(full.slice(8), 16) >>> 0;
    const wins: string[] = [];
    for (let w = 0; w < WINDOW_COUNT; w++) {
      windows[2 * w] = hi;
      windows[2 * w + 1] = lo;
      flipped(windows, 2 * w, 3 + Math.floor(r() * 12));
      wins.push(hexOf(windows, 2 * w));
    }
    previous.set(windows);
    prevFull = phash;
    batch.push([sha, full, wins]);
    if (batch.length === 20_000) {
      write(batch);
      batch = [];
    }
    hashed++;
  }
  write(batch);
  const ms = Math.round(performance.now() - t0);
  log(`  near-copy hashes: ${hashed} contents, ${(ms / 1000).toFixed(1)} s`);
  return ms;
}

