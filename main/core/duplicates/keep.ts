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
import path from 'node:path';
import type { KeepRule } from '../api.js';
import { FORMAT_LABEL, type PhotoFormat } from '../media/formats.js';

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
  /** Why the kept photo was chosen (for the keeper). */
  keepReason: string;
  /** Why each other photo was not kept, by id. */
  otherReasons: Map<number, string>;
  /** The rule at which each other photo fell out, by id. */
  otherRules: Map<number, KeepRule>;
  /** The rule that decided. */
  rule: KeepRule;
}

export type { KeepRule };

const CAMERA_FORMATS: ReadonlySet<string> = new Set(['jpeg', 'heic', 'tiff']);

const pixels = (c: KeepCandidate) => (c.width ?? 0) * (c.height ?? 0);
const dims = (c: KeepCandidate) => (c.width && c.height ? `${c.width}×${c.height}` : 'unknown size');
const formatName = (c: KeepCandidate) => (c.format ? (FORMAT_LABEL[c.format as PhotoFormat] ?? c.format.toUpperCase()) : 'unknown format');

interface Rule {
  rule: KeepRule;
  /** Higher is better; null when the rule cannot judge this photo. */
  score(c: KeepCandidate): number | null;
  keep(best: KeepCandidate, others: KeepCandidate[]): string;
  lose(c: KeepCandidate, best: KeepCandidate): string;
  /** Wording for similar shots, where a rule's "copy" wording would be untrue. */
  keepShot?(best: KeepCandidate, others: KeepCandidate[]): string;
  loseShot?(c: KeepCandidate, best: KeepCandidate): string;
}

const RULES: Rule[] = [
  {
    rule: 'resolution',
    score: (c) => (c.width && c.height ? pixels(c) : null),
    keep: (b, o) => `highest resolution: ${dims(b)} (others ${[...new Set(o.map(dims))].join(', ')})`,
    lose: (c, b) => `lower resolution (${dims(c)}) than the kept photo (${dims(b)})`,
  },
  {
    rule: 'format',
    score: (c) => (c.format ? (CAMERA_FORMATS.has(c.format) ? 1 : 0) : null),
    keep: (b, o) => `original camera format (${formatName(b)}); the others are ${[...new Set(o.map(formatName))].join('/')} re-saves`,
    lose: (c, b) => `${formatName(c)} re-save of a ${formatName(b)} original`,
    // Similar shots are different pictures: no one is a re-save of another.
    keepShot: (b, o) => `camera format (${formatName(b)}) rather than ${[...new Set(o.map(formatName))].join('/')}`,
    loseShot: (c) => `${formatName(c)}, not a camera format`,
  },
  {
    rule: 'exif',
    score: (c) => (c.hasExif ? 1 : 0),
    keep: () => 'keeps the camera EXIF data (date, camera) that the others lost',
    lose: () => 'no camera EXIF data (stripped by a converter or messenger)',
    keepShot: () => 'has camera EXIF data (date, camera); the others have none',
    loseShot: () => 'no camera EXIF data',
  },
  {
    rule: 'size',
    score: (c) => c.size,
    keep: (b, o) => `largest file at the same resolution (${bytes(b.size)} vs ${o.map((x) => bytes(x.size)).join(', ')}): less compression`,
    lose: (c, b) => `smaller file (${bytes(c.size)} vs ${bytes(b.size)}): more compressed`,
    keepShot: (b, o) => `largest file at the same resolution (${bytes(b.size)} vs ${o.map((x) => bytes(x.size)).join(', ')})`,
    loseShot: (c, b) => `smaller file (${bytes(c.size)} vs ${bytes(b.size)})`,
  },
  {
    rule: 'taken',
    // Earlier is better: negate the timestamp. Dates without a zone compare as local times.
    score: (c) => (c.takenAt ? -Date.parse(c.takenAt) || null : null),
    keep: (b) => `taken earliest (${b.takenAt})`,
    lose: (c) => `taken later (${c.takenAt})`,
  },
  {
    rule: 'mtime',
    score: (c) => -c.mtimeMs,
    keep: (b) => `identical; kept the oldest copy (file dated ${new Date(b.mtimeMs).toISOString().slice(0, 10)})`,
    lose: () => 'a later copy of the kept photo',
    keepShot: (b) => `oldest file (dated ${new Date(b.mtimeMs).toISOString().slice(0, 10)})`,
    loseShot: () => 'newer file',
  },
];

/**
 * Picks the photo to keep. `candidates` must hold at least one photo. `shots`: the photos are
 * different shots of one moment (similar), not copies of one picture, which changes the wording.
 */
export function chooseKeeper(candidates: readonly KeepCandidate[], opts: { shots?: boolean } = {}): KeepDecision {
  if (!candidates.length) throw new Error('chooseKeeper: no candidates');
  let pool = [...candidates];
  const otherReasons = new Map<number, string>();
  const otherRules = new Map<number, KeepRule>();
  for (const rule of RULES) {
    const r = opts.shots
      ? { ...rule, keep: rule.keepShot ?? rule.keep, lose: rule.loseShot ?? rule.lose }
      : rule;
    const scores = pool.map((c) => r.score(c));
    // A rule that cannot judge some photo (unknown size, no date) does not decide.
    if (scores.some((s) => s === null)) continue;
    const best = Math.max(...(scores as number[]));
    const winners = pool.filter((_, i) => scores[i] === best);
    if (winners.length === pool.length) continue;
    const losers = pool.filter((_, i) => scores[i] !== best);
    if (winners.length === 1) {
      const keeper = winners[0];
      for (const c of candidates) {
        if (c === keeper || otherReasons.has(c.id)) continue;
        otherReasons.set(c.id, r.lose(c, keeper));
        otherRules.set(c.id, r.rule);
      }
      return { keepId: keeper.id, keepReason: r.keep(keeper, losers), otherReasons, otherRules, rule: r.rule };
    }
    // Some fell out at this rule: their reason is this rule, judged against a winner.
    for (const c of losers) {
      otherReasons.set(c.id, r.lose(c, winners[0]));
      otherRules.set(c.id, r.rule);
    }
    pool = winners;
  }
  const nameLength = (c: KeepCandidate) => path.basename(c.path).length;
  pool.sort((a, b) => nameLength(a) - nameLength(b) || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const keeper = pool[0];
  const same = opts.shots ? 'equal in every respect' : 'identical';
  for (const c of candidates) {
    if (c === keeper || otherReasons.has(c.id)) continue;
    otherReasons.set(c.id, `${same}; kept ${path.basename(keeper.path)} (shortest name)`);
    otherRules.set(c.id, 'path');
  }
  return { keepId: keeper.id, keepReason: `${same}; kept the shortest name (copies usually gain a suffix)`, otherReasons, otherRules, rule: 'path' };
}

function bytes(n: number): string {
  if (n < 1000) return `${n} B`;
  if (n < 1e6) return `${(n / 1e3).toFixed(n < 1e4 ? 1 : 0)} KB`;
  if (n < 1e9) return `${(n / 1e6).toFixed(1)} MB`;
  return `${(n / 1e9).toFixed(2)} GB`;
}
