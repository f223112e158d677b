// IPC channel names, one per API method and desktop action: a typed table, not ad-hoc strings.
// Imported by main.ts and (bundled) by the preload; no Electron import.
import { API_METHODS, type ApiMethod } from '../core/api.js';

export const apiChannel = (method: ApiMethod) => `kanjian:${method}` as const;

export const API_CHANNELS: Readonly<Record<ApiMethod, string>> = Object.fromEntries(
  API_METHODS.map((m) => [m, apiChannel(m)]),
) as Record<ApiMethod, string>;

export const DESKTOP_CHANNELS = {
  pickFolder: 'kanjian:desktop:pickFolder',
  showInFolder: 'kanjian:desktop:showInFolder',
  openWithDefault: 'kanjian:desktop:openWithDefault',
} as const;
export type DesktopChannelName = keyof typeof DESKTOP_CHANNELS;

/** Main → renderer: one KanjianEvent per message. */
export const EVENT_CHANNEL = 'kanjian:event';
