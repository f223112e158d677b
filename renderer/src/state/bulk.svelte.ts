// What the selection bar does to the selected photos, each through the core: add to an album,
// favourite, copy to a folder (copy, never move), move to the OS trash (the duplicates review's
// plan → confirm → trash flow, state/trash-flow.svelte.ts). Albums are listed here too, for the
// bar's menu, the sidebar and the album filter.
import type { Album, CopyOutcome, KanjianApi } from '../api/types.ts';
import type { Selection } from './selection.svelte.ts';
import { TrashFlow, type TrashOwner } from './trash-flow.svelte.ts';

type Api = Pick<KanjianApi, 'listAlbums' | 'createAlbum' | 'addToAlbum' | 'removeFromAlbum' | 'setFavourite' | 'copyPhotos' | 'planTrash' | 'trashPhotos'>;

/** A line for the bar: a catalogue key and its params. */
export interface BulkNotice {
  key: 'selection.added' | 'selection.removed' | 'selection.favourited' | 'selection.copied' | 'selection.trashed';
  params: Record<string, string | number>;
}

export class AlbumsState {
  albums = $state.raw<Album[]>([]);
  error = $state.raw<unknown>(null);

  constructor(private api: Pick<KanjianApi, 'listAlbums'>) {}

  async load(): Promise<void> {
    try {
      this.albums = await this.api.listAlbums();
      this.error = null;
    } catch (err) {
      this.error = err;
    }
  }
}

export class BulkActions implements TrashOwner {
  notice = $state.raw<BulkNotice | null>(null);
  error = $state.raw<unknown>(null);
  /** Photos the last copy could not copy, each with its reason. */
  copyFailures = $state.raw<CopyOutcome['failed']>([]);
  busy = $state(false);
  /** The plan and the last-copy question (which names the photos the core lists). */
  readonly trash: TrashFlow;

  constructor(
    private api: Api,
    private albums: AlbumsState,
    private selection: Selection,
    /** The library or an album changed (trash, removal): refresh what the grid shows. */
    private onTrashed: (ids: number[]) => void,
  ) {
    this.trash = new TrashFlow(api);
  }

  #ids(): number[] {
    return [...this.selection.ids];
  }

  async #run(fn: () => Promise<void>): Promise<void> {
    this.busy = true;
    this.error = null;
    this.notice = null;
    try {
      await fn();
    } catch (err) {
      this.error = err;
    } finally {
      this.busy = false;
    }
  }

  addToAlbum(albumId: number): Promise<void> {
    return this.#run(async () => {
      const ids = this.#ids();
      const album = await this.api.addToAlbum({ albumId, photoIds: ids });
      this.notice = { key: 'selection.added', params: { n: ids.length, name: album.name } };
      await this.albums.load();
    });
  }

  /** Takes the selection out of the album shown; the grid then asks again. */
  removeFromAlbum(albumId: number): Promise<void> {
    return this.#run(async () => {
      const ids = this.#ids();
      const album = await this.api.removeFromAlbum({ albumId, photoIds: ids });
      this.selection.clear();
      this.notice = { key: 'selection.removed', params: { n: ids.length, name: album.name } };
      await this.albums.load();
      this.onTrashed([]);
    });
  }

  /** Makes an album and puts the selection in it. */
  newAlbum(name: string): Promise<void> {
    return this.#run(async () => {
      const ids = this.#ids();
      const created = await this.api.createAlbum({ name });
      const album = await this.api.addToAlbum({ albumId: created.id, photoIds: ids });
      this.notice = { key: 'selection.added', params: { n: ids.length, name: album.name } };
      await this.albums.load();
    });
  }

  favourite(): Promise<void> {
    return this.#run(async () => {
      const r = await this.api.setFavourite({ photoIds: this.#ids(), favourite: true });
      this.notice = { key: 'selection.favourited', params: { n: r.favourites.length } };
    });
  }

  /** Resolves to the error to show in the folder picker (a refused destination), or null. */
  async copyTo(destination: string): Promise<unknown> {
    this.error = null;
    this.notice = null;
    this.busy = true;
    try {
      const out = await this.api.copyPhotos({ photoIds: this.#ids(), destination });
      this.copyFailures = out.failed;
      this.notice = { key: 'selection.copied', params: { n: out.copied.length, path: out.destination } };
      return null;
    } catch (err) {
      return err;
    } finally {
      this.busy = false;
    }
  }

  async planTrash(): Promise<void> {
    await this.#run(() => this.trash.start(this.#ids()));
  }

  async confirmLastCopy(): Promise<void> {
    await this.#run(() => this.trash.confirmLastCopy());
  }

  cancelPlan(): void {
    this.trash.cancel();
  }

  async confirmTrash(): Promise<void> {
    if (!this.trash.pending) return this.trash.cancel();
    await this.#run(async () => {
      const out = await this.trash.confirm();
      if (!out) return;
      const gone = out.trashed.map((t) => t.id);
      this.selection.forget(gone);
      this.notice = { key: 'selection.trashed', params: { n: gone.length } };
      if (out.failed.length) this.error = { code: out.failed[0].code, params: out.failed[0].params };
      this.onTrashed(gone);
    });
  }
}
