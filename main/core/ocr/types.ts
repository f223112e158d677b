// What OCR gives back for one photo. Plain data: it crosses the worker boundary by structured clone.

/** A corner of a text box, in pixels of the upright (EXIF-oriented) full-size photo. */
export type Point = [number, number];

export interface OcrLine {
  text: string;
  /** The recogniser's mean character confidence, 0..1. */
  score: number;
  /** Four corners, clockwise from top-left; absent when the engine gave none. */
  box?: Point[];
}

export interface OcrFileResult {
  /** SHA-256 of the bytes that were read: the content this text belongs to. */
  sha256: string;
  lines: OcrLine[];
  /** Upright size of the photo. */
  width: number;
  height: number;
}

/** Identifies the engine and settings that produced stored text (a later engine may redo it). */
export const OCR_ENGINE = 'paddleocr-v4@gutenye-1.4';

/** Reads text from photo files. The app's engine runs in a worker thread (engine.ts). */
export interface OcrEngine {
  read(path: string): Promise<OcrFileResult>;
  close(): Promise<void>;
}

/** The whole text of a photo as stored and searched: its lines, top to bottom. */
export function joinLines(lines: OcrLine[]): string {
  return lines.map((l) => l.text).join('\n');
}
