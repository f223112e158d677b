import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Store } from '../../../main/core/store/index.js';
import { WriterLease } from '../../../main/core/store/lease.js';

let tmp: string;
let a: Store;
let b: Store;

beforeEach(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'kanjian-lease-'));
  // Two connections to one library file, as two processes have.
  a = Store.open(path.join(tmp, 'library.db'));
  b = Store.open(path.join(tmp, 'library.db'));
});
afterEach(() => {
  a.close();
  b.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('WriterLease', () => {
  it('one holder at a time; the other is told who holds it, and gets it once released', () => {
    const first = new WriterLease(a.db, 'kanjian watch');
    const second = new WriterLease(b.db, 'kanjian index');
    expect(first.tryAcquire()).toBeNull();
    expect(second.tryAcquire()).toMatchObject({ pid: process.pid, command: 'kanjian watch', host: os.hostname() });
    expect(second.holder()).toMatchObject({ command: 'kanjian watch' });
    // Re-entrant for its holder: released only when every hold is.
    expect(first.tryAcquire()).toBeNull();
    first.release();
    expect(second.tryAcquire()).not.toBeNull();
    first.release();
    expect(second.tryAcquire()).toBeNull();
    expect(first.tryAcquire()).toMatchObject({ command: 'kanjian index' });
    second.release();
  });

  it('a holder killed on this machine (dead pid) does not block the library', () => {
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
    a.db.exec(`CREATE TABLE IF NOT EXISTS writer_lease (id INTEGER PRIMARY KEY CHECK (id = 1), owner TEXT NOT NULL, pid INTEGER NOT NULL, host TEXT NOT NULL, command TEXT NOT NULL, acquired_at INTEGER NOT NULL, renewed_at INTEGER NOT NULL)`);
    a.db.prepare('INSERT INTO writer_lease VALUES (1, ?, ?, ?, ?, ?, ?)').run('gone', Number(dead), os.hostname(), 'kanjian index', Date.now(), Date.now());
    const lease = new WriterLease(b.db, 'kanjian serve');
    expect(lease.tryAcquire()).toBeNull();
    lease.release();
  });

  it('a holder on another machine counts while it renews, and is gone once it stops', () => {
    const lease = new WriterLease(b.db, 'kanjian serve');
    a.db.prepare('INSERT INTO writer_lease VALUES (1, ?, ?, ?, ?, ?, ?)').run('nas', 1, 'other-host', 'Kanjian app', Date.now(), Date.now());
    expect(lease.tryAcquire()).toMatchObject({ host: 'other-host', command: 'Kanjian app' });
    a.db.prepare('UPDATE writer_lease SET renewed_at = ?').run(Date.now() - 60_000);
    expect(lease.tryAcquire()).toBeNull();
    lease.release();
    expect(a.db.prepare('SELECT COUNT(*) AS n FROM writer_lease').get()).toEqual({ n: 0 });
  });

  it('acquire waits, says who it waits for once, and ends when cancelled', async () => {
    const holder = new WriterLease(a.db, 'kanjian watch');
    holder.tryAcquire();
    const told: string[] = [];
    let cancel = false;
    const waiting = new WriterLease(b.db, 'kanjian index').acquire({ onWait: (h) => told.push(h.command), cancelled: () => cancel, pollMs: 10 });
    await new Promise((r) => setTimeout(r, 60));
    cancel = true;
    expect(await waiting).toBe(false);
    expect(told).toEqual(['kanjian watch']);
    holder.release();
  });
});
