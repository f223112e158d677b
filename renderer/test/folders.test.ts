import { describe, expect, it } from 'vitest';
import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import { renderApp } from './fixtures/render-app.ts';
import { createFakeClient, folder } from './fixtures/fake-client.ts';

const FOLDERS = [
  folder(1, '/home/li/Pictures', { photoCount: 1234, indexedCount: 1200, failedCount: 3, pendingCount: 31 }),
  folder(2, '/mnt/nas/相册/2023', { photoCount: 10, indexedCount: 10 }),
];

describe('folders panel', () => {
  it('lists folders with their counts', async () => {
    await renderApp({ folders: FOLDERS });
    const rows = screen.getAllByTestId('folder-row');
    expect(rows.map((r) => r.dataset.path)).toEqual(['/home/li/Pictures', '/mnt/nas/相册/2023']);
    expect(within(rows[0]).getByTestId('folder-counts').textContent?.trim()).toBe(
      '1,234 photos · 1,200 indexed · 3 failed · 31 pending',
    );
  });

  it('adds a folder typed as a path (browser)', async () => {
    const { client } = await renderApp({ folders: [] });
    const input = screen.getByTestId('folder-path-input') as HTMLInputElement;
    const add = screen.getByTestId('folder-add') as HTMLButtonElement;
    expect(add.disabled).toBe(true);
    await fireEvent.input(input, { target: { value: '/home/li/新照片' } });
    await fireEvent.click(add);
    await waitFor(() => expect(screen.getAllByTestId('folder-row').map((r) => r.dataset.path)).toEqual(['/home/li/新照片']));
    expect(client.addFolder).toHaveBeenCalledWith('/home/li/新照片');
    expect(input.value).toBe('');
  });

  it('shows why adding failed', async () => {
    await renderApp({ folders: [] });
    await fireEvent.input(screen.getByTestId('folder-path-input'), { target: { value: 'relative/path' } });
    await fireEvent.click(screen.getByTestId('folder-add'));
    // The fake answers like the server: a code, rendered from the catalogue (never the English text).
    expect((await screen.findByTestId('folder-error')).textContent).toBe('Could not add the folder: Kanjian did not understand this request.');
    expect(screen.queryAllByTestId('folder-row')).toHaveLength(0);
  });

  it('removes only after a confirm that says files on disk are not touched', async () => {
    const { client } = await renderApp({ folders: FOLDERS });
    const row = screen.getAllByTestId('folder-row')[1];
    await fireEvent.click(within(row).getByTestId('folder-remove'));
    const dialog = await screen.findByTestId('confirm-dialog');
    expect(dialog.textContent).toContain('/mnt/nas/相册/2023');
    expect(dialog.textContent).toContain('files on disk are not touched');
    expect(document.activeElement).toBe(screen.getByTestId('confirm-cancel'));

    await fireEvent.click(screen.getByTestId('confirm-cancel'));
    expect(screen.queryByTestId('confirm-dialog')).toBeNull();
    expect(client.removeFolder).not.toHaveBeenCalled();
    expect(screen.getAllByTestId('folder-row')).toHaveLength(2);

    await fireEvent.click(within(screen.getAllByTestId('folder-row')[1]).getByTestId('folder-remove'));
    await fireEvent.keyDown(await screen.findByTestId('confirm-dialog'), { key: 'Escape' });
    expect(screen.queryByTestId('confirm-dialog')).toBeNull();
    expect(client.removeFolder).not.toHaveBeenCalled();

    await fireEvent.click(within(screen.getAllByTestId('folder-row')[1]).getByTestId('folder-remove'));
    await fireEvent.click(await screen.findByTestId('confirm-ok'));
    await waitFor(() => expect(screen.getAllByTestId('folder-row')).toHaveLength(1));
    expect(client.removeFolder).toHaveBeenCalledWith(2);
  });

  it('lists failed files with their reasons', async () => {
    const client = createFakeClient({
      folders: FOLDERS,
      failed: {
        1: [
          { path: '/home/li/Pictures/broken.jpg', error: 'corrupt JPEG data', code: 'media.corrupt', params: { format: 'JPEG' } },
          { path: '/home/li/Pictures/x.heic', error: 'unsupported HEIC variant', code: 'media.unsupported', params: { format: 'HEIC' } },
        ],
      },
    });
    await renderApp({ client });
    const row = screen.getAllByTestId('folder-row')[0];
    expect(within(screen.getAllByTestId('folder-row')[1]).queryByTestId('folder-failed-toggle')).toBeNull();
    await fireEvent.click(within(row).getByTestId('folder-failed-toggle'));
    const files = await within(row).findAllByTestId('failed-file');
    expect(client.listFailed).toHaveBeenCalledWith({ folderId: 1, limit: 500 });
    expect(files.map((f) => f.dataset.path)).toEqual(['/home/li/Pictures/broken.jpg', '/home/li/Pictures/x.heic']);
    expect(files[0].textContent).toContain('The JPEG file is damaged or incomplete.');
    await fireEvent.click(within(row).getByTestId('folder-failed-toggle'));
    expect(within(row).queryAllByTestId('failed-file')).toHaveLength(0);
  });

  it('follows folder events from the shell', async () => {
    const { client } = await renderApp({ folders: FOLDERS });
    client.emit({ type: 'folders', folders: [folder(1, '/home/li/Pictures', { photoCount: 2000, indexedCount: 1999, failedCount: 1 })] });
    await waitFor(() => expect(screen.getAllByTestId('folder-row')).toHaveLength(1));
    expect(screen.getByTestId('folder-counts').textContent).toContain('2,000 photos · 1,999 indexed · 1 failed · 0 pending');
  });

  it('uses the OS folder picker on the desktop', async () => {
    const client = createFakeClient({ desktop: true });
    await renderApp({ client });
    expect(screen.queryByTestId('folder-path-input')).toBeNull();
    await fireEvent.click(screen.getByTestId('folder-add'));
    await waitFor(() => expect(screen.getAllByTestId('folder-row').map((r) => r.dataset.path)).toEqual(['/picked/folder']));
    expect(client.desktop!.pickFolder).toHaveBeenCalled();
  });

  it('adds a folder dropped onto the desktop window', async () => {
    const client = createFakeClient({ desktop: true });
    const file = new File([], 'Trip');
    Object.defineProperty(file, 'path', { value: '/home/li/Trip' });
    await renderApp({ client });
    const dataTransfer = { types: ['Files'], files: [file], items: [{ webkitGetAsEntry: () => ({ isDirectory: true }) }], dropEffect: 'none' };
    await fireEvent.dragOver(window, { dataTransfer });
    expect(screen.getByTestId('drop-overlay')).toBeTruthy();
    await fireEvent.drop(window, { dataTransfer });
    await waitFor(() => expect(client.addFolder).toHaveBeenCalledWith('/home/li/Trip'));
    expect(screen.queryByTestId('drop-overlay')).toBeNull();
  });

  it('explains that a browser cannot take dropped folders', async () => {
    const { client } = await renderApp({});
    const dataTransfer = { types: ['Files'], files: [new File([], 'Trip')], items: [{ webkitGetAsEntry: () => ({ isDirectory: true }) }] };
    await fireEvent.drop(window, { dataTransfer });
    expect((await screen.findByTestId('folder-error')).textContent).toMatch(/Type the folder path/);
    expect(client.addFolder).not.toHaveBeenCalled();
  });
});
