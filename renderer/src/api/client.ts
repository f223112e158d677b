// Picks the shell's client: Electron's preload bridge when present, else HTTP to the local server.
import { createHttpClient, takeToken } from './http-client.ts';
import type { KanjianClient } from './types.ts';

declare global {
  interface Window {
    /** Exposed by main/electron/preload via contextBridge. */
    kanjian?: KanjianClient;
  }
}

export function pickClient(onUnauthorized: () => void): KanjianClient {
  if (typeof window !== 'undefined' && window.kanjian) return window.kanjian;
  return createHttpClient({ token: takeToken(), onUnauthorized });
}
