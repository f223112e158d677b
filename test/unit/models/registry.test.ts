import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateManifest } from '../../../main/core/embed/manifest-schema.js';
import { sha256FromEtag } from '../../../main/core/models/download.js';
import { hfEndpoint, matchesGlob, resolveUrl, treeUrl } from '../../../main/core/models/hub.js';
import {
  buildManifest,
  entrySizeBytes,
  isSafeRelativePath,
  loadRegistry,
  parseRegistry,
  validateEntry,
  type RegistryEntry,
} from '../../../main/core/models/registry.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const registry = loadRegistry();
const byId = (id: string) => registry.models.find((m) => m.id === id)!;

describe('bundled registry', () => {
  it('holds the five planned models with the bilingual default', () => {
    expect(registry.models.map((m) => m.id)).toEqual([
      'xlm-roberta-base-vit-b-32',
      'chinese-clip-vit-b-16',
      'xlm-roberta-large-vit-h-14',
      'siglip2-base-patch16-224',
      'ernie-vil-2.0-base-zh',
    ]);
    expect(registry.defaultModel).toBe('xlm-roberta-base-vit-b-32');
    expect(byId('xlm-roberta-base-vit-b-32').languages).toEqual(['zh', 'en']);
    expect(registry.models.some((m) => m.fixture)).toBe(false);
  });

  it.each(registry.models.map((m) => [m.id, m] as const))('%s builds a manifest the runtime accepts', (_id, entry) => {
    const { manifest, problems } = validateManifest(buildManifest(entry));
    expect(problems).toEqual([]);
    expect(manifest!.id).toBe(entry.id);
    expect(manifest!.source?.registryId).toBe(entry.id);
  });

  it('pins commits only where it claims to, and explains every other revision', () => {
    for (const m of registry.models) {
      if (m.revisionPinned) expect(m.revision).toMatch(/^[0-9a-f]{40}$/);
      else if (m.download) expect(m.unconfirmed.map((u) => u.field)).toContain('revision');
      for (const f of m.download?.files ?? []) {
        if (f.sha256) expect(f.sha256).toMatch(/^[0-9a-f]{64}$/);
        if (f.revision) expect(f.revision).toMatch(/^[0-9a-f]{40}$/);
        if (f.size === null) expect(f.approxSize).toBeGreaterThan(0);
      }
      for (const u of m.unconfirmed) expect(u.why.length).toBeGreaterThan(20);
    }
  });

  it('has a placeholder cut-off flagged as uncalibrated for every model', () => {
    for (const m of registry.models) expect(m.unconfirmed.map((u) => u.field)).toContain('manifest.search.minScore');
  });

  it('builds ERNIE-ViL only through its export script', () => {
    const ernie = byId('ernie-vil-2.0-base-zh');
    expect(ernie.download).toBeNull();
    expect(existsSync(join(ROOT, ernie.export!.script))).toBe(true);
  });

  it('installs every downloadable model into the visual/ and textual/ layout the manifest names', () => {
    const downloadable = registry.models.filter((x) => x.download);
    expect(downloadable.length).toBeGreaterThan(0);
    for (const m of downloadable) {
      const dests = m.download!.files.map((f) => f.dest ?? f.path);
      const listed = (m.download!.listFolders ?? []).map((d) => d.path);
      for (const needed of [m.manifest.image.file, m.manifest.text.file, m.manifest.text.tokenizer]) {
        const folder = needed.slice(0, needed.indexOf('/'));
        expect(dests.includes(needed) || listed.includes(folder)).toBe(true);
      }
    }
  });

  it('knows exact sizes only where every file size is published', () => {
    expect(entrySizeBytes(byId('siglip2-base-patch16-224'))).toBe(186039516 + 564862230 + 34363039);
    expect(entrySizeBytes(byId('xlm-roberta-base-vit-b-32'))).toBe(byId('xlm-roberta-base-vit-b-32').approxSizeBytes);
  });
});

describe('registry validation', () => {
  const good = () => structuredClone(byId('siglip2-base-patch16-224')) as RegistryEntry;

  it('accepts a good entry and rejects unsafe or malformed ones', () => {
    expect(validateEntry(good())).toEqual([]);
    const bad = good();
    bad.download!.files[0].dest = '../evil.onnx';
    bad.download!.files[1].sha256 = 'ABC';
    bad.revision = 'main';
    bad.manifest.image.resize = 'stretch' as never;
    const problems = validateEntry(bad);
    expect(problems.join('\n')).toMatch(/unsafe file path/);
    expect(problems.join('\n')).toMatch(/sha256 of onnx\/text_model_fp16\.onnx must be 64 lower-case hex/);
    expect(problems.join('\n')).toMatch(/revisionPinned needs a 40-hex commit SHA/);
    expect(problems.join('\n')).toMatch(/image\.resize must be one of/);
  });

  it('rejects duplicate ids and a missing default', () => {
    expect(() => parseRegistry({ schemaVersion: 1, defaultModel: 'x', models: [good(), good()] })).toThrow(
      /duplicate id[\s\S]*defaultModel "x" is not in the registry/,
    );
  });

  it('checks relative paths', () => {
    expect(isSafeRelativePath('visual/model.onnx')).toBe(true);
    for (const p of ['', '/etc/passwd', '../x', 'a/../b', 'a//b', 'C:/x', 'a\\b']) expect(isSafeRelativePath(p)).toBe(false);
  });
});

describe('hub addressing', () => {
  it('builds resolve and tree URLs', () => {
    expect(resolveUrl('https://huggingface.co/', 'immich-app/X__y', 'main', 'visual/model.onnx')).toBe(
      'https://huggingface.co/immich-app/X__y/resolve/main/visual/model.onnx',
    );
    expect(resolveUrl('https://hf-mirror.example', 'o/r', 'refs/pr/1', 'a b.json')).toBe(
      'https://hf-mirror.example/o/r/resolve/refs%2Fpr%2F1/a%20b.json',
    );
    expect(treeUrl('https://huggingface.co', 'o/r', 'abc', 'textual')).toBe('https://huggingface.co/api/models/o/r/tree/abc/textual');
  });

  it('reads HF_ENDPOINT', () => {
    expect(hfEndpoint({})).toBe('https://huggingface.co');
    expect(hfEndpoint({ HF_ENDPOINT: ' https://mirror.example/ ' })).toBe('https://mirror.example');
  });

  it('refuses an HF_ENDPOINT in the clear, unless it is this machine', () => {
    expect(() => hfEndpoint({ HF_ENDPOINT: 'http://hf-mirror.com' })).toThrow(expect.objectContaining({ code: 'settings.badEndpoint', client: true }));
    expect(() => hfEndpoint({ HF_ENDPOINT: 'ftp://mirror.example' })).toThrow(/https/);
    expect(hfEndpoint({ HF_ENDPOINT: 'http://127.0.0.1:8080/' })).toBe('http://127.0.0.1:8080');
    expect(hfEndpoint({ HF_ENDPOINT: 'http://localhost:9000' })).toBe('http://localhost:9000');
  });

  it('matches exclude globs against base names', () => {
    expect(matchesGlob('visual/model.armnn', '*.armnn')).toBe(true);
    expect(matchesGlob('visual/model.onnx', '*.armnn')).toBe(false);
    expect(matchesGlob('visual/fp16/model.onnx', 'visual/*.onnx')).toBe(false);
    expect(matchesGlob('visual/model.onnx', 'visual/*.onnx')).toBe(true);
  });

  it('takes a SHA-256 only from a SHA-256-shaped ETag', () => {
    const h = 'a'.repeat(64);
    expect(sha256FromEtag(`"${h}"`)).toBe(h);
    expect(sha256FromEtag(`W/"${h.toUpperCase()}"`)).toBe(h);
    expect(sha256FromEtag(`"${'b'.repeat(40)}"`)).toBeNull();
    expect(sha256FromEtag(null)).toBeNull();
  });
});
