// The CLI shell. Its commands and --json shapes are a contract users' scripts rely on:
//   index <folder>   search "<query>"   watch <folder>   serve   models …   duplicates   tags
import './stdout-guard.js'; // first: before any library can bind console.log to stdout
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { LIMITS } from '../core/api-values.js';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import path from 'node:path';
import { KanjianError } from '../core/errors.js';
import { Kanjian } from '../core/kanjian.js';
import { defaultDataDir } from '../core/paths.js';
import { maintenanceLines } from './commands/maintenance.js';
import { modelsCommand } from './commands/models.js';
import { visible } from '../shell-common/terminal.js';
import { FILTER_OPTIONS, FILTER_USAGE, filtersFromFlags } from './commands/search-filters.js';
import { watchReporter } from './commands/watch-lines.js';
import { didYouMean, explainParseError, intOption, numberOption, UsageError } from './options.js';
import { showProgress } from './progress-bar.js';

const USAGE = `Kanjian 看见 — find photos by meaning, in Chinese or English

Usage: npm run -s cli -- <command> [options]

  index <folder>       index a folder once and exit
  search "<query>"     search the library (Chinese, English or both)
  watch <folder>       index a folder and keep the index live until Ctrl+C
  serve                serve the app and its API on http://127.0.0.1 (browser mode)
  models list|download <id>|install <folder-or-zip>|use <id>|remove <id>
  duplicates           list duplicate groups (exact copies, near copies, similar shots)
                       with the photo to keep and why; --kind exact|near|similar;
                       --trash moves the others to the OS trash, only with --yes
  tags [<folder>]      tag photos (and index <folder> first if given); shows each
                       folder's shared tags and each photo's tags, in Chinese and English;
                       --vocabulary <file> tags with that vocabulary for this run
  maintenance          remove what nothing references any more: thumbnails of photos no
                       longer in the library, temp files, vectors of removed models;
                       --dry-run only says what it would remove

Options:
  --data <dir>         library folder (default: ${defaultDataDir()})
  --model <dir-or-id>  model package folder or installed model id
  --provider <ep>      auto | cpu | cuda | dml | coreml (default auto; env KANJIAN_EP)
  --precision <p>      fp32 | int8 (int8 uses the package's quantised towers; faster on CPU)
  --limit <n>          number of search results (default 50)
  --min-score <s>      image-view relevance cut-off (default: the model's calibrated one)
  --port <n>           port for serve (default ${'47800'}, or the next free one; 0: any free port)
  --json               machine-readable output

${FILTER_USAGE}
`;

// Every line goes through `visible`: names from disk must not drive the user's terminal.
const out = (s: string) => process.stdout.write(visible(s) + '\n');
const err = (s: string) => process.stderr.write(visible(s) + '\n');

const COMMANDS = ['index', 'search', 'watch', 'serve', 'models', 'duplicates', 'tags', 'maintenance', 'help'];

const OPTIONS = {
      data: { type: 'string' },
      model: { type: 'string' },
      provider: { type: 'string' },
      precision: { type: 'string' },
      limit: { type: 'string' },
      'min-score': { type: 'string' },
      port: { type: 'string' },
      json: { type: 'boolean', default: false },
      kind: { type: 'string' },
      trash: { type: 'boolean', default: false },
      yes: { type: 'boolean', default: false },
      vocabulary: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      image: { type: 'string' },
      ...FILTER_OPTIONS,
      help: { type: 'boolean', short: 'h', default: false },
} satisfies ParseArgsConfig['options'];

/** The file given to --image, read whole (bounded like the HTTP upload); only ever read. */
async function readQueryImage(file: string): Promise<Uint8Array> {
  const abs = path.resolve(file);
  let size: number;
  try {
    const info = await stat(abs);
    if (!info.isFile()) throw new UsageError(`--image: ${file} is not a file.`);
    size = info.size;
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`--image: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}).`);
  }
  if (size > LIMITS.queryImageBytes) throw new UsageError(`--image: ${file} is larger than ${LIMITS.queryImageBytes / 1024 / 1024} MB.`);
  return new Uint8Array(await readFile(abs));
}

/** The library must exist for commands that only read it: a mistyped --data must not create one. */
function needLibrary(dataDir: string): void {
  if (!existsSync(path.join(dataDir, 'library.db'))) {
    throw new UsageError(
      `There is no Kanjian library in ${dataDir}. Check --data, or index a folder first: kanjian index <folder>${dataDir === defaultDataDir() ? '' : ` --data ${dataDir}`}`,
    );
  }
}

export async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: OPTIONS });
  } catch (e) {
    throw explainParseError(e, Object.keys(OPTIONS));
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (values.help || !command || command === 'help') {
    out(USAGE);
    return command || values.help ? 0 : 1;
  }
  if (!COMMANDS.includes(command)) {
    throw new UsageError(`Unknown command "${command}".${didYouMean(command, COMMANDS)} Run with --help for the list.`);
  }
  const limit = intOption(values.limit, '--limit', 1, 1000);
  const minScore = numberOption(values['min-score'], '--min-score', -1, 1);
  const port = intOption(values.port, '--port', 0, 65535);
  const dataDir = path.resolve(values.data ?? defaultDataDir());
  const json = values.json ?? false;
  const log = (m: string) => err(m);
  if (values.precision && values.precision !== 'fp32' && values.precision !== 'int8') {
    throw new UsageError('--precision must be fp32 or int8');
  }
  const runtime = {
    provider: values.provider,
    precision: values.precision as 'fp32' | 'int8' | undefined,
  };

  switch (command) {
    case 'index': {
      const folder = needArg(rest[0], 'index <folder>');
      const k = await Kanjian.open({ ...runtime, dataDir, role: `kanjian ${command}`, model: values.model, log });
      const stopBar = showProgress(() => k.getProgress(), { enabled: !json && !!process.stderr.isTTY });
      try {
        const summary = await k.indexFolder(folder).finally(stopBar);
        if (json) out(JSON.stringify(summary));
        else {
          out(`indexed ${summary.indexed}, unchanged ${summary.unchanged}, removed ${summary.removed}, failed ${summary.failed.length}`);
          const ph = summary.phases;
          if (ph) {
            out(`  indexing: ${ph.indexing.photos} photos in ${ph.indexing.seconds.toFixed(1)} s (searchable by image from then on)`);
            if (ph.ocr) out(`  reading text: ${ph.ocr.read} read, ${ph.ocr.noText} without text (skipped by the no-text gate), ${ph.ocr.failed} failed, in ${ph.ocr.seconds.toFixed(1)} s`);
          }
          for (const f of summary.failed) out(`  failed: ${f.path}: ${f.error}`);
          for (const s of summary.skipped) out(`  skipped (${s.reason}): ${s.path}`);
          const m = await k.getModel();
          if (!m.id) out('No model installed: photos were recorded without vectors. Run `npm run -s cli -- models list` to get one.');
        }
      } finally {
        await k.close();
      }
      return 0;
    }
    case 'search': {
      let filters;
      try {
        filters = filtersFromFlags(values);
      } catch (e) {
        throw new UsageError((e as Error).message);
      }
      // An empty query is fine with filters (it lists the photos they match) or with --image.
      const query = filters || values.album !== undefined || values.image !== undefined
        ? rest.join(' ').trim()
        : needArg(rest.join(' ').trim() || undefined, 'search "<query>" [filters]');
      needLibrary(dataDir);
      const imageBytes = values.image !== undefined ? await readQueryImage(values.image) : null;
      const k = await Kanjian.open({ ...runtime, dataDir, role: `kanjian ${command}`, model: values.model, log });
      try {
        let album: number | undefined;
        if (values.album !== undefined) {
          const a = k.albums.byName(values.album);
          if (!a) {
            const names = (await k.listAlbums()).map((x) => x.name);
            throw new UsageError(`No album named "${values.album}".${didYouMean(values.album, names)}${names.length ? '' : ' There are no albums yet.'}`);
          }
          album = a.id;
        }
        const image = imageBytes ? (await k.addQueryImage(imageBytes)).imageId : undefined;
        const allFilters = filters || album !== undefined ? { ...filters, ...(album !== undefined && { album }) } : undefined;
        const res = await k.search({
          query,
          limit,
          minScore,
          ...(allFilters && { filters: allFilters }),
          ...(image && { image }),
        });
        if (json) {
          out(
            JSON.stringify({
              mode: res.mode,
              ...(res.notice && { notice: res.notice }),
              ...(res.missingVectors && { missingVectors: res.missingVectors }),
              results: res.results.map((r) => ({
                path: r.photo.path,
                score: r.score,
                views: r.views,
                ...(r.ocr && { ocr: r.ocr }),
                ...(r.metadata && { metadata: r.metadata }),
                ...(r.tags && { tags: r.tags }),
              })),
            }),
          );
        } else {
          if (res.notice?.code === 'similar.needsModel') {
            err('Finding similar photos needs a model (kanjian models download <id>); only near copies of the same picture are shown.');
          }
          if (res.notice?.code === 'search.needsModel') {
            err('Searching by meaning needs a model (kanjian models download <id>); text in photos, names and filters answered.');
          }
          if (res.missingVectors) err(`${res.missingVectors} photos are not searchable by meaning yet (being embedded).`);
          if (!res.results.length) out('No matching photos.');
          for (const r of res.results) {
            const words = [...new Set([...(r.ocr?.matches ?? []), ...(r.metadata?.matches ?? [])])];
            out(`${r.score.toFixed(4)}  ${r.photo.path}  [${r.views.join('+')}${words.length ? ': ' + words.join(' ') : ''}]`);
          }
        }
      } finally {
        await k.close();
      }
      return 0;
    }
    case 'watch': {
      const folder = needArg(rest[0], 'watch <folder>');
      const k = await Kanjian.open({ ...runtime, dataDir, role: `kanjian ${command}`, model: values.model, log, watch: true });
      const info = await k.addFolder(folder, { allowExisting: true });
      err(`Watching ${info.path} — press Ctrl+C to stop.`);
      // One line per real change (photos indexed, failed or removed), never the same totals again.
      const report = watchReporter((line) => err(line));
      k.onEvent((e) => {
        if (e.type === 'folders') report(e.folders);
      });
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await k.close();
      return 0;
    }
    case 'models': {
      // Ctrl+C cancels a download cleanly: the partial file stays for a resume.
      const abort = new AbortController();
      const onSigint = () => abort.abort();
      process.once('SIGINT', onSigint);
      try {
        return await modelsCommand(rest, { dataDir, json, out, err, signal: abort.signal });
      } finally {
        process.off('SIGINT', onSigint);
      }
    }
    case 'duplicates': {
      const { duplicatesCommand } = await import('./commands/duplicates.js');
      needLibrary(dataDir);
      const k = await Kanjian.open({ ...runtime, dataDir, role: `kanjian ${command}`, model: values.model, log, ocr: false });
      try {
        return await duplicatesCommand(k, { kind: values.kind, json, trash: values.trash ?? false, yes: values.yes ?? false, out, err });
      } finally {
        await k.close();
      }
    }
    case 'tags': {
      const { tagsCommand } = await import('./commands/tags.js');
      const { loadVocabularyFile } = await import('../core/tags/index.js');
      const vocabulary = values.vocabulary ? await loadVocabularyFile(path.resolve(values.vocabulary)) : undefined;
      // With a folder, tags indexes it first (that creates the library); without one it only reads.
      if (!rest[0]) needLibrary(dataDir);
      const k = await Kanjian.open({ ...runtime, dataDir, role: `kanjian ${command}`, model: values.model, log, vocabulary });
      try {
        return await tagsCommand(k, { folder: rest[0] ? path.resolve(rest[0]) : undefined, json, out, err });
      } finally {
        await k.close();
      }
    }
    case 'maintenance': {
      needLibrary(dataDir);
      const k = await Kanjian.open({ ...runtime, dataDir, role: `kanjian ${command}`, model: values.model, log, ocr: false });
      try {
        const report = await k.collectGarbage({ dryRun: values['dry-run'] });
        if (json) out(JSON.stringify(report));
        else for (const line of maintenanceLines(report)) out(line);
        return 0;
      } finally {
        await k.close();
      }
    }
    case 'serve': {
      const { serveCommand } = await import('./commands/serve.js');
      return serveCommand({ dataDir, model: values.model, runtime, port, out, err });
    }
    default:
      throw new UsageError(`Unknown command "${command}". Run with --help for the list.`);
  }
}

function needArg(v: string | undefined, usage: string): string {
  if (!v) throw new UsageError(`Missing argument. Usage: npm run -s cli -- ${usage}`);
  return v;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    // A mistake the user can fix (usage, a folder that is not one …) is one plain line, exit 1.
    const plain = e instanceof UsageError || (e instanceof KanjianError && e.client);
    err(plain ? (e as Error).message : `Error: ${(e as Error).message}`);
    process.exitCode = plain ? 1 : 2;
  },
);
