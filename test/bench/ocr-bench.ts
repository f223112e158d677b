// npm run bench:ocr — text in photos, measured against a peer in the same run:
//  1. a set of real camera photos (test/fixtures/photos, vendored exif-samples) with Chinese and English text
//     rendered into them (signs, receipts, screenshots; some rotated, blurred or small), plus the
//     same kind of photos without text;
//  2. character accuracy (1 − CER) of our OCR (PaddleOCR PP-OCRv4 via @gutenye/ocr-node, as the
//     app runs it) and of Debian's tesseract-ocr (chi_sim+eng) on the same files;
//  3. retrieval recall@10 for word queries through our search (both engines' text stored the
//     same way, so only the OCR differs);
//  4. OCR photos/s (with and without text), median of --repeats passes (>= 3) over the set,
//     both engines warm: our worker thread keeps its models loaded, and tesseract runs as one
//     process per pass over a list of files (its model loaded once), not one process per photo.
// Search latency is bench:search's (bench-results/search.md); this bench writes only ocr.md/.json.
//
//   npm run bench:ocr -- [--repeats 3] [--no-tesseract] [--limit N (smoke run)]
// Text is drawn with Noto Sans SC from npm (test/integration/ocr/text-photos.ts); the peer needs
// Debian's tesseract-ocr tesseract-ocr-chi-sim.
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Kanjian } from '../../main/core/kanjian.js';
import { WorkerOcrEngine } from '../../main/core/ocr/engine.js';
import { OcrRepo } from '../../main/core/ocr/repo.js';
import type { OcrLine } from '../../main/core/ocr/types.js';
import { matchedTerms, queryTerms } from '../../main/core/search/text.js';
import { TOY_MODEL } from '../helpers/cli.js';
import { machineInfo, machineMarkdown, markdownTable, percentile, round, textTable, waitForIdleCpu, writeBenchResult } from './lib/index.js';

const REPO = path.resolve(import.meta.dirname, '../..');
const { values } = parseArgs({
  options: {
    repeats: { type: 'string', default: '3' },
    // A smoke run: the first N photos with text and N/4 without (results are not comparable).
    limit: { type: 'string', default: '0' },
    'no-tesseract': { type: 'boolean', default: false },
    'wait-idle': { type: 'string', default: '120' },
  },
});

import { makeSet, QUERIES, TEMPLATES, W, H, type Item, type Kind } from './lib/ocr-set.js';

// ---- accuracy ----

/** Compared text: NFKC, lower case, no whitespace (engines differ in spacing, search ignores case). */
function norm(s: string): string {
  return s.normalize('NFKC').toLowerCase().replace(/\s+/g, '');
}
const onlyCjk = (s: string) => [...s].filter((c) => /\p{Script=Han}/u.test(c)).join('');
const onlyLatin = (s: string) => [...s].filter((c) => /[a-z0-9]/.test(c)).join('');

/**
 * Levenshtein distance over code points. No edit-distance package is installed in this project;
 * this is the textbook two-row dynamic programme, used only as a metric here.
 */
function levenshtein(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const cur = [i];
    for (let j = 1; j <= y.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[y.length];
}

interface Score {
  errors: number;
  chars: number;
}
const add = (s: Score, ref: string, hyp: string) => {
  s.errors += levenshtein(ref, hyp);
  s.chars += [...ref].length;
};
/** 1 − CER, floored at 0 (CER can pass 1 when an engine invents text). */
const accuracy = (s: Score) => (s.chars ? round(Math.max(0, 1 - s.errors / s.chars) * 100, 1) : NaN);

interface EngineRun {
  name: string;
  texts: Map<string, string>;
  lines: Map<string, OcrLine[]>;
  /** Per pass over the set: photos/s on the photos with text and on those without. */
  passes: { perSecText: number; perSecNone: number }[];
}

const REPEATS = Math.max(3, Number(values.repeats));

/** Photos per second from the total time a pass spent on a group of photos. */
const perSecond = (count: number, ms: number) => (ms > 0 ? (count * 1000) / ms : NaN);

function scoreRun(run: EngineRun, items: Item[]) {
  const groups = new Map<string, { all: Score; zh: Score; en: Score }>();
  const g = (k: string) => {
    let v = groups.get(k);
    if (!v) groups.set(k, (v = { all: { errors: 0, chars: 0 }, zh: { errors: 0, chars: 0 }, en: { errors: 0, chars: 0 } }));
    return v;
  };
  let falseText = 0;
  for (const it of items) {
    const hyp = norm(run.texts.get(it.file) ?? '');
    if (it.kind === 'none') {
      falseText += [...hyp].length;
      continue;
    }
    const ref = norm(it.lines.join(''));
    for (const key of ['all', `kind:${it.kind}`, `variant:${it.variant}`]) {
      const s = g(key);
      add(s.all, ref, hyp);
      add(s.zh, onlyCjk(ref), onlyCjk(hyp));
      add(s.en, onlyLatin(ref), onlyLatin(hyp));
    }
  }
  const acc = Object.fromEntries([...groups].map(([k, v]) => [k, { all: accuracy(v.all), zh: accuracy(v.zh), en: accuracy(v.en) }]));
  return { accuracy: acc, charsInventedOnPhotosWithoutText: falseText };
}

// ---- engines ----

/**
 * Our engine in several settings at once, interleaved photo by photo (alternating which goes
 * first), so background load on a shared machine hits every setting alike.
 */
async function runOurs(configs: { name: string; opts: ConstructorParameters<typeof WorkerOcrEngine>[0] }[], items: Item[]): Promise<EngineRun[]> {
  const engines = configs.map((c) => new WorkerOcrEngine(c.opts));
  const runs: EngineRun[] = configs.map((c) => ({ name: c.name, texts: new Map(), lines: new Map(), passes: [] }));
  try {
    // worker start and model load are not per-photo costs
    for (const e of engines) await e.read(items[0].file);
    for (let pass = 0; pass < REPEATS; pass++) {
      const ms = engines.map(() => ({ text: 0, none: 0 }));
      for (const [n, it] of items.entries()) {
        for (let j = 0; j < engines.length; j++) {
          const e = (j + n + pass) % engines.length;
          const t = performance.now();
          const r = await engines[e].read(it.file);
          ms[e][it.kind === 'none' ? 'none' : 'text'] += performance.now() - t;
          if (pass === 0) {
            runs[e].lines.set(it.file, r.lines);
            runs[e].texts.set(it.file, r.lines.map((l) => l.text).join('\n'));
          }
        }
      }
      const nText = items.filter((i) => i.kind !== 'none').length;
      for (const [e, m] of ms.entries()) runs[e].passes.push({ perSecText: perSecond(nText, m.text), perSecNone: perSecond(items.length - nText, m.none) });
      console.log(`  pass ${pass + 1}/${REPEATS}: ${runs.map((r) => `${r.name} ${round(r.passes[pass].perSecText, 2)}/${round(r.passes[pass].perSecNone, 2)} photos/s`).join('; ')}`);
    }
  } finally {
    for (const e of engines) await e.close();
  }
  return runs;
}

function tesseractVersion(): string | null {
  const r = spawnSync('tesseract', ['--version'], { encoding: 'utf8' });
  if (r.status !== 0) return null;
  const langs = spawnSync('tesseract', ['--list-langs'], { encoding: 'utf8' }).stdout;
  if (!/chi_sim/.test(langs)) return null;
  return (r.stdout || r.stderr).split('\n')[0].trim();
}

/**
 * tesseract warm, as our worker is: one process per pass and group reads a list of files
 * (`tesseract list.txt stdout`), so its model loads once; pages come back separated by \f.
 */
function runTesseract(items: Item[], workDir: string): EngineRun {
  const run: EngineRun = { name: 'tesseract chi_sim+eng', texts: new Map(), lines: new Map(), passes: [] };
  const groups = { text: items.filter((i) => i.kind !== 'none'), none: items.filter((i) => i.kind === 'none') };
  const readAll = (group: Item[], name: string) => {
    const list = path.join(workDir, `tesseract-${name}.txt`);
    writeFileSync(list, group.map((i) => i.file).join('\n') + '\n');
    const t = performance.now();
    const r = spawnSync('tesseract', [list, 'stdout', '-l', 'chi_sim+eng'], { encoding: 'utf8', maxBuffer: 64 << 20 });
    const ms = performance.now() - t;
    if (r.status !== 0) throw new Error(`tesseract failed: ${r.stderr}`);
    const pages = r.stdout.split('\f');
    if (pages.length < group.length) throw new Error(`tesseract returned ${pages.length} pages for ${group.length} files`);
    return { ms, pages: pages.slice(0, group.length) };
  };
  readAll(groups.text.slice(0, 1), 'warmup');
  for (let pass = 0; pass < REPEATS; pass++) {
    const text = readAll(groups.text, 'text');
    const none = readAll(groups.none, 'none');
    run.passes.push({ perSecText: perSecond(groups.text.length, text.ms), perSecNone: perSecond(groups.none.length, none.ms) });
    console.log(`  pass ${pass + 1}/${REPEATS}: ${round(run.passes[pass].perSecText, 2)}/${round(run.passes[pass].perSecNone, 2)} photos/s`);
    if (pass > 0) continue;
    for (const [group, out] of [[groups.text, text], [groups.none, none]] as const) {
      group.forEach((it, i) => {
        const t = out.pages[i].split('\n').map((l) => l.trim()).filter(Boolean).join('\n');
        run.texts.set(it.file, t);
        run.lines.set(it.file, t ? t.split('\n').map((l) => ({ text: l, score: 1 })) : []);
      });
    }
  }
  return run;
}

// ---- retrieval ----

/**
 * recall@10 of word queries through the real search (Kanjian, fused views), with the engine's
 * text stored exactly as the OCR job stores it. File names carry no words, so only OCR counts.
 */
async function recallAt10(run: EngineRun, items: Item[], dir: string, workDir: string) {
  const dataDir = path.join(workDir, `data-${run.name.replace(/\W+/g, '-')}`);
  rmSync(dataDir, { recursive: true, force: true });
  const k = await Kanjian.open({ dataDir, model: TOY_MODEL, ocr: false });
  try {
    await k.indexFolder(dir);
    const repo = new OcrRepo(k.store.db);
    k.store.tx(() => {
      for (const it of items) {
        const row = k.store.photos.byPath(it.file);
        if (row?.sha256) repo.put(row.sha256, run.lines.get(it.file) ?? [], `bench:${run.name}`);
      }
      k.store.db.exec("DELETE FROM jobs WHERE kind = 'ocr'");
    });
    const per: { query: string; relevant: number; found: number; recall: number }[] = [];
    for (const q of QUERIES) {
      const terms = queryTerms(q);
      const relevant = new Set(items.filter((it) => it.lines.length && matchedTerms(it.lines.join('\n'), terms).length).map((it) => it.file));
      if (!relevant.size) continue;
      const res = await k.search({ query: q, limit: 10 });
      const found = res.results.filter((r) => relevant.has(r.photo.path)).length;
      per.push({ query: q, relevant: relevant.size, found, recall: found / Math.min(10, relevant.size) });
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / (xs.length || 1);
    const zh = per.filter((p) => /\p{Script=Han}/u.test(p.query));
    const en = per.filter((p) => !/\p{Script=Han}/u.test(p.query));
    return {
      recallAt10: round(mean(per.map((p) => p.recall)) * 100, 1),
      zh: round(mean(zh.map((p) => p.recall)) * 100, 1),
      en: round(mean(en.map((p) => p.recall)) * 100, 1),
      queries: per.length,
      perQuery: per,
    };
  } finally {
    await k.close();
  }
}

// ---- main ----

async function main(): Promise<void> {
  // Load first, before the set is made or anything measured.
  const machine = machineInfo();
  const waitS = Number(values['wait-idle']);
  if (waitS > 0) {
    const idle = await waitForIdleCpu({ timeoutMs: waitS * 1000, onWait: (b) => console.log(`waiting for the CPU to be idle (busy ${Math.round(b * 100)}%)…`) });
    if (!idle.quiet) console.log(`CPU still ${Math.round(idle.busy * 100)}% busy: numbers below are pessimistic`);
  }
  const workDir = path.join(REPO, '.cache/bench-ocr');
  // Named after how the text is drawn: a set cached by an older bench (system fonts) is not reused.
  const setDir = path.join(workDir, 'set-noto-sans-sc');
  console.log('making the photo set…');
  const all = await makeSet(setDir);
  const limit = Number(values.limit);
  const items = limit > 0 ? [...all.filter((i) => i.kind !== 'none').slice(0, limit), ...all.filter((i) => i.kind === 'none').slice(0, Math.ceil(limit / 4))] : all;
  const withText = items.filter((i) => i.kind !== 'none').length;
  console.log(`  ${items.length} photos (${withText} with text, ${items.length - withText} without), ${W}×${H}, in ${setDir}`);

  const runs: EngineRun[] = [];
  console.log(`our OCR: app settings (detector at ≤1280 px, 640 px first look) and without the first look, interleaved, ${REPEATS} passes…`);
  runs.push(
    ...(await runOurs(
      [
        { name: 'ours: PP-OCRv4 (app default)', opts: {} },
        { name: 'ours: PP-OCRv4, no first look', opts: { prepassSide: 0 } },
      ],
      items,
    )),
  );
  const tv = values['no-tesseract'] ? null : tesseractVersion();
  if (tv) {
    console.log(`${tv} (chi_sim+eng), warm (one process per pass over a file list), ${REPEATS} passes…`);
    runs.push(runTesseract(items, workDir));
  } else if (!values['no-tesseract']) {
    console.log('tesseract with chi_sim not found: apt-get install -y tesseract-ocr tesseract-ocr-chi-sim (peer skipped)');
  }

  type Row = {
    engine: string; accuracy: number; accuracyZh: number; accuracyEn: number; recallAt10: number;
    photosPerSecText: number; photosPerSecNoText: number; charsInvented: number;
  };
  const rows: Row[] = [];
  const results: (Row & { passes: EngineRun['passes']; byGroup: ReturnType<typeof scoreRun>['accuracy']; recall: Awaited<ReturnType<typeof recallAt10>> })[] = [];
  for (const run of runs) {
    const s = scoreRun(run, items);
    console.log(`recall@10 for ${run.name}…`);
    const rec = await recallAt10(run, items, setDir, workDir);
    const a = s.accuracy.all;
    const row: Row = {
      engine: run.name,
      accuracy: a.all,
      accuracyZh: a.zh,
      accuracyEn: a.en,
      recallAt10: rec.recallAt10,
      photosPerSecText: round(percentile(run.passes.map((p) => p.perSecText), 50), 2),
      photosPerSecNoText: round(percentile(run.passes.map((p) => p.perSecNone), 50), 2),
      charsInvented: s.charsInventedOnPhotosWithoutText,
    };
    rows.push(row);
    results.push({ ...row, passes: run.passes, byGroup: s.accuracy, recall: rec });
  }

  const none = items.length - withText;
  const headers = ['engine', 'char accuracy %', 'zh %', 'en %', 'recall@10 %', 'photos/s (text)', 'photos/s (no text)', `chars invented on ${none} photos without text`];
  const table = rows.map((r) => [r.engine, r.accuracy, r.accuracyZh, r.accuracyEn, r.recallAt10, r.photosPerSecText, r.photosPerSecNoText, r.charsInvented]);
  const groups = ['kind:sign', 'kind:receipt', 'kind:screenshot', 'variant:plain', 'variant:rotated', 'variant:blurred', 'variant:small'];
  const groupTable = markdownTable(['char accuracy % by case', ...rows.map((r) => r.engine)], groups.map((g) => [g.replace(':', ': '), ...results.map((r) => r.byGroup[g]?.all ?? null)]));
  const passTable = markdownTable(
    ['engine', ...Array.from({ length: REPEATS }, (_, i) => `pass ${i + 1} photos/s (text / no text)`)],
    results.map((r) => [r.engine, ...r.passes.map((p) => `${round(p.perSecText, 2)} / ${round(p.perSecNone, 2)}`)]),
  );
  const md = [
    '# Text in photos (bench:ocr)',
    '',
    machineMarkdown(machine),
    '',
    `Command: \`npm run bench:ocr\`. Set: ${withText} real camera photos (test/fixtures/photos, vendored exif-samples) with rendered Chinese/English text (Noto Sans SC from npm) — ${TEMPLATES.length} texts (signs, receipts, screenshots), each twice, ` +
      `cycling plain / rotated 7–13° / blurred (σ 1.6) / small (18–26 px at ${W}×${H}) — plus ${none} photos without text. Same files for every engine, same run.`,
    'Character accuracy = 1 − CER (Levenshtein over code points, NFKC, lower case, whitespace removed; a small DP in the bench: no edit-distance package is installed).',
    `recall@10: ${rows.length ? results[0].recall.queries : 0} one-word queries (half Chinese) through our search; each engine's text is stored as the OCR job stores it.`,
    `Photos/s: whole file → text, median of ${REPEATS} passes over the set, every engine warm: ours is \`WorkerOcrEngine.read\` (main/core/ocr/, the worker thread the app runs, models loaded once; our two settings interleaved photo by photo so machine load hits both alike), tesseract is one process per pass reading a file list (model loaded once per pass).`,
    '',
    markdownTable(headers, table),
    '',
    groupTable,
    '',
    passTable,
    '',
    'Run: `npm run bench:ocr` (the peer needs `apt-get install -y tesseract-ocr tesseract-ocr-chi-sim`). Search latency: `npm run bench:search`.',
  ].join('\n');
  const settings = { photos: items.length, withText, size: `${W}x${H}`, tesseract: tv, repeats: REPEATS, limit: limit || null };
  await writeBenchResult('ocr', { bench: 'ocr', machine, settings, results: { engines: results } }, md);
  console.log('\n' + textTable(headers, table));
  console.log('\nwrote bench-results/ocr.md');
}

await main();
