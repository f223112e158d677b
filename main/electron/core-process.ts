// Entry of Electron's utility process that owns the library: SQLite, watchers, decoding and
// inference all run here, off the main process (which must stay free to paint and answer input).
// main.ts starts it with utilityProcess.fork and talks to it over process.parentPort.
import type { ParentPort } from 'electron';
import { enableAsarExecFile } from './asar-exec.js';
import { openCore } from './core-open.js';
import { runCoreSide, type FromCore, type PortLike, type ToCore } from './core-rpc.js';

const parentPort: ParentPort | undefined = (process as NodeJS.Process & { parentPort?: ParentPort }).parentPort;
if (!parentPort) {
  process.stderr.write('core-process must be started by Electron (utilityProcess.fork).\n');
  process.exit(1);
}

const port: PortLike<ToCore, FromCore> = {
  post: (m) => parentPort.postMessage(m),
  listen(onMessage) {
    const h = (e: Electron.MessageEvent) => onMessage(e.data as ToCore);
    parentPort.on('message', h);
    return () => parentPort.off('message', h);
  },
};

// The core moves files to the OS trash here, with the `trash` package (there is no Electron
// `shell` in a utility process); its macOS/Windows helper binaries must run from outside the asar.
enableAsarExecFile();

runCoreSide(port, { open: openCore, exit: (code) => process.exit(code) });
