// The CLI shell. Its commands and --json shapes are a contract users' scripts rely on:
//   index <folder>   search "<query>"   watch <folder>   serve   models …   duplicates   tags
import { parseArgs } from 'node:util';
import path from 'node:path';
import { Kanjian } from '../core/kanjian.js';
import { defaultDataDir } from '../core/paths.js';
import { modelsCommand } from './commands/models.js';
import { FILTER_OPTIONS, FILTER_USAGE, filtersFromFlags } from './commands/search-filters.js';

const USAGE = `Kanjian 看见 — find photos by meaning, in Chinese or English

Usage: npm run -s cli -- <command> [options]

  index <folder>       index a folder once and exit
  search "<query>"     search the library (Chinese, English or both)
  watch <folder>       index a folder and keep the index live until Ctrl+C
  serve                serve the app and its API on http://127.0.0.1 (browser mode)
  models list|download <id>|use <id>|remove <id>
  duplicates           list duplicate groups (exact copies, near copies, similar shots)
                       with the photo to keep and why; --kind exact|near|similar;
                       --trash moves the others to the OS trash, only with --yes
  tags [<folder>]      tag photos (and index <folder> first if given); shows each
                       folder's shared tags and each photo's tags, in Chinese and English;
                       --vocabulary <file> tags with that vocabulary for this run

Options:
  --data <dir>         library folder (default: ${defaultDataDir()})
  --model <dir-or-id>  model package folder or installed model id
  --provider <ep>      auto | cpu | cuda | dml | coreml (default auto; env KANJIAN_EP)
  --precision <p>      fp32 | int8 (int8 uses the package's quantised towers; faster on CPU)
  --limit <n>          number of search results (default 50)
  --min-score <s>      image-view relevance cut-off (default: the model's calibrated one)
  --port <n>           port for serve (default: a free one)
  --json               machine-readable output

${FILTER_USAGE}
`;

const out = (s: string) => process.stdout.write(s + '\n');
const err = (s: string) => process.stderr.write(s + '\n');

export async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
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
      ...FILTER_OPTIONS,
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    out(USAGE);
    return command || values.help ? 0 : 1;
  }
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
      const k = await Kanjian.open({ ...runtime, dataDir, model: values.model, log });
      try {
        const summary = await k.indexFolder(folder);
        if (json) out(JSON.stringify(summary));
        else {
          out(`indexed ${summary.indexed}, unchanged ${summary.unchanged}, removed ${summary.removed}, failed ${summary.failed.length}`);
          for (const f of summary.failed) out(`  failed: ${f.path}: ${f.error}`);
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
      // An empty query is fine with filters: it lists the photos they match.
      const query = filters ? rest.join(' ').trim() : needArg(rest.join(' ').trim() || undefined, 'search "<query>" [filters]');
      const k = await Kanjian.open({ ...runtime, dataDir, model: values.model, log });
      try {
        const res = await k.search({
          query,
          limit: values.limit ? Number(values.limit) : undefined,
          minScore: values['min-score'] !== undefined ? Number(values['min-score']) : undefined,
          ...(filters && { filters }),
        });
        if (res.message) {
          if (json) out(JSON.stringify({ results: [], message: res.message }));
          else err(res.message);
          return 2;
        }
        if (json) {
          out(
            JSON.stringify({
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
      const k = await Kanjian.open({ ...runtime, dataDir, model: values.model, log, watch: true });
      const info = await k.addFolder(folder);
      err(`Watching ${info.path} — press Ctrl+C to stop.`);
      k.onEvent((e) => {
        if (e.type === 'progress' && e.progress.state === 'idle' && e.progress.done > 0) {
          err(`indexed ${e.progress.done - e.progress.failed}, failed ${e.progress.failed}`);
        }
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
      const k = await Kanjian.open({ ...runtime, dataDir, model: values.model, log, ocr: false });
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
      const k = await Kanjian.open({ ...runtime, dataDir, model: values.model, log, vocabulary });
      try {
        return await tagsCommand(k, { folder: rest[0] ? path.resolve(rest[0]) : undefined, json, out, err });
      } finally {
        await k.close();
      }
    }
    case 'serve': {
      const { serveCommand } = await import('./commands/serve.js');
      return serveCommand({ dataDir, model: values.model, runtime, port: values.port ? Number(values.port) : 0, out, err });
    }
    default:
      err(`Unknown command "${command}".\n`);
      err(USAGE);
      return 1;
  }
}

function needArg(v: string | undefined, usage: string): string {
  if (!v) throw new UsageError(`Missing argument. Usage: npm run -s cli -- ${usage}`);
  return v;
}

class UsageError extends Error {}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    err(e instanceof UsageError ? e.message : `Error: ${(e as Error).message}`);
    process.exitCode = e instanceof UsageError ? 1 : 2;
  },
);
