// Second look at a near-copy candidate pair. The 64-bit hashes (near.ts) say "these could be the
// same picture"; they cannot tell a crop of a photo from the next frame of a burst (the camera
// moved a few percent and turned a little): both land within a few bits of some crop window.
// Here the two pictures' stored greyscale grids (near-hash.ts `detail`) are aligned by an affine
// fit (Gauss–Newton on the pixels, Lucas–Kanade style, with gain and offset so brightness and
// contrast changes do not count), started from the quarter turn and crop window the hashes
// matched through. A copy or a crop is the other picture scaled and shifted along its axes; a
// burst frame needs a small turn (a shear in the fit) and leaves a residual where the scene
// moved. What the fit returns is judged in verify-edges.ts.
import { DETAIL_SIDE } from '../media/near-hash.js';

const N = DETAIL_SIDE;
/** Weight of the no-turn prior, relative to the picture's own evidence. */
const SHEAR_PRIOR = 0.5;

export interface VerifyHint {
  /** Quarter turns that made the hashes match (tried with its inverse too). */
  turns: number;
  /** Matched through a crop window: which side was cut, and the window's edges (shares). */
  window?: { container: 'a' | 'b'; l: number; r: number; t: number; b: number };
}

export interface Alignment {
  /** Root-mean-square residual after the fit, as a share of the inner picture's spread (0: exact). */
  residual: number;
  /** Estimated turn between the two beyond quarter turns, in degrees (0 for a pure crop). */
  degrees: number;
}

/** The grid turned a quarter turn clockwise `turns` times. */
function turn(g: Float64Array, turns: number): Float64Array {
  let cur = g;
  for (let k = 0; k < ((turns % 4) + 4) % 4; k++) {
    const next = new Float64Array(N * N);
    // Clockwise: new (x', y') = old (y', N−1−x').
    for (let y = 0; y < N; y++) for (let x = 0; x < N; x++) next[y * N + x] = cur[(N - 1 - x) * N + y];
    cur = next;
  }
  return cur;
}

/** 3 × 3 box blur (edges clamped): the first rounds fit the coarse shape, out of reach of aliasing. */
function blur(g: Float64Array): Float64Array {
  const out = new Float64Array(N * N);
  for (let y = 0; y < N; y++) {
    for (let x = 0; x < N; x++) {
      let s = 0;
      for (let dy = -1; dy <= 1; dy++) {
        const yy = Math.min(N - 1, Math.max(0, y + dy));
        for (let dx = -1; dx <= 1; dx++) s += g[yy * N + Math.min(N - 1, Math.max(0, x + dx))];
      }
      out[y * N + x] = s / 9;
    }
  }
  return out;
}

/** Solves the 8 × 8 system in place (Gaussian elimination, partial pivoting); null if singular. */
function solve(m: Float64Array, v: Float64Array, n: number): Float64Array | null {
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r * n + c]) > Math.abs(m[p * n + c])) p = r;
    if (Math.abs(m[p * n + c]) < 1e-12) return null;
    if (p !== c) {
      for (let k = 0; k < n; k++) [m[c * n + k], m[p * n + k]] = [m[p * n + k], m[c * n + k]];
      [v[c], v[p]] = [v[p], v[c]];
    }
    for (let r = c + 1; r < n; r++) {
      const f = m[r * n + c] / m[c * n + c];
      if (!f) continue;
      for (let k = c; k < n; k++) m[r * n + k] -= f * m[c * n + k];
      v[r] -= f * v[c];
    }
  }
  const x = new Float64Array(n);
  for (let r = n - 1; r >= 0; r--) {
    let s = v[r];
    for (let k = r + 1; k < n; k++) s -= m[r * n + k] * x[k];
    x[r] = s / m[r * n + r];
  }
  return x;
}

/**
 * Fits inner(x, y) ≈ α · outer(W(x, y)) + β with W affine, from the window `start`
 * ([x0, y0, x1, y1], shares of the outer side). Returns the residual and the turn.
 */
function fit(outer: Float64Array, inner: Float64Array, start: readonly number[]): Alignment {
  // Warp in pixel-centre coordinates: X = p0 + p1·x + p2·y, Y = p3 + p4·x + p5·y.
  const sx = start[2] - start[0];
  const sy = start[3] - start[1];
  const p = [start[0] * N + 0.5 * sx - 0.5, sx, 0, start[1] * N + 0.5 * sy - 0.5, 0, sy];
  let alpha = 1;
  let beta = 0;
  let mean = 0;
  for (let i = 0; i < N * N; i++) mean += inner[i];
  mean /= N * N;
  let spread = 0;
  for (let i = 0; i < N * N; i++) spread += (inner[i] - mean) ** 2;
  spread = Math.sqrt(spread / (N * N));
  if (spread < 1) return { residual: 0, degrees: 0 }; // a flat picture: nothing to align
  const H = new Float64Array(64);
  const g = new Float64Array(8);
  const J = new Float64Array(8);
  let residual = Infinity;
  const levels: [Float64Array, Float64Array, number][] = [
    [blur(outer), blur(inner), 12],
    [outer, inner, 8],
  ];
  for (const [o, q, rounds] of levels) {
    for (let it = 0; it < rounds; it++) {
      H.fill(0);
      g.fill(0);
      let sse = 0;
      let count = 0;
      for (let y = 0; y < N; y++) {
        for (let x = 0; x < N; x++) {
          const X = p[0] + p[1] * x + p[2] * y;
          const Y = p[3] + p[4] * x + p[5] * y;
          if (X < 0 || Y < 0 || X > N - 1 || Y > N - 1) continue;
          const ix = Math.min(N - 2, Math.floor(X));
          const iy = Math.min(N - 2, Math.floor(Y));
          const fx = X - ix;
          const fy = Y - iy;
          const i00 = iy * N + ix;
          const v00 = o[i00];
          const v10 = o[i00 + 1];
          const v01 = o[i00 + N];
          const v11 = o[i00 + N + 1];
          const val = v00 * (1 - fx) * (1 - fy) + v10 * fx * (1 - fy) + v01 * (1 - fx) * fy + v11 * fx * fy;
          const gx = alpha * ((v10 - v00) * (1 - fy) + (v11 - v01) * fy);
          const gy = alpha * ((v01 - v00) * (1 - fx) + (v11 - v10) * fx);
          const r = q[y * N + x] - (alpha * val + beta);
          sse += r * r;
          count++;
          J[0] = gx;
          J[1] = gx * x;
          J[2] = gx * y;
          J[3] = gy;
          J[4] = gy * x;
          J[5] = gy * y;
          J[6] = val;
          J[7] = 1;
          for (let a = 0; a < 8; a++) {
            g[a] += J[a] * r;
            for (let b = a; b < 8; b++) H[a * 8 + b] += J[a] * J[b];
          }
        }
      }
      if (count < (N * N) / 2) return { residual: Infinity, degrees: 0 }; // slid off the picture
      residual = Math.sqrt(sse / count) / spread;
      for (let a = 0; a < 8; a++) for (let b = 0; b < a; b++) H[a * 8 + b] = H[b * 8 + a];
      for (let a = 0; a < 8; a++) H[a * 9] *= 1.0001; // a touch of damping
      // The cross terms (dX/dy, dY/dx) are pulled towards 0 by a prior worth a few pixels of
      // evidence: a picture with structure in one direction only (stripes, a horizon) cannot
      // show a turn, and must not invent one from noise.
      for (const k of [2, 4]) {
        H[k * 9] += SHEAR_PRIOR * spread * spread * N * N;
        g[k] -= SHEAR_PRIOR * spread * spread * N * N * p[k];
      }
      const d = solve(H, g, 8);
      if (!d) break;
      for (let k = 0; k < 6; k++) p[k] += d[k];
      alpha += d[6];
      beta += d[7];
      let step = 0;
      for (let k = 0; k < 8; k++) if (k !== 6 && k !== 7) step = Math.max(step, Math.abs(d[k]) * (k % 3 === 0 ? 1 : N));
      if (step < 0.01) break;
    }
  }
  // A turn θ shows as dX/dy = −sinθ·sy' and dY/dx = sinθ·sx' (up to the aspect ratio, which
  // cancels in the product); a shear of the same sign is not a turn.
  const prod = -(p[2] * p[4]) / (p[1] * p[5]);
  const degrees = prod > 0 ? (Math.asin(Math.min(1, Math.sqrt(prod))) * 180) / Math.PI : 0;
  return { residual, degrees };
}

/**
 * The best alignment of the two grids: b inside a and a inside b, at the quarter turn the
 * hashes matched at (and its inverse), from the uncut frame and from the matched crop window.
 */
export function alignment(a: Uint8Array, b: Uint8Array, hint: VerifyHint): Alignment {
  const A = Float64Array.from(a);
  let best: Alignment = { residual: Infinity, degrees: 0 };
  const take = (r: Alignment) => {
    if (r.residual < best.residual) best = r;
  };
  const turnsToTry = [...new Set([hint.turns % 4, (4 - (hint.turns % 4)) % 4])];
  for (const t of turnsToTry) {
    const B = turn(Float64Array.from(b), t);
    const w = hint.window;
    if (w && t === 0) {
      const start = [w.l, w.t, 1 - w.r, 1 - w.b];
      take(w.container === 'a' ? fit(A, B, start) : fit(B, A, start));
    } else {
      take(fit(A, B, [0, 0, 1, 1]));
    }
  }
  return best;
}
