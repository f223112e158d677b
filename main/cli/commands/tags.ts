// `kanjian tags [<folder>] [--vocabulary <file>] [--json]`
//
// Indexes <folder> if given (incrementally, like `index`), tags what is new with the current
// vocabulary, and prints each directory's shared tags and each photo's tags. --vocabulary uses
// that file's tags instead of the built-in ones for this run (your own added tags still apply).
import type { PhotoTag, FolderTag } from '../../core/api.js';
import type { Kanjian } from '../../core/kanjian.js';

export interface TagsCommandOptions {
  folder?: string;
  json: boolean;
  out: (line: string) => void;
  err: (line: string) => void;
}

const NO_MODEL =
  'No model is installed, so photos cannot be tagged yet. Download the default bilingual model with: ' +
  'npm run -s cli -- models download xlm-roberta-base-vit-b-32';

export async function tagsCommand(k: Kanjian, opts: TagsCommandOptions): Promise<number> {
  if (!(await k.getModel()).id) {
    if (opts.json) opts.out(JSON.stringify({ folders: [], photos: [], message: NO_MODEL }));
    else opts.err(NO_MODEL);
    return 2;
  }
  if (opts.folder) {
    const summary = await k.indexFolder(opts.folder);
    for (const f of summary.failed) opts.err(`failed: ${f.path}: ${f.error}`);
  }
  await k.tags.tagPending();
  const report = k.tags.report(opts.folder);
  if (opts.json) {
    opts.out(
      JSON.stringify({
        folders: report.folders.map((f) => ({ path: f.path, photos: f.photos, tags: f.tags.map(brief) })),
        photos: report.photos.map((p) => ({ path: p.path, tags: p.tags.map(brief) })),
      }),
    );
    return 0;
  }
  if (!report.photos.length) {
    opts.out(opts.folder ? 'No indexed photos in that folder.' : 'The library has no indexed photos yet.');
    return 0;
  }
  for (const f of report.folders) {
    opts.out(`${f.path}  (${f.photos} ${f.photos === 1 ? 'photo' : 'photos'})  ${f.tags.map((t) => `${name(t)} ${Math.round(t.score * 100)}%`).join(', ') || '—'}`);
  }
  opts.out('');
  for (const p of report.photos) {
    opts.out(`${p.path}  ${p.tags.map((t) => `${name(t)} ${t.score.toFixed(2)}`).join(', ') || '—'}`);
  }
  return 0;
}

function brief(t: PhotoTag | FolderTag) {
  return { en: t.en, zh: t.zh, score: t.score };
}

function name(t: PhotoTag | FolderTag): string {
  return t.zh && t.en ? `${t.zh}/${t.en}` : t.zh || t.en;
}
