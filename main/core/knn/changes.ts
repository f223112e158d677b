// What changed in `photos` and `embeddings` since an in-memory index last looked, so the index
// follows the library without reloading a million rows. TEMP triggers log this connection's
// writes into a TEMP table: nothing is written to the library file (the read path stays
// read-only) and no schema change is needed. Writes by another connection (a second process)
// are not seen by the triggers; `PRAGMA data_version` tells they happened, and consumers then
// catch up by row id (new rows) and reload in full now and then (see registry.ts).
import type { Db } from '../store/index.js';

export const enum ChangeKind {
  Photo = 0,
  Embedding = 1,
}

export interface Changes {
  photos: number[];
  embeddings: number[];
  /** Another connection committed since the last call. */
  foreign: boolean;
}

export class ChangeFeed {
  /** Per consumer: the last change it has seen, and the data_version it last looked at (each consumer learns of foreign writes itself). */
  private consumers = new Map<string, { seq: number; dataVersion: number }>();

  constructor(private db: Db) {
    const log = (table: string, kind: ChangeKind) =>
      [['INSERT', 'NEW'], ['UPDATE', 'NEW'], ['DELETE', 'OLD']]
        .map(([event, row]) =>
          `CREATE TEMP TRIGGER IF NOT EXISTS knn_${table}_${event.toLowerCase()} AFTER ${event} ON main.${table} BEGIN
             INSERT INTO knn_changes (kind, id) VALUES (${kind}, ${row}.id); END;`)
        .join('\n');
    db.exec(`CREATE TEMP TABLE IF NOT EXISTS knn_changes (seq INTEGER PRIMARY KEY AUTOINCREMENT, kind INTEGER NOT NULL, id INTEGER NOT NULL);
      ${log('photos', ChangeKind.Photo)}
      ${log('embeddings', ChangeKind.Embedding)}`);
  }

  /** The position a new consumer starts from (it has just loaded everything). */
  subscribe(name: string): void {
    this.consumers.set(name, { seq: this.head(), dataVersion: this.currentDataVersion() });
  }

  /** Stops following for `name` (its changes need no longer be kept). */
  unsubscribe(name: string): void {
    this.consumers.delete(name);
  }

  /** Changes since the consumer's last call (ids deduplicated), and moves it on. */
  take(name: string): Changes {
    const v = this.currentDataVersion();
    const seen = this.consumers.get(name) ?? { seq: this.head(), dataVersion: v };
    const rows = this.db.prepare('SELECT seq, kind, id FROM temp.knn_changes WHERE seq > ? ORDER BY seq').raw().all(seen.seq) as [number, number, number][];
    const photos = new Set<number>();
    const embeddings = new Set<number>();
    for (const [, kind, id] of rows) (kind === ChangeKind.Photo ? photos : embeddings).add(id);
    // data_version moves on commits by other connections only, so this consumer's own flag:
    // one shared flag let the vector index's look hide a foreign write from the facets'.
    const foreign = v !== seen.dataVersion;
    this.consumers.set(name, { seq: rows.length ? rows[rows.length - 1][0] : seen.seq, dataVersion: v });
    this.trim();
    return { photos: [...photos], embeddings: [...embeddings], foreign };
  }

  private head(): number {
    return (this.db.prepare('SELECT COALESCE(MAX(seq), 0) AS s FROM temp.knn_changes').get() as { s: number }).s;
  }

  /** Drops what every consumer has seen (a TEMP table: memory of this connection only). */
  private trim(): void {
    if (this.db.inTransaction) return;
    const min = Math.min(...[...this.consumers.values()].map((c) => c.seq));
    if (Number.isFinite(min)) this.db.prepare('DELETE FROM temp.knn_changes WHERE seq <= ?').run(min);
  }

  private currentDataVersion(): number {
    return this.db.pragma('data_version', { simple: true }) as number;
  }
}
