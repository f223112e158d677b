import { FORMAT_LABEL, type PhotoFormat } from './formats.js';

export type MediaErrorCode =
  | 'not-found'
  | 'permission'
  | 'empty'
  | 'not-image'
  | 'corrupt'
  | 'too-large'
  | 'unsupported'
  | 'io';

/**
 * A photo that could not be read, with a message a user can act on. The message never contains
 * the path (the UI shows the path beside it); `path` carries it for logs.
 */
export class MediaError extends Error {
  override readonly name = 'MediaError';
  readonly code: MediaErrorCode;
  path: string | undefined;
  /** Parameters of the user-facing message (format, megapixels), see error-codes.ts. */
  readonly params: Record<string, string | number>;

  constructor(
    code: MediaErrorCode,
    message: string,
    options: { cause?: unknown; path?: string; params?: Record<string, string | number> } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.path = options.path;
    this.params = options.params ?? {};
  }
}

export function isMediaError(err: unknown): err is MediaError {
  return err instanceof MediaError;
}

/**
 * Attach the path to a MediaError on its way out. Anything else is a bug, not a bad photo, and
 * passes through untouched so callers can tell the two apart.
 */
export function withPath<T>(err: T, path: string): T {
  if (isMediaError(err)) err.path ??= path;
  return err;
}

export function megabytes(bytes: number): string {
  return `${Math.round(bytes / (1024 * 1024))} MB`;
}

export function tooManyPixels(width: number, height: number, limit: number): MediaError {
  const mp = Number((limit / 1_000_000).toPrecision(3));
  return new MediaError('too-large', `Image too large: ${width}×${height} pixels exceeds the ${mp}-megapixel limit`, {
    params: { megapixels: mp },
  });
}

function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

// Node's own errno strings are terse ("EIO: i/o error, read"); these say what to do.
const FS_MESSAGES: Record<string, [MediaErrorCode, string]> = {
  ENOENT: ['not-found', 'File not found: it may have been moved, renamed or deleted'],
  ENOTDIR: ['not-found', 'File not found: a folder in its path is missing'],
  EACCES: ['permission', 'Permission denied: Kanjian is not allowed to read this file'],
  EPERM: ['permission', 'Permission denied: Kanjian is not allowed to read this file'],
  EISDIR: ['not-image', 'This is a folder, not a photo'],
  EIO: ['io', 'Could not read the file: the disk reported an input/output error'],
  EBUSY: ['io', 'Could not read the file: it is locked by another program'],
  EMFILE: ['io', 'Could not read the file: too many files are open at once'],
  ENFILE: ['io', 'Could not read the file: too many files are open at once'],
  ETIMEDOUT: ['io', 'Could not read the file: the disk or network share stopped answering'],
  EHOSTDOWN: ['io', 'Could not read the file: the network share is unreachable'],
  ENOTCONN: ['io', 'Could not read the file: the network share is disconnected'],
  ELOOP: ['io', 'Could not read the file: its path loops through symbolic links'],
  ENAMETOOLONG: ['io', 'Could not read the file: its path is too long'],
};

/** Map a Node file-system error to a MediaError. */
export function mediaErrorFromFs(err: unknown): MediaError {
  if (isMediaError(err)) return err;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const known = code ? FS_MESSAGES[code] : undefined;
  if (known) return new MediaError(known[0], known[1], { cause: err });
  return new MediaError('io', `Could not read the file: ${messageOf(err)}`, { cause: err });
}

/**
 * Map a sharp (libvips) or heic-decode (libheif) failure to a MediaError. `claimed` is the format
 * the file's signature names, if any: a file that looks like a JPEG but fails to parse is a damaged
 * JPEG, while one with no known signature is simply not an image.
 */
export function mediaErrorFromDecoder(err: unknown, claimed: PhotoFormat | null): MediaError {
  if (isMediaError(err)) return err;
  const raw = messageOf(err);
  const label = claimed ? FORMAT_LABEL[claimed] : 'image';

  if (/buffer is empty/i.test(raw)) return new MediaError('empty', 'Empty file (0 bytes): there is no image in it', { cause: err });
  if (/exceeds pixel limit/i.test(raw)) {
    return new MediaError('too-large', 'Image too large: its pixel count exceeds the limit', { cause: err });
  }
  if (/unsupported image format|not a HEIC image/i.test(raw)) {
    if (!claimed) {
      return new MediaError('not-image', 'Not an image: the file does not contain a photo format Kanjian can read', { cause: err });
    }
    // The signature matched but the decoder could not find a readable header behind it.
    return new MediaError('corrupt', `Truncated or corrupt ${label}: its header could not be read`, { cause: err, params: { format: label } });
  }
  if (/unsupported|not supported|no decoder|unknown compression|codec/i.test(raw) && !/corrupt|invalid|premature/i.test(raw)) {
    return new MediaError('unsupported', `Unsupported ${label} variant: ${clean(raw)}`, { cause: err, params: { format: label } });
  }
  const detail = /premature end|unexpected end|end of file|outside of file bounds|truncat|bad seek|read error|image not found|insufficient input/i.test(raw)
    ? 'premature end of data (the file may be incomplete or damaged)'
    : clean(raw);
  return new MediaError('corrupt', `Truncated or corrupt ${label}: ${detail}`, { cause: err, params: { format: label } });
}

// libvips messages carry loader prefixes and several lines of seek traces; keep one readable line.
function clean(raw: string): string {
  const lines = raw.split('\n').map((l) => l.trim()).filter(Boolean);
  const line = [...lines].reverse().find((l) => !/^source: bad seek/i.test(l)) ?? 'unreadable data';
  const text = line
    .replace(/^Input buffer has corrupt header:\s*/i, '')
    .replace(/^(VipsJpeg|vipspng|VipsForeignLoad\w*|gifload_buffer|tiff2vips|webp|heif|spng|pngload\w*):\s*/i, '')
    .replace(/\s*\(\d+(\.\d+)*\)\s*$/, '')
    .replace(/^(Corrupt JPEG data|Invalid input|Unspecified):\s*/i, '');
  // Lower-case a leading word ("Invalid frame") but not an acronym ("HEIF").
  return /^[A-Z][a-z]/.test(text) ? text.charAt(0).toLowerCase() + text.slice(1) : text;
}
