import { describe, expect, it } from 'vitest';
import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import { renderApp } from './fixtures/render-app.ts';
import { createFakeClient, folder, tag } from './fixtures/fake-client.ts';

function tagged() {
  const beach = tag('beach', '海滩', 0.8);
  const sunset = tag('sunset', '日落', 0.6);
  const cat = tag('cat', '猫', 0.95);
  const client = createFakeClient({ photoCount: 10, folders: [folder(1, '/photos', { photoCount: 10, indexedCount: 10 })] });
  client.photoTagMap = {
    [client.photos[0].id]: [beach, sunset],
    [client.photos[1].id]: [beach],
    [client.photos[2].id]: [cat],
  };
  client.folderTagMap = { 1: [{ ...beach, score: 0.2, photos: 2 }] };
  return client;
}

describe('tags in the app', () => {
  it('shows a photo’s tags in the viewer, in the UI language', async () => {
    const client = tagged();
    await renderApp({ client, locale: 'zh-CN' });
    await fireEvent.click(screen.getAllByTestId('grid-cell')[0]);
    const chips = await screen.findByTestId('viewer-tags');
    expect(within(chips).getAllByTestId('tag-chip').map((c) => c.textContent)).toEqual(['海滩', '日落']);
    expect(within(chips).getAllByTestId('tag-chip')[0].title).toBe('beach · 80%');
  });

  it('picking a tag chip shows only the photos with that tag, and the filter can be cleared', async () => {
    const client = tagged();
    await renderApp({ client, locale: 'en' });
    await fireEvent.click(screen.getAllByTestId('grid-cell')[0]);
    const chips = await screen.findByTestId('viewer-tags');
    await fireEvent.click(within(chips).getAllByTestId('tag-chip')[0]);
    await waitFor(() => expect(screen.queryByTestId('viewer')).toBeNull());
    await waitFor(() => expect(screen.getByTestId('result-count').textContent).toBe('2 photos'));
    expect(client.listPhotos).toHaveBeenLastCalledWith(expect.objectContaining({ tag: 'beach' }));
    expect(screen.getByTestId('tag-filter-active').textContent).toBe('Tag: beach');
    await fireEvent.click(screen.getByTestId('tag-filter-clear'));
    await waitFor(() => expect(screen.getByTestId('result-count').textContent).toBe('10 photos'));
  });

  it('filters by a tag typed in Chinese, and narrows a search by it', async () => {
    const client = tagged();
    await renderApp({ client, locale: 'zh-CN' });
    const input = screen.getByTestId('tag-filter-input') as HTMLInputElement;
    await fireEvent.focus(input);
    await waitFor(() => expect(client.listTags).toHaveBeenCalled());
    await fireEvent.input(input, { target: { value: '猫' } });
    await fireEvent.submit(screen.getByTestId('tag-filter'));
    await waitFor(() => expect(client.listPhotos).toHaveBeenLastCalledWith(expect.objectContaining({ tag: '猫' })));
    await waitFor(() => expect(screen.getByTestId('result-count').textContent).toMatch(/^1/));

    await fireEvent.input(screen.getByTestId('search-input'), { target: { value: 'cat on a sofa' } });
    await waitFor(() => expect(client.search).toHaveBeenLastCalledWith(expect.objectContaining({ query: 'cat on a sofa', filters: { tag: '猫' } })));
  });

  it('shows a folder’s common tags, and they filter too', async () => {
    const client = tagged();
    await renderApp({ client, locale: 'en' });
    const row = (await screen.findAllByTestId('folder-row'))[0];
    const chips = await within(row).findByTestId('folder-tags');
    expect(within(chips).getByTestId('tag-chip').textContent).toBe('beach');
    await fireEvent.click(within(chips).getByTestId('tag-chip'));
    await waitFor(() => expect(screen.getByTestId('result-count').textContent).toBe('2 photos'));
  });
});
