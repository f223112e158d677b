// Command-line words the user typed → checked values, with messages that say what to type
// instead: "did you mean" for a mistyped command or option (Levenshtein distance from
// fastest-levenshtein), and numbers that must be numbers.
import { closest, distance } from 'fastest-levenshtein';

/** A mistake in how the CLI was called: printed as-is, exit code 1, no stack trace. */
export class UsageError extends Error {}

/** "Did you mean …?" when `word` is within a couple of edits of a known one. */
export function didYouMean(word: string, known: readonly string[]): string {
  if (!known.length) return '';
  const best = closest(word, [...known]);
  const limit = Math.max(1, Math.min(3, Math.floor(best.length / 3)));
  return distance(word, best) <= limit ? ` Did you mean "${best}"?` : '';
}

/** node:util parseArgs errors → a UsageError naming the option and its likely spelling. */
export function explainParseError(e: unknown, knownOptions: readonly string[]): UsageError {
  const err = e as { code?: string; message?: string };
  const m = /Unknown option '(-{1,2}[^']+)'/.exec(err.message ?? '');
  if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && m) {
    const flag = m[1].replace(/=.*$/, '');
    const hint = didYouMean(flag.replace(/^-+/, ''), knownOptions);
    return new UsageError(`Unknown option ${flag}.${hint.replace(/"([^"]+)"/, '"--$1"')} See --help.`);
  }
  if (err.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    return new UsageError(`${(err.message ?? '').replace(/\.$/, '')}. See --help.`);
  }
  return new UsageError(err.message ?? String(e));
}

/** A whole number in [min, max], or undefined when the option was not given. */
export function intOption(raw: string | undefined, flag: string, min: number, max: number): number | undefined {
  if (raw === undefined) return undefined;
  const n = /^[+-]?\d+$/.test(raw.trim()) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(`${flag} must be a whole number from ${min} to ${max} (got "${raw}").`);
  }
  return n;
}

/** A finite number in [min, max], or undefined. */
export function numberOption(raw: string | undefined, flag: string, min: number, max: number): number | undefined {
  if (raw === undefined) return undefined;
  const n = raw.trim() === '' ? NaN : Number(raw);
  if (!Number.isFinite(n) || n < min || n > max) throw new UsageError(`${flag} must be a number from ${min} to ${max} (got "${raw}").`);
  return n;
}
