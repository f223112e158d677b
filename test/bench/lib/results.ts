// Writing bench results: bench-results/<name>.json for tools and <name>.md for people.
// Files are written to a .tmp sibling first and renamed, so an interrupted bench never leaves a
// half-written result behind (bench-results/*.tmp is gitignored).

import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { MachineInfo } from './machine.js';

export interface BenchResult<T> {
  bench: string;
  machine: MachineInfo;
  /** Settings the run used (threads, counts, packages ...). */
  settings: Record<string, unknown>;
  results: T;
  notes?: string[];
}

/** bench-results/ at the repo root, whatever the current directory. */
export function resultsDir(): string {
  return path.resolve(import.meta.dirname, '../../../bench-results');
}

export async function writeBenchResult<T>(name: string, result: BenchResult<T>, markdown: string, dir = resultsDir()): Promise<{ json: string; md: string }> {
  await mkdir(dir, { recursive: true });
  const json = path.join(dir, `${name}.json`);
  const md = path.join(dir, `${name}.md`);
  await writeAtomic(json, JSON.stringify(result, null, 2) + '\n');
  await writeAtomic(md, markdown.endsWith('\n') ? markdown : markdown + '\n');
  return { json, md };
}

async function writeAtomic(file: string, text: string): Promise<void> {
  const tmp = `${file}.tmp`;
  await writeFile(tmp, text, 'utf8');
  await rename(tmp, file);
}

type Cell = string | number | null | undefined;

function cellText(c: Cell): string {
  return c === null || c === undefined || (typeof c === 'number' && !Number.isFinite(c)) ? '—' : String(c);
}

/** GitHub-flavoured markdown table; numeric columns are right-aligned. */
export function markdownTable(headers: string[], rows: Cell[][]): string {
  const numeric = headers.map((_, i) => rows.length > 0 && rows.every((r) => typeof r[i] === 'number' || r[i] == null));
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  const lines = [
    `| ${headers.map(esc).join(' | ')} |`,
    `| ${numeric.map((n) => (n ? '---:' : '---')).join(' | ')} |`,
    ...rows.map((r) => `| ${r.map((c) => esc(cellText(c))).join(' | ')} |`),
  ];
  return lines.join('\n');
}

/** Fixed-width table for the terminal. */
export function textTable(headers: string[], rows: Cell[][]): string {
  const all = [headers, ...rows.map((r) => r.map(cellText))];
  const widths = headers.map((_, i) => Math.max(...all.map((r) => displayWidth(String(r[i] ?? '')))));
  const numeric = headers.map((_, i) => rows.length > 0 && rows.every((r) => typeof r[i] === 'number' || r[i] == null));
  const fmt = (r: Cell[]) =>
    r
      .map((c, i) => {
        const s = cellText(c);
        const padLen = widths[i] - displayWidth(s);
        return numeric[i] ? ' '.repeat(padLen) + s : s + ' '.repeat(padLen);
      })
      .join('  ');
  return [fmt(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(fmt)].join('\n');
}

/** Terminal columns: CJK characters take two. */
function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u.test(ch) ? 2 : 1;
  return w;
}
