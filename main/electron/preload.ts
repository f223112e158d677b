// Preload of the app window. The window is sandboxed, so this runs as CommonJS and may require
// only 'electron': it is bundled into dist/electron/preload.cjs (vite.preload.config.ts).
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { createBridgeClient } from './bridge.js';

contextBridge.exposeInMainWorld(
  'kanjian',
  createBridgeClient(ipcRenderer, (file) => webUtils.getPathForFile(file as File)),
);
