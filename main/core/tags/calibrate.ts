// Which tags a photo gets. A fixed cosine cut does not carry over between models: CLIP
// ViT-B/32 puts a matching caption near 0.30 and a non-matching one near 0.20, SigLIP and
// Chinese-CLIP use other ranges, and the toy test model scores 1.0 vs 0.0. So tags are chosen
// by probability, the way these models were trained to be read:
//
//   p(tag | photo) = softmax over {every tag, background} of  logitScale · cos(photo, tag)
//
// CLIP-family models learn `logitScale` during contrastive training precisely so that this
// softmax is a calibrated classifier over a set of captions (OpenAI CLIP, OpenCLIP and
// Chinese-CLIP all end training at the 100 cap). Two guards make it fit multi-label tagging
// over a large vocabulary:
//   - a background class ("a photo.", "一张照片。"): a photo that matches no tag better than a
//     generic caption gives its mass to the background instead of to the nearest tag;
//   - a floor relative to the vocabulary size: a tag must hold at least MIN_PROBABILITY and at
//     least UNIFORM_MULTIPLE times the uniform share 1/K (capped at one half: a tag holding
//     half the mass is a clear winner even among 3 classes), so a photo that matches all tags
//     equally (a grey photo for the colour model) gets none.
// A photo keeps its MAX_TAGS best tags that pass.

/** CLIP-family models' learned temperature (exp(logit_scale) at its 100 clamp). */
export const LOGIT_SCALE = 100;
export const MIN_PROBABILITY = 0.1;
export const UNIFORM_MULTIPLE = 2;
export const MAX_TAGS = 5;

/** Bump when the rule changes: stored tags of an older rule are recomputed. */
export const CALIBRATION_VERSION = 'softmax-bg-v1';

export interface TagMatrix {
  /** Tag vectors, row-major [count × dim], unit length. */
  data: Float32Array;
  count: number;
  dim: number;
  /** Unit vector of the background prompts, or null when the model cannot read them. */
  background: Float32Array | null;
}

export interface Assigned {
  /** Row in the matrix. */
  index: number;
  probability: number;
}

/** Scores one photo vector (unit length) against the vocabulary and picks its tags. */
export function assignTags(vector: Float32Array, m: TagMatrix, scratch = new Float64Array(m.count)): Assigned[] {
  if (m.count === 0) return [];
  const { data, dim, count } = m;
  let max = -Infinity;
  for (let t = 0; t < count; t++) {
    let s = 0;
    const base = t * dim;
    for (let d = 0; d < dim; d++) s += vector[d] * data[base + d];
    scratch[t] = LOGIT_SCALE * s;
    if (scratch[t] > max) max = scratch[t];
  }
  let bg = -Infinity;
  if (m.background) {
    let s = 0;
    for (let d = 0; d < dim; d++) s += vector[d] * m.background[d];
    bg = LOGIT_SCALE * s;
    if (bg > max) max = bg;
  }
  let z = m.background ? Math.exp(bg - max) : 0;
  for (let t = 0; t < count; t++) {
    scratch[t] = Math.exp(scratch[t] - max);
    z += scratch[t];
  }
  const classes = count + (m.background ? 1 : 0);
  const floor = Math.max(MIN_PROBABILITY, Math.min(0.5, UNIFORM_MULTIPLE / classes));
  const out: Assigned[] = [];
  for (let t = 0; t < count; t++) {
    const p = scratch[t] / z;
    if (p >= floor) out.push({ index: t, probability: p });
  }
  out.sort((a, b) => b.probability - a.probability || a.index - b.index);
  return out.slice(0, MAX_TAGS);
}
