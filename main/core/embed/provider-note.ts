// What the user hears about the execution provider: nothing on 'auto' (a machine without a GPU is
// the usual case, not a problem), a note only when a GPU provider was asked for and fell back.
import type { ExecutionProvider, UserMessage } from '../api.js';
import type { ProviderRequest } from './providers.js';

const LABEL: Record<ExecutionProvider, string> = { cpu: 'CPU', cuda: 'CUDA', dml: 'DirectML', coreml: 'CoreML' };

export function gpuFallbackNote(request: ProviderRequest, used: ExecutionProvider, fallbackText: string | null): UserMessage | null {
  if (request === 'auto' || request === 'cpu' || request === used || !fallbackText) return null;
  return { code: 'model.gpuUnavailable', params: { requested: LABEL[request], using: LABEL[used] } };
}
