// A photo's failure reason as a message code for the UI (FailedFile.code, PhotoDetail.errorCode).
// The media layer's own codes say what went wrong in its terms; these are the catalogue's.
import type { MessageCode } from '../api.js';
import { MediaError, type MediaErrorCode } from './errors.js';

const BY_MEDIA_CODE: Record<MediaErrorCode, MessageCode> = {
  'not-found': 'media.notFound',
  permission: 'media.permission',
  empty: 'media.empty',
  'not-image': 'media.notImage',
  corrupt: 'media.corrupt',
  'too-large': 'media.tooLarge',
  unsupported: 'media.unsupported',
  io: 'media.io',
};

export interface FailureCode {
  code: MessageCode;
  params?: Record<string, string | number>;
}

/** The code of any error reaching the indexer: a MediaError's own, anything else 'media.unexpected'. */
export function failureCode(e: unknown): FailureCode {
  if (e instanceof MediaError) {
    const params = e.params && Object.keys(e.params).length ? e.params : undefined;
    return { code: BY_MEDIA_CODE[e.code], ...(params && { params }) };
  }
  return { code: 'media.unexpected' };
}

/** A folder the scan could not read: the file-system reason as a media code. */
export function fsFailureCode(e: unknown): FailureCode {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EACCES' || code === 'EPERM') return { code: 'media.permission' };
  if (code === 'ENOENT' || code === 'ENOTDIR') return { code: 'media.notFound' };
  return { code: 'media.io' };
}
