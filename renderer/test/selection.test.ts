// Multi-select in the grid (state/selection.svelte.ts via PhotoGrid's hooks) and the selection
// bar's album action, on the fake client.
import { describe, expect, it } from 'vitest';
import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import { renderApp } from './fixtures/render-app.ts';
import { createFakeClient, dupePhoto } from './fixtures/fake-client.ts';

const cells = () => screen.getAllByTestId('grid-cell');
const selectedIds = () => cells().filter((c) => c.getAttribute('aria-selected') === 'true').map((c) => Number(c.dataset.photoId));

describe('multi-select', () => {
  it('Ctrl-click toggles, Shift-click adds a range, a plain click then toggles instead of opening', async () => {
    const { client } = await renderApp({ photoCount: 40 });
    await waitFor(() => expect(cells()[0].dataset.path).toBe(client.photos[0].path));
    expect(screen.queryByTestId('selection-bar')).toBeNull();
    await fireEvent.click(cells()[1], { ctrlKey: true });
    await waitFor(() => expect(screen.getByTestId('selection-bar')).toBeTruthy());
    await fireEvent.click(cells()[4], { shiftKey: true });
    await waitFor(() => expect(selectedIds()).toEqual([2, 3, 4, 5].map((i) => client.photos[i - 1].id)));
    // Selection mode: a plain click toggles, no viewer.
    await fireEvent.click(cells()[3]);
    await waitFor(() => expect(selectedIds()).toHaveLength(3));
    expect(screen.queryByTestId('viewer')).toBeNull();
    expect(screen.getByTestId('selection-count').textContent).toContain('3');
    // Escape clears; then a click opens the viewer again.
    cells()[0].focus();
    await fireEvent.keyDown(cells()[0], { key: 'Escape' });
    await waitFor(() => expect(screen.queryByTestId('selection-bar')).toBeNull());
  });

  it('Space toggles and Shift+→ extends by keyboard; Ctrl+A selects all', async () => {
    const { client } = await renderApp({ photoCount: 30 });
    await waitFor(() => expect(cells()[0].dataset.path).toBe(client.photos[0].path));
    cells()[0].focus();
    await fireEvent.keyDown(cells()[0], { key: ' ' });
    await waitFor(() => expect(selectedIds()).toEqual([client.photos[0].id]));
    await fireEvent.keyDown(document.activeElement!, { key: 'ArrowRight', shiftKey: true });
    await fireEvent.keyDown(document.activeElement!, { key: 'ArrowRight', shiftKey: true });
    await waitFor(() => expect(selectedIds()).toEqual(client.photos.slice(0, 3).map((p) => p.id)));
    await fireEvent.keyDown(document.activeElement!, { key: 'a', ctrlKey: true });
    await waitFor(() => expect(screen.getByTestId('selection-count').textContent).toContain('30'));
  });

  it('makes an album of the selection; the sidebar lists it', async () => {
    const { client } = await renderApp({ photoCount: 10 });
    await waitFor(() => expect(cells()[0].dataset.path).toBe(client.photos[0].path));
    await fireEvent.click(cells()[0], { ctrlKey: true });
    await fireEvent.click(cells()[2], { ctrlKey: true });
    await fireEvent.click(await screen.findByTestId('selection-album'));
    await fireEvent.input(screen.getByTestId('album-new-name'), { target: { value: 'Trip 旅行' } });
    await fireEvent.click(screen.getByTestId('album-create'));
    await waitFor(() => expect(client.addToAlbum).toHaveBeenCalledWith({ albumId: 1, photoIds: [client.photos[0].id, client.photos[2].id] }));
    await waitFor(() => expect(screen.getByTestId('selection-notice').textContent).toContain('Trip 旅行'));
    await waitFor(() => expect(screen.getAllByTestId('albums-item').map((e) => e.textContent)).toEqual([expect.stringContaining('Trip 旅行')]));
  });

  it('in an album: remove the selection from it, rename it, delete it (after a confirm)', async () => {
    const { client } = await renderApp({ photoCount: 10 });
    await waitFor(() => expect(cells()[0].dataset.path).toBe(client.photos[0].path));
    await fireEvent.click(cells()[0], { ctrlKey: true });
    await fireEvent.click(cells()[1], { ctrlKey: true });
    await fireEvent.click(await screen.findByTestId('selection-album'));
    await fireEvent.input(screen.getByTestId('album-new-name'), { target: { value: 'Old name' } });
    await fireEvent.click(screen.getByTestId('album-create'));
    const album = { id: 1 };
    await waitFor(() => expect(screen.getAllByTestId('albums-item')).toHaveLength(1));
    await fireEvent.click(screen.getAllByTestId('albums-item')[0]);
    await waitFor(() => expect(screen.getByTestId('album-name').textContent).toBe('Old name'));
    // An album on its own is browsed like any filter: its timeline, not a capped search listing.
    expect(client.listPhotos).toHaveBeenLastCalledWith(expect.objectContaining({ filters: { album: album.id } }));

    await waitFor(() => expect(cells().length).toBeGreaterThan(0));
    await fireEvent.click(cells()[0], { ctrlKey: true });
    await fireEvent.click(await screen.findByTestId('selection-remove-album'));
    await waitFor(() => expect(client.removeFromAlbum).toHaveBeenCalledWith({ albumId: album.id, photoIds: [Number(cells()[0].dataset.photoId)] }));

    await fireEvent.click(screen.getByTestId('album-rename'));
    await fireEvent.input(screen.getByTestId('album-rename-input'), { target: { value: 'New name' } });
    await fireEvent.click(screen.getByTestId('album-rename-save'));
    await waitFor(() => expect(screen.getByTestId('album-name').textContent).toBe('New name'));

    await fireEvent.click(screen.getByTestId('album-delete'));
    expect(client.deleteAlbum).not.toHaveBeenCalled();
    await fireEvent.click(await screen.findByTestId('confirm-ok'));
    await waitFor(() => expect(client.deleteAlbum).toHaveBeenCalledWith(album.id));
    await waitFor(() => expect(screen.queryByTestId('album-head')).toBeNull());
  });

  it('trashing the last copy of a picture from the selection asks a second time, naming the photos the core lists', async () => {
    const client = createFakeClient({ photoCount: 6 });
    const p = client.photos;
    client.duplicateGroups = [{ key: 'near:1', kind: 'near', reclaimableBytes: 1_000_000, photos: [dupePhoto(p[0], true), dupePhoto(p[1], false)] }];
    await renderApp({ client });
    await waitFor(() => expect(cells()[0].dataset.path).toBe(p[0].path));
    await fireEvent.click(cells()[0], { ctrlKey: true });
    await fireEvent.click(cells()[1], { ctrlKey: true });
    await fireEvent.click(await screen.findByTestId('selection-trash'));
    // The core refuses (both copies of the picture): the first question is the last-copy one.
    let dialog = await screen.findByTestId('confirm-dialog');
    expect(within(dialog).getByTestId('confirm-body').textContent).toMatch(/^These 2 photos are the last copy of their picture: x\./);
    await fireEvent.click(within(dialog).getByTestId('confirm-cancel'));
    await waitFor(() => expect(screen.queryByTestId('confirm-dialog')).toBeNull());
    expect(client.trashPhotos).not.toHaveBeenCalled();
    // Yes, then the plan (count and bytes), then the trash with allowLastCopy.
    await fireEvent.click(screen.getByTestId('selection-trash'));
    await fireEvent.click(within(await screen.findByTestId('confirm-dialog')).getByTestId('confirm-ok'));
    await waitFor(() => expect(client.planTrash).toHaveBeenLastCalledWith({ photoIds: [p[0].id, p[1].id], allowLastCopy: true }));
    dialog = await screen.findByTestId('confirm-dialog');
    await waitFor(() => expect(within(dialog).getByTestId('confirm-body').textContent).toMatch(/^2 photos /));
    await fireEvent.click(within(dialog).getByTestId('confirm-ok'));
    await waitFor(() => expect(client.trashPhotos).toHaveBeenCalledTimes(1));
    expect(client.trashPhotos.mock.calls[0][0]).toMatchObject({ photoIds: [p[0].id, p[1].id], allowLastCopy: true });
    // Both are gone from the selection (the bar closes with it).
    await waitFor(() => expect(screen.queryByTestId('selection-bar')).toBeNull());
  });
});
