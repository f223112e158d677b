// Which onnxruntime execution provider to run on, and the fallback story told to the user.

import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import type { ExecutionProvider } from '../api.js';
import type { ModelPackage } from './manifest.js';

export type ProviderRequest = 'auto' | ExecutionProvider;
export type Precision = 'fp32' | 'int8';

const REQUESTS: readonly ProviderRequest[] = ['auto', 'cpu', 'cuda', 'dml', 'coreml'];

const LABEL: Record<ExecutionProvider, string> = { cpu: 'CPU', cuda: 'CUDA', dml: 'DirectML', coreml: 'CoreML' };

const GPU_BY_PLATFORM: Partial<Record<NodeJS.Platform, ExecutionProvider>> = {
  linux: 'cuda',
  win32: 'dml',
  darwin: 'coreml',
};

/**
 * The request from an explicit option, else env `KANJIAN_EP`, else 'auto'.
 * Throws on a value we do not know, so a typo is not silently run on the CPU.
 */
export function resolveProviderRequest(option?: string, env: NodeJS.ProcessEnv = process.env): ProviderRequest {
  const fromEnv = env.KANJIAN_EP?.trim().toLowerCase();
  const value = option ?? (fromEnv ? fromEnv : undefined) ?? 'auto';
  if (!(REQUESTS as readonly string[]).includes(value)) {
    const where = option !== undefined ? 'provider option' : 'KANJIAN_EP';
    throw new Error(`${where} is "${value}"; expected one of ${REQUESTS.join(', ')}`);
  }
  return value as ProviderRequest;
}

/** Providers to try, in order. CPU always ends the list because it always works. */
export function providerCandidates(platform: NodeJS.Platform, requested: ProviderRequest = 'auto'): ExecutionProvider[] {
  if (requested === 'cpu') return ['cpu'];
  if (requested !== 'auto') return [requested, 'cpu'];
  const gpu = GPU_BY_PLATFORM[platform];
  return gpu ? [gpu, 'cpu'] : ['cpu'];
}

export interface SessionOptions {
  /** Threads for one operator; default: all logical cores. */
  intraOpNumThreads?: number;
}

export interface OpenedSession {
  session: ort.InferenceSession;
  provider: ExecutionProvider;
  /** Plain-words explanation when a provider earlier in the list failed; null otherwise. */
  note: string | null;
}

export async function createSession(modelPath: string, candidates: readonly ExecutionProvider[], opts: SessionOptions = {}): Promise<OpenedSession> {
  if (candidates.length === 0) throw new Error('no execution provider to try');
  const threads = opts.intraOpNumThreads ?? defaultThreads();
  const failures: string[] = [];
  let lastError: unknown;
  for (let i = 0; i < candidates.length; i++) {
    const provider = candidates[i];
    // Checked up front: a failed CUDA load prints a multi-line native error on stderr.
    const missing = missingProviderLibrary(provider);
    if (missing && i < candidates.length - 1) {
      failures.push(`${LABEL[provider]} unavailable (${missing} not found)`);
      continue;
    }
    try {
      const session = await ort.InferenceSession.create(modelPath, sessionOptions(provider, threads));
      const note = failures.length ? `${failures.join('; ')}; using ${LABEL[provider]}` : null;
      return { session, provider, note };
    } catch (err) {
      lastError = err;
      failures.push(`${LABEL[provider]} unavailable (${shortReason(provider, err)})`);
    }
  }
  throw new Error(`cannot load ${modelPath}: ${failures.join('; ')}`, { cause: lastError });
}

function sessionOptions(provider: ExecutionProvider, threads: number): ort.InferenceSession.SessionOptions {
  const base: ort.InferenceSession.SessionOptions = {
    executionProviders: [provider],
    intraOpNumThreads: threads,
    graphOptimizationLevel: 'all',
  };
  // DirectML cannot run with memory patterns or parallel execution (onnxruntime DML docs).
  if (provider === 'dml') return { ...base, enableMemPattern: false, executionMode: 'sequential' };
  return base;
}

/** All logical cores. */
export function defaultThreads(): number {
  return typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length || 1;
}

function shortReason(provider: ExecutionProvider, err: unknown): string {
  if (provider !== 'cpu' && !isBackendListed(provider)) return 'not included in this onnxruntime-node build';
  const message = err instanceof Error ? err.message : String(err);
  if (provider === 'cuda' && /failed to load shared library/i.test(message)) {
    return 'its libraries failed to load; CUDA 12 and cuDNN 9 must be installed';
  }
  const lib = /lib\S*providers?_\w+\.(so|dll|dylib)/i.exec(message);
  if (lib && /not found|cannot open|no such file|failed to load|error loading/i.test(message)) return `${lib[0]} not found`;
  const first = message.split('\n').find((l) => l.trim()) ?? 'unknown error';
  return first.length > 160 ? `${first.slice(0, 157)}...` : first.trim();
}

/**
 * CUDA ships as separate shared libraries that onnxruntime-node's installer downloads only on
 * request (`--onnxruntime-node-install=cuda12`), so their absence is the common case.
 */
function missingProviderLibrary(provider: ExecutionProvider): string | null {
  if (provider !== 'cuda') return null;
  const file = process.platform === 'win32' ? 'onnxruntime_providers_cuda.dll' : 'libonnxruntime_providers_cuda.so';
  const dir = bindingDir();
  if (!dir) return null;
  return existsSync(path.join(dir, file)) ? null : file;
}

function bindingDir(): string | null {
  try {
    const entry = createRequire(import.meta.url).resolve('onnxruntime-node');
    const dir = path.join(path.dirname(entry), '..', 'bin', 'napi-v6', process.platform, process.arch);
    return existsSync(dir) ? dir : null;
  } catch {
    return null;
  }
}

function isBackendListed(provider: ExecutionProvider): boolean {
  try {
    return ort.listSupportedBackends().some((b) => b.name === provider);
  } catch {
    return true;
  }
}

export interface ChosenFile {
  path: string;
  precision: Precision;
  note: string | null;
}

/** The ONNX file for one tower at the wanted precision, falling back to fp32 when there is no int8 file. */
export function chooseModelFile(pkg: ModelPackage, tower: 'image' | 'text', precision: Precision = 'fp32'): ChosenFile {
  const fp32 = pkg.paths[tower];
  if (precision === 'fp32') return { path: fp32, precision, note: null };
  const int8 = tower === 'image' ? pkg.paths.imageInt8 : pkg.paths.textInt8;
  if (int8) return { path: int8, precision, note: null };
  return { path: fp32, precision: 'fp32', note: `${pkg.manifest.name} has no int8 ${tower} model; using fp32` };
}
