// Synthetic image and query embeddings that behave like real ones, not like uniform noise:
//
//   - a shared offset (real image embeddings sit in a narrow cone: random photos have cosines
//     around 0.3–0.5 to each other, not 0);
//   - topics with Zipf popularity (many beaches, few violins), each photo mostly one topic;
//   - bursts: runs of 1–20 consecutive shots of one scene, close to each other (~0.9);
//   - near-duplicates: ~3% of photos are an edited copy of the previous one (~0.98);
//   - queries in their own cone (text embeddings are offset from image ones, the modality gap),
//     pointing at a topic, so a query matches a topic's photos at ~0.2–0.3, the rest near 0.1.
//
// Deterministic (seeded): the same library every run.
import { rng } from '../../helpers/random.js';

export { rng };

/** Fills `out` with N(0,1) values (Box–Muller, both outputs used). */
export function gaussians(r: () => number, out: Float32Array): Float32Array {
  for (let i = 0; i < out.length; i += 2) {
    const u = Math.sqrt(-2 * Math.log(r() + 1e-12));
    const t = 2 * Math.PI * r();
    out[i] = u * Math.cos(t);
    if (i + 1 < out.length) out[i + 1] = u * Math.sin(t);
  }
  return out;
}

export function normalize(v: Float32Array): Float32Array {
  let n = 0;
  for (let i = 0; i < v.length; i++) n += v[i] * v[i];
  n = Math.sqrt(n) || 1;
  for (let i = 0; i < v.length; i++) v[i] /= n;
  return v;
}

export interface EmbeddingWorld {
  dim: number;
  topics: number;
  /** The next photo's vector (call in library order: bursts and copies follow each other). */
  nextImage(): Float32Array;
  /** A text query's vector about topic `t` (or a random topic). */
  query(t?: number): Float32Array;
  /** The topic of the last image made. */
  lastTopic: number;
  /** True when the last image was made as a near copy of the one before. */
  lastWasCopy: boolean;
}

export function embeddingWorld(seed: number, dim = 512, topics = 400): EmbeddingWorld {
  const r = rng(seed);
  const unit = () => normalize(gaussians(r, new Float32Array(dim)));
  const imageCone = unit();
  const textCone = unit();
  const topicDirs = Array.from({ length: topics }, unit);
  // Zipf: topic t is chosen with weight 1/(t+1).
  const weights = topicDirs.map((_, t) => 1 / (t + 1));
  const total = weights.reduce((a, b) => a + b, 0);
  const pickTopic = () => {
    let x = r() * total;
    for (let t = 0; t < topics; t++) if ((x -= weights[t]) <= 0) return t;
    return topics - 1;
  };
  let scene: Float32Array | null = null;
  let sceneLeft = 0;
  let sceneTopic = 0;
  let last: Float32Array | null = null;
  const noise = new Float32Array(dim);
  const world: EmbeddingWorld = {
    dim,
    topics,
    lastTopic: 0,
    lastWasCopy: false,
    nextImage() {
      if (last && r() < 0.03) {
        gaussians(r, noise);
        const v = new Float32Array(dim);
        for (let i = 0; i < dim; i++) v[i] = last[i] + 0.15 * noise[i] / Math.sqrt(dim);
        world.lastWasCopy = true;
        return (last = normalize(v));
      }
      world.lastWasCopy = false;
      if (!scene || sceneLeft-- <= 0) {
        sceneTopic = pickTopic();
        const t = topicDirs[sceneTopic];
        gaussians(r, noise);
        scene = new Float32Array(dim);
        // A scene: its topic plus its own detail, in the image cone.
        for (let i = 0; i < dim; i++) scene[i] = 0.6 * imageCone[i] + 0.55 * t[i] + 0.6 * noise[i] / Math.sqrt(dim);
        sceneLeft = r() < 0.5 ? 0 : Math.floor(r() * 20);
      }
      gaussians(r, noise);
      const v = new Float32Array(dim);
      // One shot of the scene: ~0.9 to its burst-mates.
      for (let i = 0; i < dim; i++) v[i] = scene[i] + 0.35 * noise[i] / Math.sqrt(dim);
      world.lastTopic = sceneTopic;
      return (last = normalize(v));
    },
    query(t = pickTopic()) {
      gaussians(r, noise);
      const v = new Float32Array(dim);
      for (let i = 0; i < dim; i++) v[i] = 0.8 * textCone[i] + 0.35 * topicDirs[t][i] + 0.5 * noise[i] / Math.sqrt(dim);
      return normalize(v);
    },
  };
  return world;
}
