// Summary statistics for timing samples. Percentiles use linear interpolation between the two
// nearest ranks (numpy's default), so p50 of an even-sized sample is the usual median.

export interface Summary {
  n: number;
  mean: number;
  median: number;
  p90: number;
  min: number;
  max: number;
  /** Sample standard deviation (n - 1). */
  stdev: number;
}

export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  if (p < 0 || p > 100) throw new RangeError(`percentile must be within 0..100 (got ${p})`);
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
}

export function summarize(samples: readonly number[]): Summary {
  const n = samples.length;
  if (n === 0) return { n, mean: NaN, median: NaN, p90: NaN, min: NaN, max: NaN, stdev: NaN };
  const mean = samples.reduce((a, b) => a + b, 0) / n;
  const variance = n > 1 ? samples.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1) : 0;
  return {
    n,
    mean,
    median: percentile(samples, 50),
    p90: percentile(samples, 90),
    min: Math.min(...samples),
    max: Math.max(...samples),
    stdev: Math.sqrt(variance),
  };
}

/** Rounds for reports: enough digits to compare runs, not so many that tables get noisy. */
export function round(x: number, digits = 1): number {
  if (!Number.isFinite(x)) return x;
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
