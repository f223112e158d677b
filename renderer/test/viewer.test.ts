import { describe, expect, it } from 'vitest';
import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import { renderApp } from './fixtures/render-app.ts';
import { createFakeClient } from './fixtures/fake-client.ts';

async function openAt(index: number, opts: Parameters<typeof renderApp>[0] = {}) {
  const r = await renderApp({ photoCount: 30, ...opts });
  await fireEvent.click(screen.getAllByTestId('grid-cell')[index]);
  const viewer = await screen.findByTestId('viewer');
  return { ...r, viewer };
}

describe('viewer', () => {
  it('shows the screen-sized preview (any format) and its EXIF, path and size', async () => {
    const { client, viewer } = await openAt(2);
    const photo = client.photos[2];
    expect((within(viewer).getByTestId('viewer-image') as HTMLImageElement).src).toBe(`kanjian://preview/${photo.id}`);
    await waitFor(() => expect(within(viewer).getByTestId('viewer-path').textContent).toBe(photo.path));
    expect(within(viewer).getByTestId('viewer-camera').textContent).toBe('Canon EOS 5D Mark IV');
    expect(within(viewer).getByTestId('viewer-location').textContent).toBe('31.23040° N, 121.47370° E');
    expect(within(viewer).getByTestId('viewer-taken').textContent).toMatch(/2023/);
    expect(within(viewer).getByTestId('viewer-taken').textContent).toMatch(/July/);
    expect(within(viewer).getByTestId('viewer-size').textContent).toBe('2.5 MB');
    expect(document.activeElement).toBe(viewer);
  });

  it('steps with ←/→ and closes with Esc, returning focus to the last photo', async () => {
    const { client, viewer } = await openAt(3);
    await fireEvent.keyDown(viewer, { key: 'ArrowRight' });
    await waitFor(() => expect(screen.getByTestId('viewer').dataset.path).toBe(client.photos[4].path));
    await fireEvent.keyDown(viewer, { key: 'ArrowRight' });
    await waitFor(() => expect(screen.getByTestId('viewer').dataset.index).toBe('5'));
    await fireEvent.keyDown(viewer, { key: 'ArrowLeft' });
    await waitFor(() => expect(screen.getByTestId('viewer').dataset.index).toBe('4'));
    await waitFor(() => expect(screen.getByTestId('viewer-path').textContent).toBe(client.photos[4].path));
    expect(screen.getByTestId('viewer-position').textContent).toBe('5 of 30');

    await fireEvent.keyDown(viewer, { key: 'Escape' });
    await waitFor(() => expect(screen.queryByTestId('viewer')).toBeNull());
    await waitFor(() => expect((document.activeElement as HTMLElement).dataset.index).toBe('4'));
  });

  it('stops at the ends', async () => {
    const { viewer } = await openAt(0);
    await fireEvent.keyDown(viewer, { key: 'ArrowLeft' });
    expect(screen.getByTestId('viewer').dataset.index).toBe('0');
    expect((screen.getByTestId('viewer-prev') as HTMLButtonElement).disabled).toBe(true);
  });

  it('has no desktop buttons in the browser', async () => {
    await openAt(1);
    expect(screen.queryByTestId('viewer-show-in-folder')).toBeNull();
    expect(screen.queryByTestId('viewer-open-default')).toBeNull();
  });

  it('offers Show in folder / Open with default app on the desktop', async () => {
    const client = createFakeClient({ photoCount: 10, desktop: true });
    await openAt(6, { client });
    await fireEvent.click(screen.getByTestId('viewer-show-in-folder'));
    expect(client.desktop!.showInFolder).toHaveBeenCalledWith(client.photos[6].id);
    await fireEvent.click(screen.getByTestId('viewer-open-default'));
    expect(client.desktop!.openWithDefault).toHaveBeenCalledWith(client.photos[6].id);
  });

  it('falls back to the original, then the thumbnail, when the preview cannot be shown', async () => {
    const { client, viewer } = await openAt(1);
    const img = () => within(viewer).getByTestId('viewer-image') as HTMLImageElement;
    await fireEvent.error(img());
    await waitFor(() => expect(img().src).toBe(`kanjian://original/${client.photos[1].id}`));
    await fireEvent.error(img());
    await waitFor(() =>
      expect((within(viewer).getByTestId('viewer-image') as HTMLImageElement).src).toBe(`kanjian://thumb/${client.photos[1].id}`),
    );
  });

  it('shows why a search result matched, not its fused score', async () => {
    await renderApp({ photoCount: 10 });
    await fireEvent.input(screen.getByTestId('search-input'), { target: { value: 'x' } });
    await waitFor(() => expect(screen.getAllByTestId('match-views').length).toBeGreaterThan(1));
    await fireEvent.click(screen.getAllByTestId('grid-cell')[1]);
    const why = await screen.findByTestId('viewer-why');
    expect(within(why).getAllByTestId('view-badge').map((b) => b.textContent)).toEqual(['Picture']);
    expect(screen.getByTestId('viewer').textContent).not.toContain('0.340');
  });
});
