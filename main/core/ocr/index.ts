// Text in photos: PaddleOCR (worker thread) → 'ocr' jobs → ocr_texts + ocr_fts.
export { OcrRunner, type OcrDrainResult, type OcrRunnerOptions } from './runner.js';
export { WorkerOcrEngine, type WorkerEngineOptions } from './engine.js';
export { OcrRepo, type OcrText } from './repo.js';
export { OCR_ENGINE, type OcrEngine, type OcrFileResult, type OcrLine } from './types.js';

/** OCR runs unless turned off (KANJIAN_OCR=0, e.g. on a slow machine or for a quick index). */
export function ocrEnabled(option: boolean | undefined, env: NodeJS.ProcessEnv = process.env): boolean {
  if (option !== undefined) return option;
  return env.KANJIAN_OCR !== '0';
}
