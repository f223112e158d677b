// A foreground indexing pass (CLI `index`) as its report's `phases`: indexing (every photo
// searchable by its pixels after it), then reading text.
import type { IndexSummary } from '../api.js';
import type { RunOnceResult } from './pipeline.js';

const seconds = (s: number) => Math.round(s * 1000) / 1000;

export function indexPhases(run: RunOnceResult): NonNullable<IndexSummary['phases']> {
  const { drained, ocr } = run;
  return {
    indexing: { photos: drained.indexed, seconds: seconds(run.indexSeconds) },
    ocr: ocr && {
      read: ocr.result.read,
      noText: drained.noText,
      failed: ocr.result.failed.length,
      pending: ocr.pending,
      seconds: seconds(ocr.seconds),
    },
  };
}
