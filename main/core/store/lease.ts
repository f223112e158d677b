// One writer per library. Several processes may open the same library (the app, `serve`, a CLI
// `index` or `search`): all of them may read, queue jobs and drop rows of files seen gone (each a
// SQLite transaction), but only the holder of the writer lease runs jobs, analyses and purges.
// So two indexers never claim the same job, and one process's purge never races another's
// indexing. The lease is a row in the library file itself (no lock file to go stale on another
// machine's share), taken in an IMMEDIATE transaction, renewed while held, and free once its
// holder is gone: on this machine as soon as its pid is dead, elsewhere when it stops renewing.
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { Db } from './db.js';

/** Who holds the lease: enough for a plain message ("pid 4711, kanjian watch, since 10:02"). */
export interface LeaseHolder {
  pid: number;
  host: string;
  command: string;
  since: number;
}

const RENEW_MS = 5_000;
/** A holder on another machine that has not renewed for this long is gone. */
const REMOTE_TTL_MS = 30_000;
/** On this machine a live pid keeps the lease unless it stopped renewing this long ago (pid reuse). */
const LOCAL_TTL_MS = 5 * 60_000;

interface LeaseRow {
  owner: string;
  pid: number;
  host: string;
  command: string;
  acquired_at: number;
  renewed_at: number;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // alive, someone else's
  }
}

export class WriterLease {
  private readonly owner = randomUUID();
  private readonly host = os.hostname();
  private holds = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private db: Db,
    private command: string,
  ) {
    db.exec(`CREATE TABLE IF NOT EXISTS writer_lease (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      owner TEXT NOT NULL, pid INTEGER NOT NULL, host TEXT NOT NULL, command TEXT NOT NULL,
      acquired_at INTEGER NOT NULL, renewed_at INTEGER NOT NULL)`);
  }

  /** The other process holding the lease now, or null when it is free or ours. */
  holder(): LeaseHolder | null {
    const row = this.row();
    if (!row || row.owner === this.owner || !this.alive(row)) return null;
    return { pid: row.pid, host: row.host, command: row.command, since: row.acquired_at };
  }

  get held(): boolean {
    return this.holds > 0;
  }

  /** Takes the lease (re-entrant) if no live process holds it; returns that process otherwise. */
  tryAcquire(): LeaseHolder | null {
    if (this.holds > 0) {
      this.holds++;
      return null;
    }
    const other = this.db
      .transaction(() => {
        const row = this.row();
        if (row && row.owner !== this.owner && this.alive(row)) {
          return { pid: row.pid, host: row.host, command: row.command, since: row.acquired_at } satisfies LeaseHolder;
        }
        const now = Date.now();
        this.db
          .prepare(
            `INSERT INTO writer_lease (id, owner, pid, host, command, acquired_at, renewed_at) VALUES (1, ?, ?, ?, ?, ?, ?)
             ON CONFLICT(id) DO UPDATE SET owner = excluded.owner, pid = excluded.pid, host = excluded.host,
               command = excluded.command, acquired_at = excluded.acquired_at, renewed_at = excluded.renewed_at`,
          )
          .run(this.owner, process.pid, this.host, this.command, now, now);
        return null;
      })
      .immediate();
    if (other) return other;
    this.holds = 1;
    this.timer = setInterval(() => this.renew(), RENEW_MS);
    this.timer.unref();
    return null;
  }

  /**
   * Waits for the lease. `onWait` is told once who holds it (so a CLI can say so plainly);
   * `cancelled` ends the wait (closing), returning false.
   */
  async acquire(opts: { onWait?: (holder: LeaseHolder) => void; cancelled?: () => boolean; pollMs?: number } = {}): Promise<boolean> {
    let told = false;
    for (;;) {
      if (opts.cancelled?.()) return false;
      const other = this.tryAcquire();
      if (!other) return true;
      if (!told) opts.onWait?.(other);
      told = true;
      await new Promise((r) => setTimeout(r, opts.pollMs ?? 250));
    }
  }

  release(): void {
    if (this.holds === 0) return;
    if (--this.holds > 0) return;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    try {
      this.db.prepare('DELETE FROM writer_lease WHERE owner = ?').run(this.owner);
    } catch {
      // the database is closing: the next process sees a dead pid and takes over
    }
  }

  /** Gives the lease up whatever the hold count (closing). */
  releaseAll(): void {
    if (this.holds > 0) {
      this.holds = 1;
      this.release();
    }
  }

  private renew(): void {
    try {
      this.db.prepare('UPDATE writer_lease SET renewed_at = ? WHERE owner = ?').run(Date.now(), this.owner);
    } catch {
      // busy for longer than busy_timeout: the next renewal tries again
    }
  }

  private row(): LeaseRow | undefined {
    return this.db.prepare('SELECT owner, pid, host, command, acquired_at, renewed_at FROM writer_lease WHERE id = 1').get() as LeaseRow | undefined;
  }

  private alive(row: LeaseRow): boolean {
    const age = Date.now() - row.renewed_at;
    if (row.host === this.host) return pidAlive(row.pid) && age < LOCAL_TTL_MS;
    return age < REMOTE_TTL_MS;
  }
}

/** "pid 4711 (kanjian watch) on this machine since 10:02:11" for logs and the CLI. */
export function describeHolder(h: LeaseHolder): string {
  const where = h.host === os.hostname() ? 'on this machine' : `on ${h.host}`;
  return `pid ${h.pid} (${h.command}) ${where} since ${new Date(h.since).toLocaleTimeString()}`;
}
