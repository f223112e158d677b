import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadModelPackage, ModelPackageError } from '../../../main/core/embed/manifest.js';
import { TOY_DIR, toyCopy } from './helpers.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function copy(edit?: (m: any) => void): Promise<string> {
  const { dir, cleanup } = await toyCopy(edit);
  cleanups.push(cleanup);
  return dir;
}

async function problemsOf(dir: string): Promise<string[]> {
  const err = await loadModelPackage(dir).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ModelPackageError);
  return (err as ModelPackageError).problems;
}

describe('loadModelPackage', () => {
  it('loads the toy fixture with absolute paths', async () => {
    const pkg = await loadModelPackage(path.relative(process.cwd(), TOY_DIR));
    expect(pkg.dir).toBe(TOY_DIR);
    expect(pkg.manifest.fixture).toBe(true);
    expect(pkg.manifest.name).toMatch(/fixture/i);
    expect(pkg.paths).toEqual({
      image: path.join(TOY_DIR, 'visual/model.onnx'),
      text: path.join(TOY_DIR, 'textual/model.onnx'),
      tokenizer: path.join(TOY_DIR, 'textual/tokenizer.json'),
    });
  });

  it('names a missing field', async () => {
    const dir = await copy((m) => delete m.image.size);
    expect(await problemsOf(dir)).toEqual(['image.size: missing']);
  });

  it('names a field of the wrong type and what it should be', async () => {
    const dir = await copy((m) => {
      m.image.size = '224';
    });
    const [p] = await problemsOf(dir);
    expect(p).toBe('image.size: must be a finite number (got "224")');
  });

  it('rejects values outside an enumeration', async () => {
    const dir = await copy((m) => {
      m.image.resize = 'crop';
      m.text.ids.type = 'float32';
    });
    const problems = await problemsOf(dir);
    expect(problems).toContain('image.resize: must be one of "squash", "shortest-crop" (got "crop")');
    expect(problems).toContain('text.ids.type: must be one of "int32", "int64" (got "float32")');
  });

  it('reports every problem at once, and the error message lists them', async () => {
    const dir = await copy((m) => {
      delete m.id;
      m.embeddingDim = 0;
      m.image.mean = [0.5, 0.5];
      m.image.std = [0.5, 0, 0.5];
      m.text.contextLength = 2.5;
      m.search = {};
    });
    const err = await loadModelPackage(dir).catch((e: ModelPackageError) => e);
    expect((err as ModelPackageError).problems).toEqual([
      'id: missing',
      'embeddingDim: must be a positive integer (got 0)',
      'image.mean: must be an array of 3 numbers (R, G, B) (got [0.5,0.5])',
      'image.std: must be an array of 3 numbers > 0 (R, G, B) (got [0.5,0,0.5])',
      'text.contextLength: must be a positive integer (got 2.5)',
      'search.minScore: missing',
    ]);
    expect((err as Error).message).toContain(dir);
    expect((err as Error).message).toContain('text.contextLength');
  });

  it('accepts batch null (dynamic) but not a missing batch', async () => {
    const ok = await copy((m) => {
      m.image.batch = null;
    });
    expect((await loadModelPackage(ok)).manifest.image.batch).toBeNull();
    const bad = await copy((m) => delete m.image.batch);
    expect(await problemsOf(bad)).toEqual(['image.batch: missing']);
  });

  it('checks optional fields only when present', async () => {
    const dir = await copy((m) => {
      m.text.mask = { name: 'text' };
      m.fixture = 'yes';
    });
    const problems = await problemsOf(dir);
    expect(problems).toContain('fixture: must be true or false (got "yes")');
    expect(problems).toContain('text.mask.type: missing');
  });

  it('rejects an id that cannot key a vector table', async () => {
    const dir = await copy((m) => {
      m.id = 'my model/v2';
    });
    expect((await problemsOf(dir))[0]).toMatch(/^id: must be 1-128 characters/);
  });

  it('names a file the manifest points at that is missing', async () => {
    const dir = await copy();
    await rm(path.join(dir, 'textual/model.onnx'));
    expect(await problemsOf(dir)).toEqual(['text.file: file "textual/model.onnx" not found in the package']);
  });

  it('checks an int8 file when one is named', async () => {
    const dir = await copy((m) => {
      m.image.int8File = 'visual/model.int8.onnx';
    });
    expect(await problemsOf(dir)).toEqual(['image.int8File: file "visual/model.int8.onnx" not found in the package']);
  });

  it('refuses paths that leave the package folder', async () => {
    const dir = await copy((m) => {
      m.text.tokenizer = '../../etc/passwd';
    });
    expect(await problemsOf(dir)).toEqual(['text.tokenizer: "../../etc/passwd" must be a path inside the package folder']);
  });

  it('explains a missing or unparsable manifest.json', async () => {
    const dir = await copy();
    await writeFile(path.join(dir, 'manifest.json'), '{ "id": ');
    expect((await problemsOf(dir))[0]).toMatch(/^manifest.json is not valid JSON/);
    await rm(path.join(dir, 'manifest.json'));
    expect(await problemsOf(dir)).toEqual(['manifest.json not found']);
    await writeFile(path.join(dir, 'manifest.json'), '[]');
    expect(await problemsOf(dir)).toEqual(['manifest.json: must hold a JSON object (got [])']);
  });
});
