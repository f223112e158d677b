// The library store: one SQLite file holding folders, photos, the job queue and vectors.
import { openDatabase, type Db } from './db.js';
import { FolderRepo } from './folders.js';
import { PhotoRepo } from './photos.js';
import { JobRepo } from './jobs.js';
import { VectorRepo } from './vectors.js';

export class Store {
  readonly folders: FolderRepo;
  readonly photos: PhotoRepo;
  readonly jobs: JobRepo;
  readonly vectors: VectorRepo;

  constructor(readonly db: Db) {
    this.folders = new FolderRepo(db);
    this.photos = new PhotoRepo(db);
    this.jobs = new JobRepo(db);
    this.vectors = new VectorRepo(db);
  }

  static open(file: string): Store {
    return new Store(openDatabase(file));
  }

  /** Runs `fn` in one transaction: all its writes commit together or not at all. */
  tx<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  close(): void {
    this.db.close();
  }
}

export type { Db };
export type { PhotoRow, PhotoInput } from './photos.js';
export { toSummary, toDetail } from './photos.js';
export type { JobRow, JobKind } from './jobs.js';
export type { Neighbour } from './vectors.js';
