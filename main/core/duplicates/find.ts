// Duplicate groups of the three kinds, each labelled, none repeating a pair a stronger kind
// already holds, none chaining (see group.ts), none the user dismissed (see dismiss.ts).
//
//   exact    photos sharing a SHA-256
//   near     contents whose pHashes are within NEAR_MAX_DISTANCE bits (multi-index hashing)
//   similar  contents whose image vectors are within the model's cosine threshold (stored KNN
//            pairs), minus pairs that are exact or near
//
// Near and similar work on contents, one photo standing for each (the copy the exact group
// would keep), so identical copies are reviewed once, in their exact group.
import { createHash } from 'node:crypto';
import type { DuplicateGroup, DuplicateKind, DuplicatePhoto, DuplicatesRequest, DuplicatesResponse } from '../api.js';
import { toSummary, type Store } from '../store/index.js';
import type { Db } from '../store/db.js';
import { dismissedPairs, pairKey } from './dismiss.js';
import { anchorGroups, type Edge } from './group.js';
import { differencesFrom } from './differences.js';
import { chooseKeeper, rankCandidates } from './keep.js';
import { legacyEdges, nearEdges, type NearEdge, type NearInput } from './near.js';
import { KEPT_THRESHOLDS, nearPairs, type PairingSteps } from './near-pairs.js';
import { KeyCursor, nearDetails, nearFullWords, nearWindowRuns } from '../store/near-hashes.js';
import { candidate, Contents, type DuplicatePhotoRow } from './contents.js';
import { verifyNearEdge } from './verify-edges.js';
import { similarPairs, type ManifestModel } from './similar.js';
import { LEGACY_NEAR_MAX_DISTANCE, MAX_GROUP_SIZE, NEAR_MAX_DISTANCE, NEAR_WINDOW_MAX_DISTANCE, similarThreshold } from './thresholds.js';
import { round4 } from '../round.js';

export const DEFAULT_GROUP_LIMIT = 100;

function groupKey(kind: DuplicateKind, shas: string[]): string {
  return `${kind}:${createHash('sha256').update([...shas].sort().join(',')).digest('hex').slice(0, 20)}`;
}

interface BuiltGroup {
  kind: DuplicateKind;
  rows: DuplicatePhotoRow[];
  /** Per row: pHash bits or cosine to the anchor (undefined for exact). */
  closeness: (number | undefined)[];
  shas: string[];
  /** Near groups: what the matcher knows of each row against the keeper. */
  facts?: { luma: number | null; quarterTurns: number; cropped: boolean }[];
}

export interface FindOptions {
  /** The model whose vectors cover the library; null: no 'similar' kind. */
  model: ManifestModel | null;
  /**
   * Where near pairs found for newly hashed contents are kept (near-pairs.ts): the store's own
   * connection when it can write (the default), a writer beside a read-only store (the
   * grouping worker), or null: found, not kept.
   */
  pairsWriter?: Db | null;
  /**
   * Pair new contents one step at a time when many wait (near-pairs.ts): the groups then hold
   * the pairs found so far and say how far pairing is (AllGroups.pairing). The app's review
   * asks step after step; a one-shot caller (the CLI, a bench) leaves this out and gets every pair.
   */
  pairInSteps?: PairingSteps;
}

/**
 * The kept near pairs among these contents (`indexOf`: sha256 → index), pairing new contents
 * first, and every content with current hashes (sha256 ascending).
 */
function keptEdges(
  store: Store,
  opts: FindOptions,
  indexOf: (sha: string) => number | undefined,
): { edges: NearEdge[]; hashed: readonly string[]; pairing?: AllGroups['pairing'] } {
  const writer = opts.pairsWriter !== undefined ? opts.pairsWriter : store.db.readonly ? null : store.db;
  const edges: NearEdge[] = [];
  const run = nearPairs(store.db, writer, opts.pairInSteps);
  for (const p of run.pairs) {
    const a = indexOf(p.shaA);
    const b = indexOf(p.shaB);
    // A content no longer indexed keeps its pairs for when it comes back.
    if (a === undefined || b === undefined) continue;
    // Stored from sha_a's side; edges go from the lower index.
    const flip = a > b;
    const e: NearEdge = { a: flip ? b : a, b: flip ? a : b, distance: p.distance, turns: flip ? (4 - p.turns) % 4 : p.turns, cropped: p.cropped };
    if (p.window) e.window = { container: flip ? (p.window.container === 'a' ? 'b' : 'a') : p.window.container, index: p.window.index };
    edges.push(e);
  }
  const pairing = run.unpaired ? { done: run.hashed.length - run.unpaired, total: run.hashed.length } : undefined;
  return { edges, hashed: run.hashed, ...(pairing && { pairing }) };
}

/** What decides the groups (the rest of a request only filters and pages them). */
export interface GroupingParams {
  kind?: DuplicateKind;
  maxDistance?: number;
  minSimilarity?: number;
}

/** Every group of the library for these parameters, in review order. */
export interface AllGroups {
  groups: DuplicateGroup[];
  thresholds: DuplicatesResponse['thresholds'];
  notice?: DuplicatesResponse['notice'];
  message?: string;
  /** Near pairing still under way (FindOptions.pairInSteps): contents paired so far, of all with hashes. */
  pairing?: { done: number; total: number };
}

export function findDuplicates(store: Store, req: DuplicatesRequest, opts: FindOptions): DuplicatesResponse {
  return pageGroups(buildGroups(store, req, opts), req);
}

/** One page of the groups, optionally only those touching a folder. */
export function pageGroups(all: AllGroups, req: DuplicatesRequest): DuplicatesResponse {
  let shaped = all.groups;
  if (req.folderId !== undefined) {
    const folderId = req.folderId;
    shaped = shaped.filter((g) => g.photos.some((p) => p.folderId === folderId));
  }
  const offset = req.offset ?? 0;
  const limit = req.limit ?? DEFAULT_GROUP_LIMIT;
  return {
    groups: shaped.slice(offset, offset + limit),
    total: shaped.length,
    thresholds: all.thresholds,
    ...(all.notice && { notice: all.notice }),
    ...(all.message && { message: all.message }),
  };
}

export function buildGroups(store: Store, req: GroupingParams, opts: FindOptions): AllGroups {
  const kinds: DuplicateKind[] = req.kind ? [req.kind] : ['exact', 'near', 'similar'];
  const maxDistance = req.maxDistance ?? NEAR_MAX_DISTANCE;
  const model = opts.model;
  const minSimilarity = model ? (req.minSimilarity ?? similarThreshold(model.model.manifest)) : null;

  const contents = new Contents(store.db);
  const dismissed = dismissedPairs(store);

  const groups: BuiltGroup[] = [];

  if (kinds.includes('exact')) {
    for (let i = 0; i < contents.count; i++) {
      const sha = contents.sha(i);
      if (contents.copies(i) < 2 || dismissed.has(pairKey(sha, sha))) continue;
      const photos = contents.photos(i);
      if (photos.length < 2) continue;
      groups.push({ kind: 'exact', rows: photos, closeness: photos.map(() => undefined), shas: [sha] });
    }
  }

  // Near pairs are needed for 'similar' too: a near pair must not be offered again as similar.
  const needNear = kinds.includes('near') || kinds.includes('similar');
  let nearMembers = new Set<number>();
  const nearSet = new Set<number>();
  const nearInfo = new Map<number, NearEdge>();
  let pairing: AllGroups['pairing'];
  const pairId = (a: number, b: number) => (a < b ? a * contents.count + b : b * contents.count + a);
  const isNear = (a: number, b: number) => nearSet.has(pairId(a, b));
  if (needNear) {
    const t = { full: maxDistance, window: NEAR_WINDOW_MAX_DISTANCE, legacy: LEGACY_NEAR_MAX_DISTANCE };
    let candidates: NearEdge[];
    if (maxDistance === KEPT_THRESHOLDS.full) {
      // At the default thresholds the pairs are kept between reviews (near-pairs.ts): only
      // contents not paired before are searched for.
      const kept = keptEdges(store, opts, (sha) => contents.indexOf(sha));
      candidates = kept.edges;
      pairing = kept.pairing;
      // Rows without the new hashes pair by their old pHash (read only if there are any).
      // Both lists are in sha256 order: a merge (a Map lookup a content cost ~1 s at 1M).
      const hasFull = new Uint8Array(contents.count);
      const cursor = new KeyCursor(contents.sortedShas());
      for (const sha of kept.hashed) {
        const i = cursor.position(sha);
        if (i >= 0) hasFull[i] = 1;
      }
      if (hasFull.includes(0)) {
        const input = { count: contents.count, full: new Uint32Array(0), hasFull, windowRuns: () => [], legacy: contents.phashes() };
        candidates = [...candidates, ...legacyEdges(input, t)];
      }
    } else {
      // Other thresholds search afresh: the hashes as numbers, the windows read a page at a
      // time while they are joined (as strings in maps a million contents' took gigabytes).
      // Contents' indexes are their rank in sha256 order, the order the store reads in.
      const keys = contents.sortedShas();
      const { full, hasFull } = nearFullWords(store.db, keys);
      const input: NearInput = {
        count: contents.count,
        full,
        hasFull,
        windowRuns: () => nearWindowRuns(store.db, keys, hasFull),
        legacy: contents.phashes(),
      };
      candidates = nearEdges(input, t);
    }
    // The rows of every content in a candidate pair; a pair whose photos left meanwhile drops.
    contents.load(candidates.flatMap((e) => [e.a, e.b]));
    candidates = candidates.filter((e) => contents.rep(e.a) && contents.rep(e.b));
    // Hash candidates are checked by aligning the two pictures (verify.ts), only for the pairs a
    // group is about to take; a grid is read only for a pair with no verdict yet. A pair
    // that fails is not near (a burst frame may still be a similar shot).
    const details = nearDetails(store.db, new Set(candidates.flatMap((e) => [contents.sha(e.a), contents.sha(e.b)])));
    const edges: Edge[] = [];
    for (const e of candidates) {
      nearSet.add(pairId(e.a, e.b));
      nearInfo.set(pairId(e.a, e.b), e);
      if (dismissed.has(pairKey(contents.sha(e.a), contents.sha(e.b)))) continue;
      edges.push({ a: e.a, b: e.b, cost: e.distance });
    }
    const accept = (i: number, j: number) => {
      const e = nearInfo.get(pairId(i, j));
      if (!e) return true;
      const ok = verifyNearEdge(e, contents.sha(e.a), contents.sha(e.b), (k) => details.detail(contents.sha(k)));
      if (!ok) nearSet.delete(pairId(i, j));
      return ok;
    };
    const near = anchorGroups(contents.count, edges, { maxSize: MAX_GROUP_SIZE, accept });
    nearMembers = new Set<number>();
    for (const g of near) {
      // Only the near group's keeper stays eligible for similar groups.
      const rowsOf = g.members.map((i) => contents.rep(i)!);
      const keepId = chooseKeeper(rowsOf.map(candidate)).keepId;
      for (const i of g.members) if (contents.rep(i)!.id !== keepId) nearMembers.add(i);
      if (kinds.includes('near')) {
        const keeper = g.members.find((i) => contents.rep(i)!.id === keepId)!;
        const facts = g.members.map((i) => {
          const e = nearInfo.get(pairId(keeper, i)) ?? nearInfo.get(pairId(g.anchor, i));
          // Turns are from the lower index to the higher: the other way round they are 4 − t.
          const turns = e ? (e.a === Math.min(keeper, i) ? e.turns : (4 - e.turns) % 4) : 0;
          return { luma: details.luma(contents.sha(i)), quarterTurns: turns, cropped: !!e?.cropped };
        });
        groups.push({ kind: 'near', rows: rowsOf, closeness: g.costs, shas: g.members.map((i) => contents.sha(i)), facts });
      }
    }
  }

  let message: string | undefined;
  let notice: AllGroups['notice'];
  if (kinds.includes('similar')) {
    if (!model || minSimilarity === null) {
      message = 'Similar shots need an image model: install one (npm run -s cli -- models list) to find bursts and same-scene photos.';
      notice = { code: 'duplicates.needsModel' };
    } else {
      const edges: Edge[] = [];
      for (const p of similarPairs(store, model.modelId, minSimilarity)) {
        const a = contents.indexOf(p.shaA);
        const b = contents.indexOf(p.shaB);
        if (a === undefined || b === undefined) continue; // a content no longer in the library
        if (nearMembers.has(a) || nearMembers.has(b)) continue;
        if (dismissed.has(pairKey(p.shaA, p.shaB))) continue;
        if (isNear(a, b)) continue;
        edges.push({ a, b, cost: 1 - p.score });
      }
      contents.load(edges.flatMap((e) => [e.a, e.b]));
      const similar = anchorGroups(contents.count, edges.filter((e) => contents.rep(e.a) && contents.rep(e.b)), {
        maxSize: MAX_GROUP_SIZE,
        conflict: (i, j) => isNear(i, j) || dismissed.has(pairKey(contents.sha(i), contents.sha(j))),
      });
      for (const g of similar) {
        groups.push({
          kind: 'similar',
          rows: g.members.map((i) => contents.rep(i)!),
          closeness: g.costs.map((c) => round4(1 - c)),
          shas: g.members.map((i) => contents.sha(i)),
        });
      }
    }
  }

  const shaped = groups.map((g) => shape(g));
  const kindOrder: Record<DuplicateKind, number> = { exact: 0, near: 1, similar: 2 };
  shaped.sort(
    (a, b) => kindOrder[a.kind] - kindOrder[b.kind] || b.reclaimableBytes - a.reclaimableBytes || a.key.localeCompare(b.key),
  );
  return {
    groups: shaped,
    thresholds: { nearMaxDistance: maxDistance, similarMinScore: minSimilarity },
    ...(notice && { notice }),
    ...(message && { message }),
    ...(pairing && { pairing }),
  };
}

function shape(g: BuiltGroup): DuplicateGroup {
  const candidates = g.rows.map(candidate);
  const decision = chooseKeeper(candidates);
  const rank = new Map(rankCandidates(candidates).map((id, i) => [id, i]));
  const keeperIndex = g.rows.findIndex((r) => r.id === decision.keepId);
  const keeper = g.rows[keeperIndex];
  const photos: DuplicatePhoto[] = g.rows.map((r, i) => {
    const keep = r.id === decision.keepId;
    const p: DuplicatePhoto = {
      ...toSummary(r),
      size: r.size,
      format: r.format,
      keep,
      reason: keep ? decision.keepReason : decision.otherReasons.get(r.id)!,
      rank: rank.get(r.id)!,
      differences: keep || g.kind === 'exact' ? [] : differencesFrom({ ...candidate(r), ...g.facts?.[i] }, { ...candidate(keeper), ...g.facts?.[keeperIndex] }),
    };
    const c = g.closeness[i];
    if (g.kind === 'near' && c !== undefined) p.distance = c;
    if (g.kind === 'similar' && c !== undefined) p.similarity = c;
    return p;
  });
  photos.sort((a, b) => a.rank - b.rank);
  const reclaimableBytes = photos.filter((p) => !p.keep).reduce((s, p) => s + p.size, 0);
  return { key: groupKey(g.kind, g.shas), kind: g.kind, photos, reclaimableBytes };
}
