import type { PhotoSummary, SearchResult } from '../api/types.ts';

/** One cell of the photo grid: a photo and, for search results, why it matched (never a raw score). */
export interface GridItem {
  photo: PhotoSummary;
  match?: Pick<SearchResult, 'views' | 'viewScores' | 'ocr' | 'metadata' | 'tags' | 'place'>;
}

/** Columns and cell size for a grid of square cells at least `minCell` wide, filling `width`. */
export function gridLayout(width: number, minCell: number, gap: number): { cols: number; cell: number } {
  const cols = Math.max(1, Math.floor((width + gap) / (minCell + gap)));
  const cell = Math.max(1, Math.floor((width - gap * (cols - 1)) / cols));
  return { cols, cell };
}
