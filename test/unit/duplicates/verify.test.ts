// The alignment check on pictures drawn from one continuous scene: a crop, a quarter turn and a
// brightened copy align untouched; a burst frame (camera moved a few percent, turned 0.8°, as
// the bench's) and a straightened shot are refused.
import { describe, expect, it } from 'vitest';
import { nearEdges } from '../../../main/core/duplicates/near.js';
import { NEAR_MAX_TURN_DEGREES } from '../../../main/core/duplicates/thresholds.js';
import { forgetNearVerdicts, verifyNearEdge } from '../../../main/core/duplicates/verify-edges.js';
import { alignment } from '../../../main/core/duplicates/verify.js';
import { DETAIL_BYTES, detailAspect, nearHashes, WINDOWS } from '../../../main/core/media/near-hash.js';

let seed = 7;
const rand = () => {
  seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
  return seed / 2 ** 32;
};
// A scene over [0, 1]²: soft blobs of every size plus a little ripple.
const blobs = Array.from({ length: 40 }, () => ({ x: rand(), y: rand(), s: 0.02 + rand() * 0.12, a: (rand() - 0.5) * 160 }));
function scene(u: number, v: number): number {
  let f = 128 + 12 * Math.sin(23 * u + 5 * v) * Math.cos(17 * v);
  for (const b of blobs) f += b.a * Math.exp(-((u - b.x) ** 2 + (v - b.y) ** 2) / (2 * b.s * b.s));
  return f;
}

/** A W × H picture showing the scene through `view` (pixel → scene), 2 × 2 supersampled. */
function render(W: number, H: number, view: (x: number, y: number) => [number, number], gain = 1): Uint8Array {
  const out = new Uint8Array(W * H);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      let s = 0;
      for (const [dx, dy] of [[0.25, 0.25], [0.75, 0.25], [0.25, 0.75], [0.75, 0.75]]) s += scene(...view((x + dx) / W, (y + dy) / H));
      out[y * W + x] = Math.max(0, Math.min(255, Math.round((s / 4) * gain)));
    }
  }
  return out;
}

const W = 256;
const H = 192;
/** The original: the scene's middle 90 %. */
const original = (x: number, y: number): [number, number] => [0.05 + 0.9 * x, 0.05 + 0.9 * y];
/** A window of the original (shares cut off each side), drawn at w × h pixels. */
const crop = (l: number, r: number, t: number, b: number) => (x: number, y: number) => original(l + (1 - l - r) * x, t + (1 - t - b) * y);
/** The camera moved by (dx, dy) of the scene and turned `deg` degrees about the frame's centre. */
const moved = (dx: number, dy: number, deg: number, size = 0.873) => (x: number, y: number): [number, number] => {
  const th = (deg * Math.PI) / 180;
  // Scene units are not square (the picture is 4:3): turn in pixel-proportional units.
  const px = (x - 0.5) * size * (W / H);
  const py = (y - 0.5) * size;
  const rx = px * Math.cos(th) - py * Math.sin(th);
  const ry = px * Math.sin(th) + py * Math.cos(th);
  return [0.5 + dx + rx / (W / H), 0.5 + dy + ry];
};

const hashesOf = (grey: Uint8Array, w = W, h = H) => nearHashes(grey, w, h);
const orig = hashesOf(render(W, H, original));

function turned(grey: Uint8Array, w: number, h: number): Uint8Array {
  // A quarter turn clockwise: new width h, new (x', y') = old (y', h − 1 − x').
  const out = new Uint8Array(w * h);
  for (let y = 0; y < w; y++) for (let x = 0; x < h; x++) out[y * h + x] = grey[(h - 1 - x) * w + y];
  return out;
}

/** Verifies the pair the hashes find (fails the test when the hashes find none). */
function verdict(other: ReturnType<typeof hashesOf>) {
  const items = [orig, other].map((h) => ({ full: h.full, windows: h.windows, legacy: null }));
  const edges = nearEdges(items, { full: 8, window: 6, legacy: 10 });
  expect(edges).toHaveLength(1);
  const e = edges[0];
  const window = e.window ? { container: e.window.container, ...WINDOWS[e.window.index] } : undefined;
  const details = [orig.detail!, other.detail!];
  forgetNearVerdicts();
  return {
    degrees: alignment(details[e.a], details[e.b], { turns: e.turns, window }).degrees,
    ok: verifyNearEdge(e, 'a', 'b', (i) => details[i]),
  };
}

describe('near-copy verification by alignment', () => {
  it('stores a grid of the trimmed picture with the hashes, and its shape', () => {
    expect(orig.detail).toHaveLength(DETAIL_BYTES);
    expect(detailAspect(orig.detail!)).toBeCloseTo(W / H, 3);
  });

  it('accepts crops, a quarter turn and a brighter copy', () => {
    for (const [l, r, t, b] of [
      [0.05, 0.05, 0.05, 0.05],
      [0.1, 0, 0, 0],
      [0.08, 0, 0.03, 0.1],
    ]) {
      const w = Math.round(W * (1 - l - r));
      const h = Math.round(H * (1 - t - b));
      const v = verdict(hashesOf(render(w, h, crop(l, r, t, b)), w, h));
      expect(v.degrees).toBeLessThanOrEqual(NEAR_MAX_TURN_DEGREES);
      expect(v.ok).toBe(true);
    }
    const v = verdict(hashesOf(turned(render(W, H, original), W, H), H, W));
    expect(v.ok).toBe(true);
    expect(verdict(hashesOf(render(W, H, original, 1.12))).ok).toBe(true);
  });

  it('refuses a burst frame and a turned re-shot that the hashes alone take for copies', () => {
    const burst = verdict(hashesOf(render(W, H, moved(0.033, 0.017, 0.8))));
    expect(burst.degrees).toBeGreaterThan(NEAR_MAX_TURN_DEGREES);
    expect(burst.ok).toBe(false);
    const reshot = verdict(hashesOf(render(W, H, moved(0, 0, -1.5, 0.86))));
    expect(reshot.ok).toBe(false);
  });

  it('lets a pair through when either side has no grid yet (rows from before it)', () => {
    const e = { a: 0, b: 1, distance: 3, turns: 0, cropped: false };
    forgetNearVerdicts();
    expect(verifyNearEdge(e, 'x', 'y', (i) => (i === 0 ? orig.detail : undefined))).toBe(true);
  });
});
