// The alignment check (verify.ts) of a candidate near pair (near.ts), judged and remembered.
// A pair whose two sides do not both have a verification grid (rows from before it existed,
// until the backfill reaches them) passes as the hashes found it.
import { WINDOWS } from '../media/near-hash.js';
import type { NearEdge } from './near.js';
import { NEAR_FIT_MAX_RESIDUAL, NEAR_MAX_TURN_DEGREES } from './thresholds.js';
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
  const a = detailOf(e.a);
  const b = detailOf(e.b);
  if (!a || !b) return true;
  const window = e.window ? { container: e.window.container, ...WINDOWS[e.window.index] } : undefined;
  // A copy or crop is never turned by anything but quarter turns; a burst frame or a
  // handheld re-shot is. A fit that did not settle (large residual) measures no turn worth
  // trusting: then the hashes decide, as before the check existed.
  const fit = alignment(a, b, { turns: e.turns, window });
  const ok = fit.degrees <= NEAR_MAX_TURN_DEGREES || fit.residual >= NEAR_FIT_MAX_RESIDUAL;
  if (VERDICTS.size >= MAX_VERDICTS) VERDICTS.clear();
  VERDICTS.set(key, ok);
  return ok;
}

/** Forgets every verdict (benchmarks time grouping from scratch). */
export function forgetNearVerdicts(): void {
  VERDICTS.clear();
}
