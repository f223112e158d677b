// Problems that can reach a user travel as a code plus parameters; the UI renders them in its
// language (renderer/src/i18n). The English `message` is for logs and the CLI only.
import type { MessageCode, UserMessage } from './api.js';

/**
 * A failure the user (or a client) can act on. `client: true` means the request itself was wrong
 * (unknown id, a path that is not a folder …): the HTTP shell answers 4xx, never 500.
 */
export class KanjianError extends Error {
  readonly code: MessageCode;
  readonly params: Record<string, string | number>;
  readonly client: boolean;

  constructor(code: MessageCode, message: string, opts: { params?: Record<string, string | number>; client?: boolean } = {}) {
    super(message);
    this.name = 'KanjianError';
    this.code = code;
    this.params = opts.params ?? {};
    this.client = opts.client ?? true;
  }

  toUserMessage(): UserMessage {
    return { code: this.code, params: this.params };
  }
}

/** A code for any error: a KanjianError keeps its own, anything else is `internal`. */
export function toUserMessage(e: unknown): UserMessage {
  if (e instanceof KanjianError) return e.toUserMessage();
  return { code: 'internal', params: { detail: e instanceof Error ? e.message : String(e) } };
}
