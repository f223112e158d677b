// WebAssembly text → binary with wabt (a dev dependency: the app ships only the bytes).
import wabtInit from 'wabt';

export async function compileKernels(wat: string): Promise<Uint8Array> {
  const wabt = await wabtInit();
  const mod = wabt.parseWat('kernels.wat', wat, { simd: true });
  try {
    mod.validate();
    return mod.toBinary({}).buffer;
  } finally {
    mod.destroy();
  }
}
