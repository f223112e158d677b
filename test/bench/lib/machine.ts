// What a bench result was measured on. Numbers from different machines or from a loaded
// machine are not comparable, so every result file carries this.

import { readFileSync } from 'node:fs';
import os from 'node:os';

export interface MachineInfo {
  cpuModel: string;
  /** Logical cores the OS reports. */
  cores: number;
  /** x86 SIMD features that change ONNX kernel choice (int8 above all); empty elsewhere. */
  cpuFeatures: string[];
  memoryGiB: number;
  platform: string;
  arch: string;
  osRelease: string;
  node: string;
  /** ISO 8601, when the bench started. */
  date: string;
  /** 1-minute load average when the bench started: above ~0.5 something else was running. */
  loadAverage1m: number;
}

const INTERESTING_FLAGS = ['avx2', 'fma', 'avx512f', 'avx512bw', 'avx512_vnni', 'avx_vnni', 'avx512_bf16', 'amx_int8'];

export function machineInfo(now: Date = new Date()): MachineInfo {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model?.trim() || 'unknown',
    cores: cpus.length,
    cpuFeatures: cpuFeatures(),
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    platform: os.platform(),
    arch: os.arch(),
    osRelease: os.release(),
    node: process.version,
    date: now.toISOString(),
    loadAverage1m: Math.round(os.loadavg()[0] * 100) / 100,
  };
}

function cpuFeatures(): string[] {
  if (os.platform() !== 'linux') return [];
  try {
    const info = readFileSync('/proc/cpuinfo', 'utf8');
    const flags = new Set(/^flags\s*:\s*(.*)$/m.exec(info)?.[1]?.split(/\s+/) ?? []);
    return INTERESTING_FLAGS.filter((f) => flags.has(f));
  } catch {
    return [];
  }
}

/** Markdown bullet list of the machine, for the top of a result file. */
export function machineMarkdown(m: MachineInfo): string {
  return [
    `- CPU: ${m.cpuModel}, ${m.cores} logical cores${m.cpuFeatures.length ? ` (${m.cpuFeatures.join(', ')})` : ''}`,
    `- Memory: ${m.memoryGiB} GiB; ${m.platform} ${m.arch} ${m.osRelease}`,
    `- Node ${m.node}`,
    `- Date: ${m.date}`,
    `- Load average (1 min) at start: ${m.loadAverage1m}`,
  ].join('\n');
}

/** Fraction of all cores' time spent busy (any process) over `sampleMs`, from os.cpus() counters. */
export async function cpuBusyFraction(sampleMs = 1000): Promise<number> {
  const a = os.cpus();
  await new Promise((r) => setTimeout(r, sampleMs));
  const b = os.cpus();
  let busy = 0;
  let total = 0;
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const ta = a[i].times;
    const tb = b[i].times;
    const idle = tb.idle - ta.idle;
    const all = tb.user - ta.user + (tb.nice - ta.nice) + (tb.sys - ta.sys) + (tb.irq - ta.irq) + idle;
    busy += all - idle;
    total += all;
  }
  return total > 0 ? busy / total : 0;
}

/**
 * Waits until the machine is nearly idle (busy fraction <= `maxBusy` over a 1 s sample) or
 * `timeoutMs` passes, so a bench does not measure someone else's build. Returns the last
 * busy fraction seen and whether it was quiet.
 */
export async function waitForIdleCpu(opts: { maxBusy?: number; timeoutMs: number; onWait?: (busy: number) => void }): Promise<{ busy: number; quiet: boolean }> {
  const maxBusy = opts.maxBusy ?? 0.15;
  const deadline = Date.now() + opts.timeoutMs;
  let busy = await cpuBusyFraction();
  let told = false;
  while (busy > maxBusy && Date.now() < deadline) {
    if (!told) opts.onWait?.(busy);
    told = true;
    busy = await cpuBusyFraction(2000);
  }
  return { busy, quiet: busy <= maxBusy };
}
