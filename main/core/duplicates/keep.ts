// Which photo of a duplicate group to keep, and why. Rules run in order; the first that tells
// the candidates apart decides, and its reason is shown to the user:
//   1. higher resolution            — a resize or crop loses pixels for good
//   2. original camera format       — JPEG/HEIC/TIFF is what cameras write; a PNG/WebP/GIF of
//                                     the same picture is almost always a conversion of it
//   3. camera EXIF present          — converters and messengers strip it; the original has it
//   4. larger file, same resolution — less compression (checked after EXIF: a re-save at a
//                                     higher quality setting is bigger yet no better)
//   5. earliest date taken
//   6. oldest file on disk          — for byte-identical copies, the first one made
//   7. shortest name, then by path  — everything equal: copies usually gain a suffix
//                                     ("IMG_1 (1).jpg", "IMG_1 copy.jpg")
// A reason travels as data (rule + facts, `KeepReason`) so the UI words it in its language;
// the CLI words it in English (main/cli/commands/duplicate-reasons.ts).
import path from 'node:path';
import type { KeepReason, KeepRule } from '../api.js';

export interface KeepCandidate {
  id: number;
  path: string;
  width: number | null;
  height: number | null;
  format: string | null;
  size: number;
  hasExif: boolean;
  takenAt: string | null;
  mtimeMs: number;
}

export interface KeepDecision {
  keepId: number;
  /** The rule that decided. */
  rule: KeepRule;
  /** Why the kept photo was chosen. */
  keepReason: KeepReason;
  /** Why each other photo was not kept, by id. */
  otherReasons: Map<number, KeepReason>;
}

export type { KeepRule };

const CAMERA_FORMATS: ReadonlySet<string> = new Set(['jpeg', 'heic', 'tiff']);

const pixels = (c: KeepCandidate) => (c.width ?? 0) * (c.height ?? 0);

interface Rule {
  rule: KeepRule;
  /** Higher is better; null when the rule cannot judge this photo. */
  score(c: KeepCandidate): number | null;
  /** The facts behind the reason, for photo `c` against the kept photo `best`. */
  params(c: KeepCandidate, best: KeepCandidate): Record<string, string | number>;
}

const RULES: Rule[] = [
  {
    rule: 'resolution',
    score: (c) => (c.width && c.height ? pixels(c) : null),
    params: (c, b) => ({ width: c.width ?? 0, height: c.height ?? 0, keptWidth: b.width ?? 0, keptHeight: b.height ?? 0 }),
  },
  {
    rule: 'format',
    score: (c) => (c.format ? (CAMERA_FORMATS.has(c.format) ? 1 : 0) : null),
    params: (c, b) => ({ format: c.format ?? '', keptFormat: b.format ?? '' }),
  },
  { rule: 'exif', score: (c) => (c.hasExif ? 1 : 0), params: () => ({}) },
  { rule: 'size', score: (c) => c.size, params: (c, b) => ({ bytes: c.size, keptBytes: b.size }) },
  {
    rule: 'taken',
    // Earlier is better: negate the timestamp. Dates without a zone compare as local times.
    score: (c) => (c.takenAt ? -Date.parse(c.takenAt) || null : null),
    params: (c, b) => ({ takenAt: c.takenAt ?? '', keptTakenAt: b.takenAt ?? '' }),
  },
  {
    rule: 'mtime',
    score: (c) => -c.mtimeMs,
    params: (c, b) => ({ mtime: new Date(c.mtimeMs).toISOString(), keptMtime: new Date(b.mtimeMs).toISOString() }),
  },
];

/** Picks the photo to keep. `candidates` must hold at least one photo. */
export function chooseKeeper(candidates: readonly KeepCandidate[]): KeepDecision {
  if (!candidates.length) throw new Error('chooseKeeper: no candidates');
  let pool = [...candidates];
  const otherReasons = new Map<number, KeepReason>();
  const fellAt = new Map<number, Rule>();
  for (const r of RULES) {
    const scores = pool.map((c) => r.score(c));
    // A rule that cannot judge some photo (unknown size, no date) does not decide.
    if (scores.some((s) => s === null)) continue;
    const best = Math.max(...(scores as number[]));
    const winners = pool.filter((_, i) => scores[i] === best);
    if (winners.length === pool.length) continue;
    for (const c of pool) if (!winners.includes(c)) fellAt.set(c.id, r);
    pool = winners;
    if (winners.length === 1) break;
  }
  const nameLength = (c: KeepCandidate) => path.basename(c.path).length;
  pool.sort((a, b) => nameLength(a) - nameLength(b) || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const keeper = pool[0];
  for (const c of candidates) {
    if (c === keeper) continue;
    const r = fellAt.get(c.id);
    otherReasons.set(c.id, r ? { rule: r.rule, params: r.params(c, keeper) } : { rule: 'path', params: { keptName: path.basename(keeper.path) } });
  }
  // The keeper's reason is the rule that removed the last rival.
  const decided = new Set(fellAt.values());
  const last = [...RULES].reverse().find((r) => decided.has(r));
  const keepReason: KeepReason = last ? { rule: last.rule, params: last.params(keeper, keeper) } : { rule: 'path', params: { keptName: path.basename(keeper.path) } };
  return { keepId: keeper.id, rule: keepReason.rule, keepReason, otherReasons };
}

/**
 * The whole keep order: the keeper, then the keeper of the rest, and so on. When the user
 * marks the keeper for the trash, the next photo in this order becomes the one kept.
 */
export function rankCandidates(candidates: readonly KeepCandidate[]): number[] {
  const order: number[] = [];
  let rest = [...candidates];
  while (rest.length) {
    const { keepId } = chooseKeeper(rest);
    order.push(keepId);
    rest = rest.filter((c) => c.id !== keepId);
  }
  return order;
}
