// How a member of a duplicate group differs from its keeper, from the facts the library holds,
// so the compare view can name it ("smaller", "other format", "rotated"…) instead of making the
// user spot it.
import type { PhotoDifference } from '../api.js';
import type { KeepCandidate } from './keep.js';

/** Aspect ratios this far apart (relative) mean the picture was cut, not just scaled. */
const ASPECT_TOLERANCE = 0.015;
/** Fewer pixels than this share of the keeper's is "smaller" (a resize or a crop). */
const SMALLER = 0.98;

export interface DifferenceFacts extends KeepCandidate {
  /** Mean brightness 0..255 of the picture, when known. */
  luma?: number | null;
  /** Quarter turns of its pixels against the keeper's, when the matcher found them. */
  quarterTurns?: number;
  /** Matched as a crop window of the keeper (or the keeper of it). */
  cropped?: boolean;
}

export function differencesFrom(c: DifferenceFacts, keeper: DifferenceFacts): PhotoDifference[] {
  const out: PhotoDifference[] = [];
  const rotated = (c.quarterTurns ?? 0) % 4 !== 0 || turned(c, keeper);
  if (rotated) out.push('rotated');
  if (c.width && c.height && keeper.width && keeper.height) {
    const [w, h] = rotated && turned(c, keeper) ? [c.height, c.width] : [c.width, c.height];
    const a = w / h;
    const b = keeper.width / keeper.height;
    if (c.cropped || Math.abs(a - b) / b > ASPECT_TOLERANCE) out.push('cropped');
    const px = w * h;
    const kpx = keeper.width * keeper.height;
    if (px < kpx * SMALLER) out.push('smaller');
    else if (px * SMALLER > kpx) out.push('larger');
  }
  if (c.format && keeper.format && c.format !== keeper.format) out.push('otherFormat');
  else if (!out.length) out.push('reencoded');
  if (c.luma != null && keeper.luma != null) {
    if (c.luma > keeper.luma + 6) out.push('brighter');
    else if (c.luma < keeper.luma - 6) out.push('darker');
  }
  if (keeper.hasExif && !c.hasExif) out.push('noExif');
  return out;
}

/** Width and height swapped against the keeper's (and the picture is not square). */
function turned(c: DifferenceFacts, k: DifferenceFacts): boolean {
  if (!c.width || !c.height || !k.width || !k.height) return false;
  const a = c.width / c.height;
  const b = k.width / k.height;
  if (Math.abs(a - 1) < 0.05) return false;
  return Math.abs(1 / a - b) / b < Math.abs(a - b) / b && Math.abs(1 / a - b) / b <= 0.12;
}
