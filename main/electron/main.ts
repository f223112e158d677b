// The Electron shell: one window, the kanjian:// protocol, typed IPC, desktop actions. The core
// itself runs in a utility process (core-process.ts); this file only wires Electron to it.
// Every rule worth testing lives in the Electron-free modules next to it.
import { encodeIpcError } from './ipc-errors.js';
import { createReadStream } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  protocol,
  session,
  shell,
  utilityProcess,
  type IpcMainInvokeEvent,
  type UtilityProcess,
  type WebContents,
} from 'electron';
import { API_METHODS, type AppSettings, type TrashOutcome, type TrashPlan } from '../core/api.js';
import { defaultDataDir } from '../core/paths.js';
import { validateApiArg } from '../shell-common/validate.js';
import { API_CHANNELS, DESKTOP_CHANNELS, EVENT_CHANNEL } from './channels.js';
import { CoreClient, type CoreProcessHandle, type FromCore } from './core-rpc.js';
import { openWithDefault, showInFolder, type DesktopDeps } from './desktop-actions.js';
import { APP_ENTRY, appWebPreferences, isTrustedSender, navigationAllowed, requestAllowed, SCHEME } from './policy.js';
import { routeProtocolRequest } from './protocol-routes.js';
import { confirmedTrashPhotos, dialogLocale, type ConfirmText } from './trash-confirm.js';

const here = path.dirname(fileURLToPath(import.meta.url));

// Must happen before `ready`: a standard + secure scheme gets an origin, fetch and a secure context.
protocol.registerSchemesAsPrivileged([
  { scheme: SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } },
]);
app.enableSandbox();

// One library, one writer: a second launch focuses the first window instead.
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  start();
}

function start(): void {
  // userData must be the folder the CLI and HTTP shell use (main/core/paths.ts); they agree for
  // an app named "Kanjian", and KANJIAN_DATA overrides both.
  app.setName('Kanjian');
  const dataDir = defaultDataDir();
  if (path.resolve(app.getPath('userData')) !== dataDir) app.setPath('userData', dataDir);

  const rendererDir = path.join(app.getAppPath(), 'renderer', 'dist');
  const log = (m: string) => process.stderr.write(`[kanjian] ${m}\n`);

  const core = new CoreClient({
    init: { dataDir: app.getPath('userData'), model: process.env.KANJIAN_MODEL ?? null, provider: process.env.KANJIAN_EP },
    spawn: spawnCoreProcess,
    log,
  });

  let win: BrowserWindow | null = null;

  core.onEvent((event) => {
    if (win && !win.isDestroyed()) win.webContents.send(EVENT_CHANNEL, event);
  });

  app.on('second-instance', () => {
    if (!win) return;
    if (win.isMinimized()) win.restore();
    win.focus();
  });

  // Every web contents (including any a bug might create): no navigation away, no popups,
  // no <webview>.
  app.on('web-contents-created', (_e, contents: WebContents) => {
    contents.on('will-navigate', (e, url) => {
      if (!navigationAllowed(url)) e.preventDefault();
    });
    contents.on('will-redirect', (e, url) => {
      if (!navigationAllowed(url)) e.preventDefault();
    });
    contents.on('will-attach-webview', (e) => e.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });

  app.whenReady().then(() => {
    const ses = session.defaultSession;
    ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
    ses.setPermissionCheckHandler(() => false);
    ses.webRequest.onBeforeRequest((details, callback) => callback({ cancel: !requestAllowed(details.url) }));

    protocol.handle(SCHEME, async (request) => {
      const route = await routeProtocolRequest(request.url, request.method, {
        rendererDir,
        resolveMedia: (kind, rawId) => core.resolveMedia(kind, rawId),
      }).catch((e: Error) => {
        log(`protocol: ${e.message}`);
        return { status: 404 as const, headers: { 'Content-Type': 'text/plain; charset=utf-8' }, reason: 'not found' };
      });
      if (route.status !== 200) return new Response(route.reason, { status: route.status, headers: route.headers });
      const headers = { ...route.headers, 'Content-Length': String(route.size) };
      if (request.method === 'HEAD') return new Response(null, { status: 200, headers });
      const body = Readable.toWeb(createReadStream(route.file)) as unknown as ReadableStream<Uint8Array>;
      return new Response(body, { status: 200, headers });
    });

    registerIpc(core, () => win);
    void core.start().catch((e: Error) => log(`could not open the library: ${e.message}`));
    win = createWindow();
    win.on('closed', () => (win = null));

    app.on('activate', () => {
      if (!win) {
        win = createWindow();
        win.on('closed', () => (win = null));
      }
    });
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  // Give the core a chance to finish its SQLite transaction and stop its watchers.
  let coreClosed = false;
  app.on('before-quit', (e) => {
    if (coreClosed) return;
    e.preventDefault();
    void core.close().finally(() => {
      coreClosed = true;
      app.quit();
    });
  });

  function spawnCoreProcess(): CoreProcessHandle {
    const child: UtilityProcess = utilityProcess.fork(path.join(here, 'core-process.js'), [], {
      serviceName: 'Kanjian core',
      stdio: 'inherit',
    });
    return {
      port: {
        post: (m) => child.postMessage(m),
        listen(onMessage) {
          const h = (m: unknown) => onMessage(m as FromCore);
          child.on('message', h);
          return () => child.off('message', h);
        },
      },
      onExit: (cb) => child.once('exit', cb),
      kill: () => child.kill(),
    };
  }
}

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 860,
    minWidth: 720,
    minHeight: 480,
    show: false,
    title: '看见 Kanjian',
    webPreferences: appWebPreferences(path.join(here, 'preload.cjs'), { packaged: app.isPackaged }),
  });
  win.once('ready-to-show', () => win.show());
  void win.loadURL(APP_ENTRY);
  return win;
}

/** Refuses IPC from anything but the app's own top frame. */
function assertTrusted(event: IpcMainInvokeEvent): void {
  const frame = event.senderFrame;
  if (!frame || !isTrustedSender(frame.url, frame.parent === null)) {
    throw new Error('IPC refused: not the app window');
  }
}

function registerIpc(core: CoreClient, window: () => BrowserWindow | null): void {
  /** A native warning dialog, modal to the window that asked (or to the app window). */
  const confirm = async (event: IpcMainInvokeEvent, text: ConfirmText): Promise<boolean> => {
    const w = BrowserWindow.fromWebContents(event.sender) ?? window();
    const opts = {
      type: 'warning' as const,
      buttons: [text.confirmLabel, text.cancelLabel],
      defaultId: 1,
      cancelId: 1,
      noLink: true,
      message: text.message,
      detail: text.detail,
    };
    const r = w ? await dialog.showMessageBox(w, opts) : await dialog.showMessageBox(opts);
    return r.response === 0;
  };

  for (const method of API_METHODS) {
    const handleApi = async (event: Electron.IpcMainInvokeEvent, arg: unknown): Promise<unknown> => {
      assertTrusted(event);
      // Validated here, at the trust boundary, and again in the core process.
      if (method === 'trashPhotos') {
        // Files move only after a native confirm shown here; the page's own dialog is not enough.
        return confirmedTrashPhotos(
          {
            planTrash: (req) => core.call('planTrash', req) as Promise<TrashPlan>,
            trashPhotos: (req) => core.call('trashPhotos', req) as Promise<TrashOutcome>,
            confirm: (text) => confirm(event, text),
            locale: dialogLocale(((await core.call('getSettings', undefined).catch(() => null)) as AppSettings | null)?.language, app.getLocale()),
          },
          validateApiArg('trashPhotos', arg),
        );
      }
      return core.call(method, validateApiArg(method, arg));
    };
    // A failure keeps its code and params across IPC (ipc-errors.ts), so the page can explain it.
    ipcMain.handle(API_CHANNELS[method], (event, arg: unknown) => handleApi(event, arg).catch((e: unknown) => Promise.reject(encodeIpcError(e))));
  }

  const deps: DesktopDeps = {
    resolveOriginal: (id) => core.resolveMedia('original', String(id)),
    showItemInFolder: (file) => shell.showItemInFolder(file),
    openPath: (file) => shell.openPath(file),
  };

  ipcMain.handle(DESKTOP_CHANNELS.pickFolder, async (event) => {
    assertTrusted(event);
    const w = window();
    const opts = { properties: ['openDirectory' as const] };
    const r = w ? await dialog.showOpenDialog(w, opts) : await dialog.showOpenDialog(opts);
    return r.canceled || !r.filePaths.length ? null : r.filePaths[0];
  });
  ipcMain.handle(DESKTOP_CHANNELS.showInFolder, async (event, id: unknown) => {
    assertTrusted(event);
    await showInFolder(deps, id);
  });
  ipcMain.handle(DESKTOP_CHANNELS.openWithDefault, async (event, id: unknown) => {
    assertTrusted(event);
    await openWithDefault(deps, id);
  });
}
