// Progress of long CLI work on a terminal (cli-progress): one bar for the phase running now
// (scanning, indexing, embedding, reading text, tagging, similar shots) with its counts and ETA.
// Quiet when stderr is not a terminal or with --json, so scripts and logs get only results.
import cliProgress from 'cli-progress';
import type { IndexPhase, IndexProgress } from '../core/api.js';

const PHASE_LABEL: Record<IndexPhase, string> = {
  idle: 'Done',
  scanning: 'Scanning folders',
  indexing: 'Indexing photos',
  embedding: 'Embedding photos',
  ocr: 'Reading text in photos',
  tagging: 'Tagging photos',
  similar: 'Finding similar shots',
};

function timeLeft(seconds: number | null): string {
  if (seconds === null) return '';
  if (seconds < 60) return `, ${Math.max(1, Math.round(seconds))} s left`;
  if (seconds < 3600) return `, ${Math.round(seconds / 60)} min left`;
  return `, ${(seconds / 3600).toFixed(1)} h left`;
}

/** Shows `poll()`'s progress every 200 ms until the returned stop function is called. */
export function showProgress(poll: () => Promise<IndexProgress>, opts: { enabled: boolean; stream?: NodeJS.WriteStream }): () => void {
  if (!opts.enabled) return () => undefined;
  const bar = new cliProgress.SingleBar(
    {
      stream: opts.stream ?? process.stderr,
      format: '{label} [{bar}] {value}/{total}{left}',
      barsize: 24,
      hideCursor: true,
      clearOnComplete: true,
      noTTYOutput: false,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  let stopped = false;
  const tick = async () => {
    const p = await poll();
    if (stopped) return;
    const current = p.phases.find((x) => x.phase === p.phase) ?? p.phases.at(-1);
    if (!current) return;
    const payload = { label: PHASE_LABEL[current.phase], left: timeLeft(current.etaSeconds) };
    if (!started) {
      bar.start(Math.max(current.total, 1), current.done, payload);
      started = true;
    } else {
      bar.setTotal(Math.max(current.total, 1));
      bar.update(current.done, payload);
    }
  };
  const timer = setInterval(() => void tick().catch(() => undefined), 200);
  return () => {
    stopped = true;
    clearInterval(timer);
    if (started) bar.stop();
  };
}
