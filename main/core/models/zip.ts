// Unpacks a model package zip (yauzl, streaming: model files are large). yauzl refuses entry names
// that are absolute or climb out with '..'; symlinks and special files are skipped, never created.
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';
import { KanjianError } from '../errors.js';

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;

function badZip(why: string, cause?: unknown): KanjianError {
  const e = new KanjianError('install.badZip', `Cannot read the zip: ${why}`);
  if (cause) Object.assign(e, { cause });
  return e;
}

/** Extracts every regular file of `zipPath` below `dest` (which must exist and be empty). */
export async function extractZip(zipPath: string, dest: string): Promise<void> {
  let zip: yauzl.ZipFile;
  try {
    zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
      yauzl.open(zipPath, { lazyEntries: true, autoClose: true, strictFileNames: true }, (err, z) => (err ? reject(err) : resolve(z!))),
    );
  } catch (e) {
    throw badZip((e as Error).message, e);
  }
  const root = path.resolve(dest);
  await new Promise<void>((resolve, reject) => {
    const fail = (e: unknown) => {
      zip.close();
      reject(e instanceof KanjianError ? e : badZip((e as Error).message, e));
    };
    zip.on('error', fail);
    zip.on('end', () => resolve());
    zip.on('entry', (entry: yauzl.Entry) => {
      void (async () => {
        const name = entry.fileName;
        const target = path.resolve(root, name);
        if (target !== root && !target.startsWith(root + path.sep)) throw badZip(`entry ${name} points outside the package`);
        if (name.endsWith('/')) {
          await mkdir(target, { recursive: true });
          return;
        }
        // Unix mode in the high bits of the external attributes; 0 means a plain DOS file.
        const mode = (entry.externalFileAttributes >>> 16) & S_IFMT;
        if (mode !== 0 && mode !== S_IFREG) return;
        await mkdir(path.dirname(target), { recursive: true });
        const stream = await new Promise<NodeJS.ReadableStream>((res, rej) =>
          zip.openReadStream(entry, (err, s) => (err ? rej(err) : res(s!))),
        );
        await pipeline(stream, createWriteStream(target, { flags: 'wx' }));
      })().then(() => zip.readEntry(), fail);
    });
    zip.readEntry();
  });
}
