// Timing loops for benches. Each sample is wall-clock milliseconds of one call; alongside, the
// process's CPU time over the measured part tells whether something else on the machine was
// competing for the cores (a busy neighbour makes wall time lie).

import { cpus } from 'node:os';

export interface TimedRun {
  /** Wall-clock ms of each measured call, in order. */
  samples: number[];
  /** Wall-clock ms of the whole measured part. */
  totalMs: number;
  /**
   * CPU time this process used over the measured part divided by (wall time x `threads`).
   * Near 1 for a compute-bound run that had its cores to itself; clearly lower means the
   * threads waited (for I/O, or for cores another process held). Null when `threads` is unknown.
   */
  cpuShare: number | null;
}

export interface TimeOptions {
  /** Calls made first and thrown away (lazy allocations, caches, CPU clocks ramping up). */
  warmup?: number;
  iterations: number;
  /** Threads the measured code is expected to keep busy; used for `cpuShare`. */
  threads?: number;
}

export function nowMs(): number {
  return performance.now();
}

/** Calls `fn(i)` `warmup` times, then `iterations` times measuring each call. */
export async function timeCalls(fn: (i: number) => unknown | Promise<unknown>, opts: TimeOptions): Promise<TimedRun> {
  const warmup = opts.warmup ?? 3;
  for (let i = 0; i < warmup; i++) await fn(i);
  const samples: number[] = [];
  const cpu0 = process.cpuUsage();
  const start = nowMs();
  for (let i = 0; i < opts.iterations; i++) {
    const t = nowMs();
    await fn(i);
    samples.push(nowMs() - t);
  }
  const totalMs = nowMs() - start;
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const threads = opts.threads ?? null;
  return { samples, totalMs, cpuShare: threads ? cpuMs / (totalMs * threads) : null };
}

/** Times one call (model load, index build) in ms, returning its result too. */
export async function timeOnce<T>(fn: () => T | Promise<T>): Promise<{ ms: number; value: T }> {
  const t = nowMs();
  const value = await fn();
  return { ms: nowMs() - t, value };
}

export function logicalCores(): number {
  return cpus().length || 1;
}
