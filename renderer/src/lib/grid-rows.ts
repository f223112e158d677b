// The photo grid's rows: cell rows, and — in the timeline — heading rows before each group
// (a month heading, then a day heading). Every row's top is known up front from the group
// counts alone (the timeline histogram), so the grid can be as tall as the whole library and
// jump to any month before a single photo of it has loaded.

/** A run of photos under its headings (the timeline's day, with its month when it is the first day). */
export interface GridSection {
  /** Index of its first photo in the grid's order. */
  start: number;
  count: number;
  /** Headings shown above it, outermost first (level 2: month, level 3: day). */
  headings: { level: 2 | 3; text: string; key: string }[];
}

export type GridRow =
  /** `start`/`end`: the photos the heading stands over (its day, or its whole month). */
  | { kind: 'heading'; top: number; height: number; level: 2 | 3; text: string; key: string; start: number; end: number }
  | { kind: 'cells'; top: number; height: number; start: number; end: number };

export interface GridRows {
  rows: GridRow[];
  height: number;
  /** Index (into rows) of the cell rows, in order. */
  cellRows: number[];
}

export const HEADING_HEIGHT: Record<2 | 3, number> = { 2: 44, 3: 30 };

/** Rows for `count` photos in `cols` columns; without sections, one plain run. */
export function buildRows(count: number, cols: number, rowH: number, sections?: GridSection[] | null): GridRows {
  const rows: GridRow[] = [];
  const cellRows: number[] = [];
  let top = 0;
  const runs = sections?.length ? sections : [{ start: 0, count, headings: [] }];
  for (const [k, s] of runs.entries()) {
    for (const h of s.headings) {
      // A month stands over its sections up to the next month heading; a day over its own.
      let last = k;
      if (h.level === 2) while (last + 1 < runs.length && !runs[last + 1].headings.some((x) => x.level === 2)) last++;
      const end = Math.min(count, runs[last].start + runs[last].count);
      rows.push({ kind: 'heading', top, height: HEADING_HEIGHT[h.level], level: h.level, text: h.text, key: h.key, start: s.start, end });
      top += HEADING_HEIGHT[h.level];
    }
    const end = Math.min(count, s.start + s.count);
    for (let i = s.start; i < end; i += cols) {
      cellRows.push(rows.length);
      rows.push({ kind: 'cells', top, height: rowH, start: i, end: Math.min(end, i + cols) });
      top += rowH;
    }
  }
  return { rows, height: top, cellRows };
}

/** The first row whose bottom is below `y` (binary search). */
export function rowAt(g: GridRows, y: number): number {
  let lo = 0;
  let hi = g.rows.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const r = g.rows[mid];
    if (r.top + r.height <= y) lo = mid + 1;
    else hi = mid;
  }
  return Math.max(0, lo);
}

/** Position in `cellRows` of the cell row holding photo `index` (binary search). */
export function cellRowOf(g: GridRows, index: number): number {
  let lo = 0;
  let hi = g.cellRows.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    const r = g.rows[g.cellRows[mid]] as Extract<GridRow, { kind: 'cells' }>;
    if (r.start <= index) lo = mid;
    else hi = mid - 1;
  }
  return Math.max(0, lo);
}

export function cellRow(g: GridRows, k: number): Extract<GridRow, { kind: 'cells' }> {
  return g.rows[g.cellRows[k]] as Extract<GridRow, { kind: 'cells' }>;
}

/**
 * The photo keyboard moves to from `index`: `dRows` cell rows down (negative: up), keeping the
 * column; a shorter row ends at its last photo. Null when there is no such row.
 */
export function moveRows(g: GridRows, index: number, dRows: number): number | null {
  if (!g.cellRows.length) return null;
  const k = cellRowOf(g, index);
  const target = Math.min(g.cellRows.length - 1, Math.max(0, k + dRows));
  if (target === k) return null;
  const from = cellRow(g, k);
  const to = cellRow(g, target);
  return Math.min(to.end - 1, to.start + (index - from.start));
}

/** Top of the headings above the section starting at photo `index` (or of its row). */
export function topOfIndex(g: GridRows, index: number): number {
  const k = g.cellRows[cellRowOf(g, index)];
  let r = k;
  while (r > 0 && g.rows[r - 1].kind === 'heading') r--;
  return g.rows[r]?.top ?? 0;
}
