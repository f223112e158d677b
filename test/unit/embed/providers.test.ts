import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { loadModelPackage } from '../../../main/core/embed/manifest.js';
import {
  chooseModelFile,
  createSession,
  providerCandidates,
  resolveProviderRequest,
} from '../../../main/core/embed/providers.js';
import { TOY_DIR, toyCopy } from './helpers.js';
import { copyFile } from 'node:fs/promises';
import path from 'node:path';

describe('providerCandidates', () => {
  it('tries the platform GPU first, then CPU', () => {
    expect(providerCandidates('linux')).toEqual(['cuda', 'cpu']);
    expect(providerCandidates('win32')).toEqual(['dml', 'cpu']);
    expect(providerCandidates('darwin')).toEqual(['coreml', 'cpu']);
    expect(providerCandidates('freebsd')).toEqual(['cpu']);
  });

  it('honours an explicit request, still falling back to CPU', () => {
    expect(providerCandidates('linux', 'cpu')).toEqual(['cpu']);
    expect(providerCandidates('win32', 'cuda')).toEqual(['cuda', 'cpu']);
    expect(providerCandidates('darwin', 'auto')).toEqual(['coreml', 'cpu']);
  });
});

describe('resolveProviderRequest', () => {
  it('prefers the option, then KANJIAN_EP, then auto', () => {
    expect(resolveProviderRequest(undefined, {})).toBe('auto');
    expect(resolveProviderRequest(undefined, { KANJIAN_EP: 'CPU ' })).toBe('cpu');
    expect(resolveProviderRequest('dml', { KANJIAN_EP: 'cpu' })).toBe('dml');
    expect(resolveProviderRequest(undefined, { KANJIAN_EP: '' })).toBe('auto');
  });

  it('rejects unknown values, naming where they came from', () => {
    expect(() => resolveProviderRequest(undefined, { KANJIAN_EP: 'gpu' })).toThrow(/KANJIAN_EP is "gpu"; expected one of auto, cpu, cuda, dml, coreml/);
    expect(() => resolveProviderRequest('tpu', {})).toThrow(/provider option is "tpu"/);
  });
});

describe('createSession', () => {
  it('opens on CPU without a note', async () => {
    const pkg = await loadModelPackage(TOY_DIR);
    const s = await createSession(pkg.paths.image, ['cpu'], { intraOpNumThreads: 1 });
    expect(s.provider).toBe('cpu');
    expect(s.note).toBeNull();
    expect(s.session.inputNames).toEqual(['image']);
    await s.session.release();
  });

  it('falls back to CPU with a plain-words note when the GPU provider is unavailable', async () => {
    const pkg = await loadModelPackage(TOY_DIR);
    const hasCuda = ort.listSupportedBackends().some((b) => b.name === 'cuda' && b.bundled);
    const cuda = await createSession(pkg.paths.image, ['cuda', 'cpu']);
    if (!hasCuda && cuda.provider === 'cpu') {
      expect(cuda.note).toMatch(/^CUDA unavailable \(.+\); using CPU$/);
    }
    await cuda.session.release();

    const dml = await createSession(pkg.paths.image, ['dml', 'cpu']);
    if (process.platform !== 'win32') {
      expect(dml.provider).toBe('cpu');
      expect(dml.note).toBe('DirectML unavailable (not included in this onnxruntime-node build); using CPU');
    }
    await dml.session.release();
  });

  it('fails with every reason when nothing can load the model', async () => {
    const pkg = await loadModelPackage(TOY_DIR);
    await expect(createSession(pkg.paths.tokenizer, ['cpu'])).rejects.toThrow(/cannot load .*tokenizer\.json: CPU unavailable/);
  });
});

describe('chooseModelFile', () => {
  it('uses fp32 by default and falls back from int8 with a note', async () => {
    const pkg = await loadModelPackage(TOY_DIR);
    expect(chooseModelFile(pkg, 'image')).toEqual({ path: pkg.paths.image, precision: 'fp32', note: null });
    expect(chooseModelFile(pkg, 'text', 'int8')).toEqual({
      path: pkg.paths.text,
      precision: 'fp32',
      note: 'Toy colours (test fixture) has no int8 text model; using fp32',
    });
  });

  it('picks the int8 file when the package has one', async () => {
    const { dir, cleanup } = await toyCopy((m) => {
      m.image.int8File = 'visual/model.int8.onnx';
    });
    try {
      // The fixture has no quantised graph; a copy stands in, only the file choice is under test.
      await copyFile(path.join(dir, 'visual/model.onnx'), path.join(dir, 'visual/model.int8.onnx'));
      const pkg = await loadModelPackage(dir);
      expect(chooseModelFile(pkg, 'image', 'int8')).toEqual({ path: path.join(dir, 'visual/model.int8.onnx'), precision: 'int8', note: null });
    } finally {
      await cleanup();
    }
  });
});
