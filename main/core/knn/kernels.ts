// The index's codes live in one WebAssembly memory so the SIMD kernels (kernels.wat) scan them
// in place. Layout, each region 16-byte aligned, all sized by the row capacity:
//   bits (m v128 a row) | int8 codes (dimPad bytes a row) | distances (u16) | allowed (u8)
//   | candidate rows (i32) | dot products (i32) | query bits | int16 query
import { KERNELS_WASM_BASE64 } from './kernels-wasm.js';

interface KernelExports {
  hamming(codes: number, m: number, n: number, q: number, allowed: number, out: number): void;
  dot8(codes: number, dim: number, q: number, rows: number, count: number, out: number): void;
}

let compiled: WebAssembly.Module | null = null;
function kernelModule(): WebAssembly.Module {
  return (compiled ??= new WebAssembly.Module(Buffer.from(KERNELS_WASM_BASE64, 'base64')));
}

const align = (x: number) => Math.ceil(x / 16) * 16;

export class CodeArena {
  /** v128 words per bit code. */
  readonly m: number;
  /** Bytes per int8 code (dim rounded up to 16). */
  readonly dimPad: number;
  readonly bits: Uint32Array;
  readonly codes: Int8Array;
  readonly dist: Uint16Array;
  readonly allowed: Uint8Array;
  readonly rows: Int32Array;
  readonly dots: Int32Array;
  readonly qbits: Uint32Array;
  readonly q16: Int16Array;
  private kernels: KernelExports;
  private off: { bits: number; codes: number; dist: number; allowed: number; rows: number; dots: number; qbits: number; q16: number };

  constructor(
    readonly capacity: number,
    readonly dim: number,
  ) {
    this.m = Math.ceil(dim / 128);
    this.dimPad = align(dim);
    const bits = 0;
    const codes = align(bits + capacity * this.m * 16);
    const dist = align(codes + capacity * this.dimPad);
    const allowed = align(dist + capacity * 2);
    const rows = align(allowed + capacity);
    const dots = align(rows + capacity * 4);
    const qbits = align(dots + capacity * 4);
    const q16 = align(qbits + this.m * 16);
    const end = align(q16 + this.dimPad * 2);
    this.off = { bits, codes, dist, allowed, rows, dots, qbits, q16 };
    const memory = new WebAssembly.Memory({ initial: Math.ceil(end / 65536) || 1 });
    this.kernels = new WebAssembly.Instance(kernelModule(), { env: { memory } }).exports as unknown as KernelExports;
    const buf = memory.buffer;
    this.bits = new Uint32Array(buf, bits, capacity * this.m * 4);
    this.codes = new Int8Array(buf, codes, capacity * this.dimPad);
    this.dist = new Uint16Array(buf, dist, capacity);
    this.allowed = new Uint8Array(buf, allowed, capacity);
    this.rows = new Int32Array(buf, rows, capacity);
    this.dots = new Int32Array(buf, dots, capacity);
    this.qbits = new Uint32Array(buf, qbits, this.m * 4);
    this.q16 = new Int16Array(buf, q16, this.dimPad);
  }

  /** A bigger arena holding this one's first `n` codes. */
  grown(capacity: number, n: number): CodeArena {
    const next = new CodeArena(capacity, this.dim);
    next.bits.set(this.bits.subarray(0, n * this.m * 4));
    next.codes.set(this.codes.subarray(0, n * this.dimPad));
    return next;
  }

  /** dist[i] = Hamming(qbits, bits of row i) for i < n, 0xffff where allowed[i] is 0. */
  hamming(n: number): void {
    this.kernels.hamming(this.off.bits, this.m, n, this.off.qbits, this.off.allowed, this.off.dist);
  }

  /** dots[r] = q16 · int8 code of rows[r] for r < count. */
  dot8(count: number): void {
    this.kernels.dot8(this.off.codes, this.dimPad, this.off.q16, this.off.rows, count, this.off.dots);
  }
}
