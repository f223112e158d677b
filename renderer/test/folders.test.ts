import { describe, expect, it } from 'vitest';
import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import { renderApp } from './fixtures/render-app.ts';
import { coded, createFakeClient, folder } from './fixtures/fake-client.ts';

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

  it('adds a folder through the folder browser (browser shell): home first, then walk and pick', async () => {
    const { client } = await renderApp({ folders: [] });
    await fireEvent.click(screen.getByTestId('folder-add'));
    const dialog = await screen.findByTestId('folder-browser');
    await waitFor(() => expect(dialog.dataset.path).toBe('/home/li'));
    expect(client.browseFolders).toHaveBeenCalledWith({});
    const entries = () => within(dialog).getAllByTestId('picker-entry').map((e) => e.dataset.path);
    expect(entries()).toEqual(['/home/li/Desktop', '/home/li/Pictures', '/home/li/下载']);
    expect(within(dialog).getAllByTestId('picker-place').map((p) => p.textContent?.trim())).toEqual(['Home', 'Pictures', 'Drive usb', 'Whole computer']);
    // Focus starts in the list; ↓ moves, Enter opens.
    await waitFor(() => expect(document.activeElement).toBe(within(dialog).getAllByTestId('picker-entry')[0]));
    await fireEvent.keyDown(document.activeElement!, { key: 'ArrowDown' });
    expect((document.activeElement as HTMLElement).dataset.path).toBe('/home/li/Pictures');
    await fireEvent.click(document.activeElement!);
    await waitFor(() => expect(dialog.dataset.path).toBe('/home/li/Pictures'));
    expect(within(dialog).getAllByTestId('picker-crumb').map((c) => c.textContent?.trim())).toEqual(['/', 'home', 'li', 'Pictures']);
    // Backspace goes up a level; the breadcrumb goes anywhere above.
    await fireEvent.keyDown(dialog, { key: 'Backspace' });
    await waitFor(() => expect(dialog.dataset.path).toBe('/home/li'));
    await fireEvent.click(within(dialog).getAllByTestId('picker-entry')[1]);
    await waitFor(() => expect(dialog.dataset.path).toBe('/home/li/Pictures'));
    await fireEvent.click(within(dialog).getByTestId('picker-action'));
    await waitFor(() => expect(screen.queryByTestId('folder-browser')).toBeNull());
    expect(client.addFolder).toHaveBeenCalledWith('/home/li/Pictures');
    expect(screen.getAllByTestId('folder-row').map((r) => r.dataset.path)).toEqual(['/home/li/Pictures']);
  });

  it('says why a folder cannot be added, with the specific code, in the UI language', async () => {
    const client = createFakeClient({ folders: [] });
    client.addFolder.mockRejectedValueOnce(coded('folder.system', '/etc is a system folder', { path: '/etc' }));
    await renderApp({ client, locale: 'zh-CN' });
    await fireEvent.click(screen.getByTestId('folder-add'));
    const dialog = await screen.findByTestId('folder-browser');
    await waitFor(() => expect(dialog.dataset.path).toBe('/home/li'));
    await fireEvent.click(within(dialog).getByTestId('picker-action'));
    expect((await within(dialog).findByTestId('picker-error')).textContent).toBe('/etc 是系统文件夹，请选择存放照片的文件夹。');
    // A typed path that does not exist: the browser says so, from its code.
    await fireEvent.input(within(dialog).getByTestId('picker-path'), { target: { value: '/nowhere' } });
    await fireEvent.click(within(dialog).getByTestId('picker-go'));
    await waitFor(() => expect(within(dialog).getByTestId('picker-error').textContent).toBe('找不到文件夹 /nowhere。'));
    await fireEvent.keyDown(dialog, { key: 'Escape' });
    expect(screen.queryByTestId('folder-browser')).toBeNull();
    expect(screen.queryAllByTestId('folder-row')).toHaveLength(0);
  });

  it('a folder already in the library cannot be picked again', async () => {
    await renderApp({ folders: [folder(1, '/home/li/Pictures')] });
    await fireEvent.click(screen.getByTestId('folder-add'));
    const dialog = await screen.findByTestId('folder-browser');
    await waitFor(() => expect(dialog.dataset.path).toBe('/home/li'));
    await fireEvent.click(within(dialog).getAllByTestId('picker-place').find((p) => p.dataset.kind === 'pictures')!);
    await waitFor(() => expect(dialog.dataset.path).toBe('/home/li/Pictures'));
    expect(within(dialog).getByTestId('picker-in-library').textContent).toBe('This folder is already in the library.');
    expect((within(dialog).getByTestId('picker-action') as HTMLButtonElement).disabled).toBe(true);
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
    expect((await screen.findByTestId('folder-error')).textContent).toMatch(/Add folder…/);
    expect(client.addFolder).not.toHaveBeenCalled();
  });
});
