// Messages between engine.ts (any thread) and worker.ts (the OCR thread).
import type { MediaErrorCode } from '../media/errors.js';
import type { OcrFileResult } from './types.js';

export interface WorkerRequest {
  id: number;
  path: string;
}

export type WorkerReply =
  | { id: number; ok: true; result: OcrFileResult }
  /** mediaCode is set when the file is not a readable photo (a final, per-file error). */
  | { id: number; ok: false; message: string; mediaCode?: MediaErrorCode };
