// Errors across Electron's IPC keep their code. ipcMain.handle hands the page only the message of
// a thrown error ("Error invoking remote method 'x': Error: msg"): a KanjianError's code and
// params — which the UI renders in the user's language — would be lost, and the page would show
// "internal error" for a mistake it could explain. So the main process puts them in the message
// as one marked JSON value and the bridge takes them out again. No electron import here.

const MARK = 'kanjian-error:';

export interface IpcErrorFields {
  name: string;
  message: string;
  code?: string;
  params?: Record<string, string | number>;
}

/** The fields worth carrying of any thrown value. */
export function errorFields(e: unknown): IpcErrorFields {
  if (!(e instanceof Error)) return { name: 'Error', message: String(e) };
  const { code, params } = e as { code?: unknown; params?: unknown };
  const out: IpcErrorFields = { name: e.name, message: e.message };
  if (typeof code === 'string' && code) out.code = code;
  if (params && typeof params === 'object') out.params = params as Record<string, string | number>;
  return out;
}

/** What the main process throws from a handler. */
export function encodeIpcError(e: unknown): Error {
  return new Error(MARK + JSON.stringify(errorFields(e)));
}

/** The fields back, from an invoke rejection's message; null when it carries none. */
export function decodeIpcError(message: string): IpcErrorFields | null {
  const i = message.indexOf(MARK);
  if (i < 0) return null;
  try {
    const v = JSON.parse(message.slice(i + MARK.length)) as IpcErrorFields;
    return typeof v?.message === 'string' && typeof v.name === 'string' ? v : null;
  } catch {
    return null;
  }
}
