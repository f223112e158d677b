// The CLI shell. Its commands and --json shapes are a contract users' scripts rely on:
//   index <folder>   search "<query>"   watch <folder>   serve   models …
import { parseArgs } from 'node:util';
import path from 'node:path';
import { Kanjian } from '../core/kanjian.js';
import { defaultDataDir } from '../core/paths.js';
import { modelsCommand } from './commands/models.js';

const USAGE = `Kanjian 看见 — find photos by meaning, in Chinese or English

Usage: npm run -s cli -- <command> [options]

  index <folder>       index a folder once and exit
  search "<query>"     search the library (Chinese, English or both)
  watch <folder>       index a folder and keep the index live until Ctrl+C
  serve                serve the app and its API on http://127.0.0.1 (browser mode)
  models list|download <id>|use <id>|remove <id>

Options:
  --data <dir>         library folder (default: ${defaultDataDir()})
  --model <dir-or-id>  model package folder or installed model id
  --limit <n>          number of search results (default 50)
  --min-score <s>      relevance cut-off (default: the model's calibrated one)
  --port <n>           port for serve (default: a free one)
  --json               machine-readable output
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
      limit: { type: 'string' },
      'min-score': { type: 'string' },
      port: { type: 'string' },
      json: { type: 'boolean', default: false },
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

  switch (command) {
    case 'index': {
      const folder = needArg(rest[0], 'index <folder>');
      const k = await Kanjian.open({ dataDir, model: values.model, log });
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
      const query = needArg(rest.join(' ').trim() || undefined, 'search "<query>"');
      const k = await Kanjian.open({ dataDir, model: values.model, log });
      try {
        const res = await k.search({
          query,
          limit: values.limit ? Number(values.limit) : undefined,
          minScore: values['min-score'] !== undefined ? Number(values['min-score']) : undefined,
        });
        if (res.message) {
          if (json) out(JSON.stringify({ results: [], message: res.message }));
          else err(res.message);
          return 2;
        }
        if (json) {
          out(JSON.stringify({ results: res.results.map((r) => ({ path: r.photo.path, score: r.score, views: r.views })) }));
        } else {
          if (!res.results.length) out('No matching photos.');
          for (const r of res.results) out(`${r.score.toFixed(4)}  ${r.photo.path}`);
        }
      } finally {
        await k.close();
      }
      return 0;
    }
    case 'watch': {
      const folder = needArg(rest[0], 'watch <folder>');
      const k = await Kanjian.open({ dataDir, model: values.model, log, watch: true });
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
    case 'serve': {
      const { serveCommand } = await import('./commands/serve.js');
      return serveCommand({ dataDir, model: values.model, port: values.port ? Number(values.port) : 0, out, err });
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
