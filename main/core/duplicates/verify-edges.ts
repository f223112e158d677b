// The alignment check (verify.ts) of a candidate near pair (near.ts), judged and remembered.
// A pair whose two sides do not both have a verification grid (rows from before it existed,
// until the backfill reaches them) passes as the hashes found it.
import { WINDOWS } from '../media/near-hash.js';
import type { NearEdge } from './near.js';
import { NEAR_MAX_TURN_DEGREES, NEAR_TURN_MIN_Z } from './thresholds.js';
import { alignment } from './verify.js';

// Grouping runs on every cache rebuild and a check costs a few milliseconds: verdicts are
// kept per pair of contents (a content's grid never changes), bounded in size.
const VERDICTS = new Map<string, boolean>();
const MAX_VERDICTS = 200_000;

/** True when the pair is a copy or crop of one picture (or cannot be checked). */
export function verifyNearEdge(e: NearEdge, shaA: string, shaB: string, detailOf: (i: number) => Uint8Array | undefined): boolean {
  const key = `${shaA}:${shaB}:${e.turns}:${e.window ? `${e.window.container}${e.window.index}` : ''}`;
  const known = VERDICTS.get(key);
  if (known !== undefined) return known;
  const { ok, why } = judgeNearEdge(e, detailOf);
  // Not remembered without grids: the backfill may bring them before the next grouping.
  if (why === NO_GRID) return ok;
  if (VERDICTS.size >= MAX_VERDICTS) VERDICTS.clear();
  VERDICTS.set(key, ok);
  return ok;
}

const NO_GRID = 'no grid';

/** The check itself, with what it measured (benchmarks print it). */
export function judgeNearEdge(e: NearEdge, detailOf: (i: number) => Uint8Array | undefined): { ok: boolean; why: string } {
  const a = detailOf(e.a);
  const b = detailOf(e.b);
  if (!a || !b) return { ok: true, why: NO_GRID };
  const window = e.window ? { container: e.window.container, ...WINDOWS[e.window.index] } : undefined;
  // A copy or crop is never turned by anything but quarter turns; a burst frame or a
  // handheld re-shot is. A turn counts only when the fit measured it clearly (a smooth,
  // blurry or clipped picture gives a noisy angle): then the hashes decide, as before.
  const fit = alignment(a, b, { turns: e.turns, window });
  const ok = !(fit.degrees > NEAR_MAX_TURN_DEGREES && fit.z > NEAR_TURN_MIN_Z);
  return { ok, why: `d${e.distance} t${e.turns}${e.window ? ` w${e.window.container}${e.window.index}` : ''} res ${fit.residual.toFixed(3)} deg ${fit.degrees.toFixed(2)} z ${fit.z.toFixed(1)}` };
}

/** Forgets every verdict (benchmarks time grouping from scratch). */
export function forgetNearVerdicts(): void {
  VERDICTS.clear();
}
