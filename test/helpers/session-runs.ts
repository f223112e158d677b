// Counts onnxruntime session runs: a spy on InferenceSession.run itself (the third-party seam
// every tower run of the encoder goes through), which still runs the real session.
import * as ort from 'onnxruntime-node';
import { vi } from 'vitest';

export function spyOnSessionRuns() {
  // At run time InferenceSession is a class; its typings only describe the factory.
  const proto = (ort.InferenceSession as unknown as { prototype: ort.InferenceSession }).prototype;
  const spy = vi.spyOn(proto, 'run');
  return {
    /** Runs whose feeds include an input named `input` (e.g. the text tower's ids, "text"). */
    count: (input?: string) => spy.mock.calls.filter(([feeds]) => !input || input in (feeds as object)).length,
    restore: () => spy.mockRestore(),
  };
}
