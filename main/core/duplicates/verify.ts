// Second look at a near-copy candidate pair. The 64-bit hashes (near.ts) say "these could be the
// same picture"; they cannot tell a crop of a photo from the next frame of a burst (the camera
// moved a few percent and turned a little): both land within a few bits of some crop window.
// Here one picture's stored greyscale grid (near-hash.ts `detail`) is fitted into the other's
// (Gauss–Newton on the pixels, Lucas–Kanade style): a scale along each axis, a shift and a turn,
// plus a brightness gain, offset and curve so brightness, contrast and clipping do not count.
// It starts from the uncut frame and from the crop window the hashes matched through, at the
// quarter turn they matched at. A copy or a crop is the other picture scaled and shifted; a
// burst frame is turned too. The turn is a parameter of its own (the grids are squares, so each
// carries its picture's aspect ratio to make a turn a turn), with its standard error from the
// fit, so a smooth picture that cannot show a turn does not invent one. Judged in verify-edges.ts.
import { detailAspect, DETAIL_SIDE } from '../media/near-hash.js';

const N = DETAIL_SIDE;
/** A fit this close (RMS share of the picture's spread) found the pictures: no other start is tried. */
const SETTLED = 0.1;

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
  /**
   * How many standard errors the turn is from none (the fit's own uncertainty: a smooth, blurry
   * picture measures a turn poorly, a sharp one well). 0 when not measured.
   */
  z: number;
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

/** Solves the n × n system in place (Gaussian elimination, partial pivoting); null if singular. */
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
 * Fits inner(x, y) ≈ α · outer(W(x, y)) + β, W a scale along each axis, a shift and a turn θ,
 * from the window `start` ([x0, y0, x1, y1], shares of the outer side). `aspect` is the outer
 * picture's width / height: its grid is stretched to a square, so a turn of the picture is
 * X = p0 + sx·cosθ·x − sy·sinθ/aspect·y, Y = p3 + sx·sinθ·aspect·x + sy·cosθ·y on the grids.
 * Fitting θ itself (not a free shear) lets structure in one direction alone (a horizon) show a
 * turn, and nothing but a turn can explain what a copy never has.
 */
function fit(outer: Float64Array, inner: Float64Array, start: readonly number[], aspect: number): Alignment {
  const sx0 = start[2] - start[0];
  const sy0 = start[3] - start[1];
  // Pixel-centre coordinates: inner cell x sits at outer x0·N + sx·(x + 0.5) − 0.5.
  const p = { x: start[0] * N + 0.5 * sx0 - 0.5, sx: sx0, y: start[1] * N + 0.5 * sy0 - 0.5, sy: sy0, th: 0 };
  let alpha = 1;
  let beta = 0;
  let gamma = 0;
  let mean = 0;
  for (let i = 0; i < N * N; i++) mean += inner[i];
  mean /= N * N;
  let spread = 0;
  for (let i = 0; i < N * N; i++) spread += (inner[i] - mean) ** 2;
  spread = Math.sqrt(spread / (N * N));
  if (spread < 1) return { residual: 0, degrees: 0, z: 0 }; // a flat picture: nothing to align
  const K = 8;
  const H = new Float64Array(K * K);
  const g = new Float64Array(K);
  const J = new Float64Array(K);
  let residual = Infinity;
  let z = 0;
  const levels: [Float64Array, Float64Array, number][] = [
    [blur(outer), blur(inner), 12],
    [outer, inner, 10],
  ];
  for (const [o, q, rounds] of levels) {
    for (let it = 0; it < rounds; it++) {
      H.fill(0);
      g.fill(0);
      let sse = 0;
      let count = 0;
      const c = Math.cos(p.th);
      const s = Math.sin(p.th);
      const a11 = p.sx * c;
      const a12 = (-p.sy * s) / aspect;
      const a21 = p.sx * s * aspect;
      const a22 = p.sy * c;
      for (let y = 0; y < N; y++) {
        for (let x = 0; x < N; x++) {
          const X = p.x + a11 * x + a12 * y;
          const Y = p.y + a21 * x + a22 * y;
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
          // d/dval of α·val + γ·128·u², u = (val − 128)/128: the slope the warp moves along.
          const slope = alpha + 2 * gamma * ((val - 128) / 128);
          const gx = slope * ((v10 - v00) * (1 - fy) + (v11 - v01) * fy);
          const gy = slope * ((v01 - v00) * (1 - fx) + (v11 - v10) * fx);
          const u = (val - 128) / 128;
          const r = q[y * N + x] - (alpha * val + beta + gamma * u * u * 128);
          sse += r * r;
          count++;
          J[0] = gx;
          J[1] = gx * c * x + gy * s * aspect * x;
          J[2] = gy;
          J[3] = (gx * -s * y) / aspect + gy * c * y;
          J[4] = gx * (-p.sx * s * x - (p.sy * c * y) / aspect) + gy * (p.sx * c * aspect * x - p.sy * s * y);
          J[5] = val;
          J[6] = 1;
          J[7] = u * u * 128;
          for (let a = 0; a < K; a++) {
            g[a] += J[a] * r;
            for (let b = a; b < K; b++) H[a * K + b] += J[a] * J[b];
          }
        }
      }
      if (count < (N * N) / 2) return { residual: Infinity, degrees: 0, z: 0 }; // slid off the picture
      residual = Math.sqrt(sse / count) / spread;
      for (let a = 0; a < K; a++) for (let b = 0; b < a; b++) H[a * K + b] = H[b * K + a];
      for (let a = 0; a < K; a++) H[a * (K + 1)] *= 1.0001; // a touch of damping
      // Var(θ) = σ² · (H⁻¹)θθ, σ² the residual variance per cell.
      const e = new Float64Array(K);
      e[4] = 1;
      const col = solve(Float64Array.from(H), e, K);
      const d = solve(H, g, K);
      if (!d || !col) break;
      z = Math.abs(p.th + d[4]) / Math.sqrt(Math.max(1e-12, (col[4] * sse) / count));
      p.x += d[0];
      p.sx += d[1];
      p.y += d[2];
      p.sy += d[3];
      p.th += Math.max(-0.05, Math.min(0.05, d[4]));
      alpha += d[5];
      beta += d[6];
      gamma += d[7];
      const step = Math.max(Math.abs(d[0]), Math.abs(d[2]), Math.abs(d[1]) * N, Math.abs(d[3]) * N, Math.abs(d[4]) * N);
      if (step < 0.005) break;
    }
  }
  return { residual, degrees: (Math.abs(p.th) * 180) / Math.PI, z };
}

/**
 * The best alignment of the two grids: b inside a and a inside b, at the quarter turn the
 * hashes matched at (and its inverse), from the uncut frame and from the matched crop window
 * (a window is where the hashes met, not always where the pictures do).
 */
export function alignment(a: Uint8Array, b: Uint8Array, hint: VerifyHint): Alignment {
  const A = Float64Array.from(a.subarray(0, N * N));
  const aspectA = detailAspect(a);
  let best: Alignment = { residual: Infinity, degrees: 0, z: 0 };
  const take = (r: Alignment) => {
    if (r.residual < best.residual) best = r;
  };
  const turnsToTry = [...new Set([hint.turns % 4, (4 - (hint.turns % 4)) % 4])];
  for (const t of turnsToTry) {
    if (best.residual < SETTLED) break;
    const B = turn(Float64Array.from(b.subarray(0, N * N)), t);
    // An odd quarter turn swaps the picture's sides.
    const aspectB = t % 2 ? 1 / detailAspect(b) : detailAspect(b);
    const w = hint.window;
    if (w && t === 0) {
      const start = [w.l, w.t, 1 - w.r, 1 - w.b];
      take(w.container === 'a' ? fit(A, B, start, aspectA) : fit(B, A, start, aspectB));
      if (best.residual < SETTLED) break;
    }
    take(fit(A, B, [0, 0, 1, 1], aspectA));
  }
  return best;
}
