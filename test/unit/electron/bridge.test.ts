import { describe, expect, it } from 'vitest';
import { API_METHODS, type KanjianEvent } from '../../../main/core/api.js';
import { cleanIpcError, createBridgeClient, type IpcRendererLike } from '../../../main/electron/bridge.js';
import { DESKTOP_CHANNELS, EVENT_CHANNEL } from '../../../main/electron/channels.js';
import { encodeIpcError } from '../../../main/electron/ipc-errors.js';
import { KanjianError } from '../../../main/core/errors.js';

function fakeIpc(reply: (channel: string, args: unknown[]) => unknown = () => 'ok') {
  const invoked: [string, unknown[]][] = [];
  const handlers = new Map<string, Set<(e: unknown, ...a: unknown[]) => void>>();
  const ipc: IpcRendererLike = {
    async invoke(channel, ...args) {
      invoked.push([channel, args]);
      return reply(channel, args);
    },
    on(channel, l) {
      if (!handlers.has(channel)) handlers.set(channel, new Set());
      handlers.get(channel)!.add(l);
    },
    removeListener(channel, l) {
      handlers.get(channel)?.delete(l);
    },
  };
  const emit = (channel: string, ...args: unknown[]) => handlers.get(channel)?.forEach((h) => h({ sender: 'SECRET-SENDER' }, ...args));
  return { ipc, invoked, handlers, emit };
}

describe('preload bridge', () => {
  it('maps each API method to its channel with exactly one argument', async () => {
    const f = fakeIpc();
    const client = createBridgeClient(f.ipc);
    expect(client.shell).toBe('electron');
    for (const m of API_METHODS) {
      await (client[m] as (a: unknown, b?: unknown) => Promise<unknown>)({ x: 1 }, 'extra-arg-is-dropped');
    }
    expect(f.invoked).toEqual(API_METHODS.map((m) => [`kanjian:${m}`, [{ x: 1 }]]));
  });

  it('delivers events without the IPC event object, and unsubscribes', () => {
    const f = fakeIpc();
    const client = createBridgeClient(f.ipc);
    const got: unknown[][] = [];
    const off = client.onEvent((...args: unknown[]) => got.push(args));
    const e: KanjianEvent = { type: 'folders', folders: [] };
    f.emit(EVENT_CHANNEL, e);
    expect(got).toEqual([[e]]);
    off();
    f.emit(EVENT_CHANNEL, e);
    expect(got.length).toBe(1);
    expect(f.handlers.get(EVENT_CHANNEL)?.size).toBe(0);
  });

  it('builds kanjian:// media URLs', () => {
    const client = createBridgeClient(fakeIpc().ipc);
    expect(client.thumbnailUrl(42)).toBe('kanjian://thumb/42');
    expect(client.originalUrl(7)).toBe('kanjian://original/7');
  });

  it('exposes desktop actions; trashing is only the API method, not a desktop action', async () => {
    const f = fakeIpc((ch) => (ch === DESKTOP_CHANNELS.pickFolder ? '/home/me/照片' : undefined));
    const client = createBridgeClient(f.ipc, (file) => `/dropped/${(file as { name: string }).name}`);
    expect(await client.desktop.pickFolder()).toBe('/home/me/照片');
    await client.desktop.showInFolder(3);
    await client.desktop.openWithDefault(4);
    expect('trashPhotos' in client.desktop).toBe(false);
    expect(Object.keys(DESKTOP_CHANNELS).sort()).toEqual(['openWithDefault', 'pickFolder', 'showInFolder']);
    expect(f.invoked.slice(1)).toEqual([
      [DESKTOP_CHANNELS.showInFolder, [3]],
      [DESKTOP_CHANNELS.openWithDefault, [4]],
    ]);
    expect(client.desktop.pathForFile({ name: 'a' })).toBe('/dropped/a');
    const throwing = createBridgeClient(f.ipc, () => {
      throw new Error('not a file');
    });
    expect(throwing.desktop.pathForFile({})).toBe('');
  });

  it('hands the UI the handler\'s message, not Electron\'s wrapper', async () => {
    const f = fakeIpc(() => {
      throw new Error("Error invoking remote method 'kanjian:addFolder': Error: Folder not found: /x");
    });
    const client = createBridgeClient(f.ipc);
    await expect(client.addFolder('/x')).rejects.toThrow(/^Folder not found: \/x$/);
    const v = cleanIpcError(new Error("Error invoking remote method 'kanjian:search': ValidationError: search: query must be a string"));
    expect(v.message).toBe('search: query must be a string');
    expect(v.name).toBe('ValidationError');
    expect(cleanIpcError('plain').message).toBe('plain');
    const c = cleanIpcError(new Error("Error invoking remote method 'kanjian:trashPhotos': CancelledError: Cancelled: nothing was moved to the trash."));
    expect(c.message).toBe('Cancelled: nothing was moved to the trash.');
    expect(c.name).toBe('CancelledError');
    expect(cleanIpcError(new Error("Error invoking remote method 'kanjian:search': Error: boom")).name).toBe('Error');
  });

  it('keeps the code and params of a coded error across IPC, as the main process encodes it', () => {
    const thrown = new KanjianError('folder.system', 'A system folder cannot be a library folder: /etc', { params: { path: '/etc' }, client: true });
    // What ipcRenderer.invoke rejects with when the handler threw encodeIpcError(thrown).
    const wire = new Error(`Error invoking remote method 'kanjian:addFolder': Error: ${encodeIpcError(thrown).message}`);
    const e = cleanIpcError(wire) as Error & { code?: string; params?: unknown };
    expect(e).toMatchObject({ name: 'KanjianError', message: 'A system folder cannot be a library folder: /etc', code: 'folder.system', params: { path: '/etc' } });
  });
});
