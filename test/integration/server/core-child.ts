// Stand-in for Electron's utility process in tests: the same core side (runCoreSide + openCore)
// in a Node child process, with process.send / 'message' in place of parentPort.
import { openCore } from '../../../main/electron/core-open.js';
import { runCoreSide, type FromCore, type ToCore } from '../../../main/electron/core-rpc.js';

runCoreSide(
  {
    post: (m: FromCore) => process.send!(m),
    listen(onMessage) {
      const h = (m: unknown) => onMessage(m as ToCore);
      process.on('message', h);
      return () => process.off('message', h);
    },
  },
  { open: openCore, exit: (code) => process.exit(code) },
);
