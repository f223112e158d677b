// Why the duplicates bench misses a copy or pairs a look-alike: runs the near-copy tier (the
// app's hashes, candidate search, alignment check and anchor grouping) on a set the bench
// built and kept (`npm run bench:duplicates -- --keep`), and prints, per miss, where the pair
// was lost (no hash candidate, refused by the check, or grouping), and per wrong pair what the
// check measured. A development tool: the bench's numbers come from the app itself.
//
//   npx tsx test/bench/duplicates/analyse.ts <set dir> [--all]
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { anchorGroups, type Edge } from '../../../main/core/duplicates/group.js';
import { nearEdges, type NearEdge } from '../../../main/core/duplicates/near.js';
import { MAX_GROUP_SIZE, NEAR_MAX_DISTANCE, NEAR_WINDOW_MAX_DISTANCE } from '../../../main/core/duplicates/thresholds.js';
import { forgetNearVerdicts, judgeNearEdge } from '../../../main/core/duplicates/verify-edges.js';
import { openImage, readPhoto } from '../../../main/core/media/decode.js';
import { hashInputOf, nearHashes, rotateHash, WINDOWS, type NearHashes } from '../../../main/core/media/near-hash.js';
import { hammingDistance } from '../../../main/core/media/hash.js';

const dir = process.argv[2];
const showAll = process.argv.includes('--all');
const files = readdirSync(dir).filter((f) => /\.(jpe?g|png|webp|heic)$/i.test(f)).sort();

interface Info {
  file: string;
  pic: string;
  kind: string;
}
const infos: Info[] = files.map((f) => {
  const m = /^(p\d+)__(\w+)\./.exec(f);
  return m ? { file: f, pic: m[1], kind: m[2] } : { file: f, pic: f, kind: f.split('-')[0] };
});
const origin = (i: Info) => (i.kind === 'burst' || i.kind === 'later' ? `${i.pic}:${i.kind}` : i.pic);

// The grey renders, cached: decoding 600 files takes a while, the hashes are what changes.
const cacheFile = path.join(dir, '..', `${path.basename(dir)}.grey.bin`);
const greys = new Map<string, { grey: Uint8Array; width: number; height: number }>();
if (existsSync(cacheFile)) {
  const buf = readFileSync(cacheFile);
  let o = 0;
  while (o < buf.length) {
    const nameLen = buf.readUInt16LE(o);
    const name = buf.subarray(o + 2, o + 2 + nameLen).toString();
    o += 2 + nameLen;
    const width = buf.readUInt16LE(o);
    const height = buf.readUInt16LE(o + 2);
    o += 4;
    greys.set(name, { grey: new Uint8Array(buf.subarray(o, o + width * height)), width, height });
    o += width * height;
  }
}
if (files.some((f) => !greys.has(f))) {
  for (const f of files) {
    if (greys.has(f)) continue;
    const { bytes } = await readPhoto(path.join(dir, f));
    const { image } = await openImage(bytes, { decodeSize: 320 });
    greys.set(f, await hashInputOf(image));
  }
  const parts: Buffer[] = [];
  for (const [name, g] of greys) {
    const head = Buffer.alloc(2);
    head.writeUInt16LE(Buffer.byteLength(name));
    const size = Buffer.alloc(4);
    size.writeUInt16LE(g.width);
    size.writeUInt16LE(g.height, 2);
    parts.push(head, Buffer.from(name), size, Buffer.from(g.grey));
  }
  writeFileSync(cacheFile, Buffer.concat(parts));
}

const t0 = performance.now();
const hashes: NearHashes[] = files.map((f) => {
  const g = greys.get(f)!;
  return nearHashes(g.grey, g.width, g.height);
});
const tHash = performance.now() - t0;
const items = hashes.map((h) => ({ full: h.full, windows: h.windows, legacy: null }));
const t1 = performance.now();
const candidates = nearEdges(items, { full: NEAR_MAX_DISTANCE, window: NEAR_WINDOW_MAX_DISTANCE, legacy: 10 });
const byPair = new Map<string, NearEdge>();
const key = (a: number, b: number) => (a < b ? `${a}:${b}` : `${b}:${a}`);
for (const e of candidates) byPair.set(key(e.a, e.b), e);
forgetNearVerdicts();
const judged = new Map<string, ReturnType<typeof judgeNearEdge>>();
const judge = (e: NearEdge) => {
  const k = key(e.a, e.b);
  let j = judged.get(k);
  if (!j) judged.set(k, (j = judgeNearEdge(e, (i) => hashes[i].detail)));
  return j;
};
const edges: Edge[] = candidates.map((e) => ({ a: e.a, b: e.b, cost: e.distance }));
const groups = anchorGroups(files.length, edges, {
  maxSize: MAX_GROUP_SIZE,
  accept: (i, j) => {
    const e = byPair.get(key(i, j));
    return !e || judge(e).ok;
  },
});
const tGroup = performance.now() - t1;
const groupOf = new Int32Array(files.length).fill(-1);
for (const [g, grp] of groups.entries()) for (const m of grp.members) groupOf[m] = g;

const fmt = (j: ReturnType<typeof judgeNearEdge> | undefined) => (j ? `${j.ok ? 'ok' : 'REFUSED'} ${j.why}` : 'not checked');
const closest = (a: NearHashes, b: NearHashes) => {
  const full = Math.min(...[0, 1, 2, 3].map((t) => hammingDistance(rotateHash(a.full, t), b.full)));
  const win = Math.min(...a.windows.map((w) => hammingDistance(w, b.full)), ...b.windows.map((w) => hammingDistance(w, a.full)));
  return `full ${full}, window ${win}`;
};

const index = new Map(files.map((f, i) => [f, i]));
const originals = infos.map((x, i) => [x, i] as const).filter(([x]) => x.kind === 'original');
const kinds = [...new Set(infos.filter((x) => /^p\d+$/.test(x.pic) && !['original', 'burst', 'later'].includes(x.kind)).map((x) => x.kind))];
console.log(`${files.length} files, ${candidates.length} candidate pairs, ${judged.size} checked; hashing ${tHash.toFixed(0)} ms, grouping ${tGroup.toFixed(0)} ms`);
for (const kind of kinds) {
  const misses: string[] = [];
  for (const [o, oi] of originals) {
    const vi = index.get(files.find((f) => f.startsWith(`${o.pic}__${kind}.`))!)!;
    if (groupOf[oi] >= 0 && groupOf[oi] === groupOf[vi]) continue;
    const e = byPair.get(key(oi, vi));
    const why = !e ? `no candidate (${closest(hashes[oi], hashes[vi])})` : fmt(judged.get(key(oi, vi)) ?? judge(e));
    const where = `orig in ${groupOf[oi] >= 0 ? `group of ${files[groups[groupOf[oi]].anchor]}` : 'none'}, copy in ${groupOf[vi] >= 0 ? `group of ${files[groups[groupOf[vi]].anchor]}` : 'none'}`;
    misses.push(`  ${o.pic}: ${why}; ${where}`);
  }
  console.log(`${kind}: ${originals.length - misses.length}/${originals.length}`);
  for (const m of misses) console.log(m);
}
let wrong = 0;
const wrongAnchors = new Set<string>();
for (const g of groups) {
  for (const m of g.members) {
    if (m === g.anchor) continue;
    if (origin(infos[m]) !== origin(infos[g.anchor])) {
      wrong++;
      wrongAnchors.add(`  ${files[g.anchor]} ~ ${files[m]}: ${fmt(judged.get(key(g.anchor, m)))}`);
    }
  }
}
console.log(`wrong anchor-member links: ${wrong}`);
for (const w of wrongAnchors) console.log(w);
if (showAll) {
  // Every checked pair by what it is: how far apart copies and look-alikes are on each measure.
  const rows: string[] = [];
  for (const [k, j] of judged) {
    const [a, b] = k.split(':').map(Number);
    const same = origin(infos[a]) === origin(infos[b]);
    rows.push(`${same ? 'copy ' : 'WRONG'} ${infos[a].file} ~ ${infos[b].file}: ${fmt(j)}`);
  }
  rows.sort();
  for (const r of rows) console.log(r);
}
void WINDOWS;
