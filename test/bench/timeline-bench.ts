// The timeline at scale: N photo rows written through the store (dates over 15 years, 10%
// without EXIF so dated by file time, cameras and lenses, year/event folders), then the
// per-month and per-day histograms, a jump to the oldest month (the page at its offset), a page
// in the middle by name, the camera/lens/year lists and the folder tree — each the median of 7
// runs after one warm-up, on the library file (WAL, page cache warm).
//   npm run bench:timeline -- --photos 100000
// Writes bench-results/timeline-<N>.md and .json.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { libraryFacets } from '../../main/core/library/facets.js';
import { folderTree } from '../../main/core/library/folder-tree.js';
import { listSorted, timeline } from '../../main/core/library/timeline.js';
import { Store } from '../../main/core/store/index.js';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const N = arg('photos', 100_000);
const CAMERAS = [['Canon', 'Canon EOS 40D', 'EF-S 17-85mm'], ['Apple', 'iPhone 13 Pro', 'iPhone 13 Pro back camera'], ['SONY', 'ILCE-7M3', 'FE 24-70mm F2.8 GM'], ['Xiaomi', 'Mi 11', null], ['FUJIFILM', 'X-T30', 'XF35mmF2 R WR']];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}
function time(fn: () => unknown): number {
  fn();
  const runs: number[] = [];
  for (let i = 0; i < 7; i++) {
    const t = performance.now();
    fn();
    runs.push(performance.now() - t);
  }
  return Math.round(median(runs) * 100) / 100;
}

const tmp = mkdtempSync(path.join(os.tmpdir(), 'kanjian-timeline-bench-'));
try {
  const store = Store.open(path.join(tmp, 'library.db'));
  const folder = store.folders.add('/photos/Pictures');
  let seed = 2026;
  const r = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const t0 = performance.now();
  const start = Date.UTC(2010, 0, 1) / 1000;
  const span = 15 * 365 * 86_400;
  store.db.transaction(() => {
    for (let i = 0; i < N; i++) {
      const t = start + Math.floor(r() * span);
      const d = new Date(t * 1000).toISOString().slice(0, 19);
      const [make, model, lens] = CAMERAS[i % CAMERAS.length];
      const noExif = r() < 0.1;
      store.photos.upsert({
        folder_id: folder.id, path: `/photos/Pictures/${d.slice(0, 4)}/${d.slice(5, 7)} event ${i % 7}/IMG_${String(i).padStart(7, '0')}.jpg`,
        size: 2_000_000, mtime_ms: t * 1000, sha256: `sha${i}`, width: 4032, height: 3024, format: 'jpeg',
        taken_at: noExif ? null : d, camera_make: noExif ? null : make, camera_model: noExif ? null : model,
        lat: null, lon: null, orientation: 1, phash: null, has_thumb: 1, status: 'indexed', error: null, indexed_at: Date.now(),
        lens: noExif ? null : lens,
      });
    }
    store.db.exec('DELETE FROM jobs');
  })();
  const buildMs = Math.round(performance.now() - t0);
  store.db.exec('ANALYZE');
  const db = store.db;
  const months = timeline(db, { by: 'month', tagModelId: null });
  const oldest = months.buckets.at(-1)!;
  const results = {
    photos: N,
    months: months.buckets.length,
    days: timeline(db, { by: 'day', tagModelId: null }).buckets.length,
    buildMs,
    ms: {
      histogramByMonth: time(() => timeline(db, { by: 'month', tagModelId: null })),
      histogramByDay: time(() => timeline(db, { by: 'day', tagModelId: null })),
      jumpToOldestMonth: time(() => listSorted(db, { sort: 'taken', offset: oldest.offset, limit: 200, tagModelId: null })),
      firstPageTaken: time(() => listSorted(db, { sort: 'taken', offset: 0, limit: 200, tagModelId: null })),
      middlePageByName: time(() => listSorted(db, { sort: 'name', offset: Math.floor(N / 2), limit: 200, tagModelId: null })),
      histogramUnderFolderFilter: time(() => timeline(db, { by: 'month', filters: { folder: '/photos/Pictures/2015' }, tagModelId: null })),
      facets: time(() => libraryFacets(db, { tagModelId: null })),
      folderTree: time(() => folderTree(db, folder.id)),
    },
    load: os.loadavg()[0],
  };
  // The jump lands on the month it names.
  const page = listSorted(db, { sort: 'taken', offset: oldest.offset, limit: 1, tagModelId: null });
  if (!(page.photos[0].takenAt ?? '').startsWith(oldest.key) && page.photos[0].takenAt !== null) throw new Error('jump landed elsewhere');
  store.close();
  mkdirSync('bench-results', { recursive: true });
  writeFileSync(`bench-results/timeline-${N}.json`, JSON.stringify(results, null, 2));
  const md = [
    `# Timeline at ${N.toLocaleString('en')} photos`,
    '',
    `${results.months} months, ${results.days} days; rows written in ${buildMs} ms; load average ${results.load.toFixed(1)} (shared 2-core machine).`,
    'Median of 7 runs after a warm-up, in ms:',
    '',
    '| step | ms |',
    '| --- | --- |',
    ...Object.entries(results.ms).map(([k, v]) => `| ${k} | ${v} |`),
    '',
  ].join('\n');
  writeFileSync(`bench-results/timeline-${N}.md`, md);
  console.log(md);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
