// How the core process opens the library; shared by core-process.ts (Electron) and the tests
// that run the same protocol in a plain Node child process.
import { Kanjian } from '../core/kanjian.js';
import { kanjianMediaSource } from '../shell-common/media.js';
import type { CoreHostOptions } from './core-rpc.js';

export const openCore: CoreHostOptions['open'] = async (init, log) => {
  const core = await Kanjian.open({
    dataDir: init.dataDir,
    model: init.model ?? undefined,
    provider: init.provider,
    // The app keeps its folders live: new photos are indexed as they appear.
    watch: true,
    // No trashFile: a utility process has no Electron `shell`, so trashPhotos uses the core's
    // default, the `trash` package (see asar-exec.ts for its helper binaries when packaged).
    log,
    role: 'Kanjian app',
  });
  return { core, media: kanjianMediaSource(core) };
};
