import { describe, expect, it } from 'vitest';
import { fireEvent, screen, waitFor } from '@testing-library/svelte';
import { renderApp, renderedIndices } from './fixtures/render-app.ts';
import { createFakeClient } from './fixtures/fake-client.ts';
import { PAGE_SIZE } from '../src/state/photos.svelte.ts';

function gridEl(): HTMLElement {
  return screen.getByTestId('photo-grid');
}

describe('virtual grid', () => {
  it('renders only a window of cells for 50,000 photos', async () => {
    const client = await renderApp({ photoCount: 50_000 }).then((r) => r.client);
    await waitFor(() => expect(screen.getAllByTestId('grid-cell')[0].dataset.path).toBe(client.photos[0].path));
    expect(screen.getByTestId('result-count').textContent).toContain('50,000 photos');
    expect(gridEl().dataset.count).toBe('50000');
    const cells = screen.getAllByTestId('grid-cell');
    expect(cells.length).toBeGreaterThan(10);
    expect(cells.length).toBeLessThan(100);
    expect(renderedIndices()[0]).toBe(0);
    // Only the first page was fetched, not the whole library.
    expect(client.listPhotos).toHaveBeenCalledTimes(1);
    expect(client.listPhotos).toHaveBeenCalledWith({ offset: 0, limit: PAGE_SIZE, sort: 'taken' });
  });

  it('shows the right photos after scrolling and fetches their page lazily', async () => {
    const { client } = await renderApp({ photoCount: 50_000 });
    const grid = gridEl();
    const cols = Number(grid.dataset.cols);
    const spacer = grid.firstElementChild as HTMLElement;
    const totalHeight = parseFloat(spacer.style.height);
    const rowH = totalHeight / Math.ceil(50_000 / cols);
    const targetRow = 5_000;
    grid.scrollTop = targetRow * rowH;
    await fireEvent.scroll(grid);

    await waitFor(() => {
      const want = targetRow * cols;
      const cell = screen.getAllByTestId('grid-cell').find((el) => el.dataset.index === String(want));
      expect(cell?.dataset.path).toBe(client.photos[want].path);
    });
    const indices = renderedIndices();
    expect(indices.length).toBeLessThan(100);
    expect(Math.min(...indices)).toBeGreaterThan(targetRow * cols - 4 * cols);
    expect(indices).not.toContain(0);
    const page = Math.floor((targetRow * cols) / PAGE_SIZE);
    expect(client.listPhotos).toHaveBeenCalledWith({ offset: page * PAGE_SIZE, limit: PAGE_SIZE, sort: 'taken' });
    expect(client.listPhotos.mock.calls.length).toBeLessThanOrEqual(4);
  });

  it('moves focus with the arrow keys and opens the viewer with Enter', async () => {
    await renderApp({ photoCount: 500 });
    const grid = gridEl();
    const cols = Number(grid.dataset.cols);
    const cells = () => screen.getAllByTestId('grid-cell');
    cells()[0].focus();
    const active = () => Number((document.activeElement as HTMLElement).dataset.index);

    await fireEvent.keyDown(document.activeElement!, { key: 'ArrowRight' });
    await waitFor(() => expect(active()).toBe(1));
    await fireEvent.keyDown(document.activeElement!, { key: 'ArrowDown' });
    await waitFor(() => expect(active()).toBe(1 + cols));
    await fireEvent.keyDown(document.activeElement!, { key: 'ArrowLeft' });
    await waitFor(() => expect(active()).toBe(cols));
    await fireEvent.keyDown(document.activeElement!, { key: 'ArrowUp' });
    await waitFor(() => expect(active()).toBe(0));
    await fireEvent.keyDown(document.activeElement!, { key: 'ArrowUp' });
    expect(active()).toBe(0);
    await fireEvent.keyDown(document.activeElement!, { key: 'End' });
    await waitFor(() => expect(active()).toBe(cols - 1));
    await fireEvent.keyDown(document.activeElement!, { key: 'Home' });
    await waitFor(() => expect(active()).toBe(0));

    // Only the focused cell is in the tab order (roving tabindex).
    expect(cells().filter((c) => c.tabIndex === 0)).toHaveLength(1);

    await fireEvent.keyDown(document.activeElement!, { key: 'ArrowRight' });
    await waitFor(() => expect(active()).toBe(1));
    await fireEvent.keyDown(document.activeElement!, { key: 'Enter' });
    const viewer = await screen.findByTestId('viewer');
    expect(viewer.dataset.index).toBe('1');
  });

  it('scrolls a far cell into the window when the keyboard reaches it', async () => {
    await renderApp({ photoCount: 50_000 });
    screen.getAllByTestId('grid-cell')[0].focus();
    await fireEvent.keyDown(document.activeElement!, { key: 'End', ctrlKey: true });
    await waitFor(() => expect((document.activeElement as HTMLElement).dataset.index).toBe('49999'));
    expect(gridEl().scrollTop).toBeGreaterThan(0);
    expect(renderedIndices()).toContain(49_999);
    expect(renderedIndices().length).toBeLessThan(100);
    await fireEvent.keyDown(document.activeElement!, { key: 'PageUp' });
    await waitFor(() => expect(Number((document.activeElement as HTMLElement).dataset.index)).toBeLessThan(49_999));
  });

  it('opens the viewer on click', async () => {
    const client = createFakeClient({ photoCount: 12 });
    await renderApp({ client });
    await fireEvent.click(screen.getAllByTestId('grid-cell')[4]);
    const viewer = await screen.findByTestId('viewer');
    expect(viewer.dataset.path).toBe(client.photos[4].path);
  });

  it('says so when the library is empty', async () => {
    await renderApp({ photoCount: 0 });
    expect(screen.getByTestId('empty-state').textContent).toMatch(/Add a folder/);
    expect(screen.queryAllByTestId('grid-cell')).toHaveLength(0);
  });
});
