// The object the preload exposes as `window.kanjian`: KanjianClient over ipcRenderer. Written
// against a minimal IPC interface (no Electron import) so it is unit-tested without Electron;
// preload.ts passes the real ipcRenderer and the bundle makes it one CommonJS file.
import { decodeIpcError } from './ipc-errors.js';
import { API_METHODS, type DesktopActions, type KanjianApi, type KanjianClient, type KanjianEvent } from '../core/api.js';
import { API_CHANNELS, DESKTOP_CHANNELS, EVENT_CHANNEL } from './channels.js';

/** Desktop actions beyond the typed DesktopActions. */
export interface DesktopExtras {
  /** The file system path of a dropped File (Electron hides File.path since v32). */
  pathForFile(file: unknown): string;
}

export type ElectronClient = KanjianClient & { shell: 'electron'; desktop: DesktopActions & DesktopExtras };

export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

/**
 * ipcRenderer.invoke wraps a handler's error as "Error invoking remote method 'x': Error: msg";
 * the UI shows messages to people, so hand back just "msg".
 */
export function cleanIpcError(e: unknown): Error {
  const raw = e instanceof Error ? e.message : String(e);
  const carried = decodeIpcError(raw);
  if (carried) {
    // A coded error from the core: the page renders its code in the user's language.
    const err = Object.assign(new Error(carried.message), carried.code ? { code: carried.code, params: carried.params ?? {} } : {});
    err.name = carried.name;
    return err;
  }
  const m = /^Error invoking remote method '[^']*': (?:[A-Za-z]*Error: )?([\s\S]*)$/.exec(raw);
  const err = new Error(m ? m[1] : raw);
  // Names the page may act on: a bad argument, or the user said no in a native dialog.
  const named = /^Error invoking remote method '[^']*': (ValidationError|CancelledError): /.exec(raw);
  if (named) err.name = named[1];
  return err;
}

const origin = 'kanjian:';

export function createBridgeClient(ipc: IpcRendererLike, pathForFile: (file: unknown) => string = () => ''): ElectronClient {
  const invoke = async (channel: string, ...args: unknown[]) => {
    try {
      return await ipc.invoke(channel, ...args);
    } catch (e) {
      throw cleanIpcError(e);
    }
  };
  const api = {} as Record<string, (arg?: unknown) => Promise<unknown>>;
  // Exactly one argument crosses, whatever the page passes: nothing extra rides along.
  for (const m of API_METHODS) api[m] = (arg?: unknown) => invoke(API_CHANNELS[m], arg);

  return {
    ...(api as unknown as KanjianApi),
    shell: 'electron',
    onEvent(listener: (e: KanjianEvent) => void) {
      // The IpcRendererEvent stays here: it carries `sender`, which the page must never get.
      const handler = (_event: unknown, payload: unknown) => listener(payload as KanjianEvent);
      ipc.on(EVENT_CHANNEL, handler);
      return () => {
        ipc.removeListener(EVENT_CHANNEL, handler);
      };
    },
    thumbnailUrl: (id: number) => `${origin}//thumb/${encodeURIComponent(String(id))}`,
    originalUrl: (id: number) => `${origin}//original/${encodeURIComponent(String(id))}`,
    previewUrl: (id: number) => `${origin}//preview/${encodeURIComponent(String(id))}`,
    desktop: {
      pickFolder: () => invoke(DESKTOP_CHANNELS.pickFolder) as Promise<string | null>,
      showInFolder: async (photoId: number) => {
        await invoke(DESKTOP_CHANNELS.showInFolder, photoId);
      },
      openWithDefault: async (photoId: number) => {
        await invoke(DESKTOP_CHANNELS.openWithDefault, photoId);
      },
      pathForFile: (file: unknown) => {
        try {
          return pathForFile(file) || '';
        } catch {
          return '';
        }
      },
    },
  };
}
