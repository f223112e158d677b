import { describe, expect, it } from 'vitest';
import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import type { PhotoPlace, PlacesOverview } from '../src/api/types.ts';
import { placeLabel, placeName } from '../src/lib/places.ts';
import { renderApp } from './fixtures/render-app.ts';
import { createFakeClient, folder } from './fixtures/fake-client.ts';

const OVERVIEW: PlacesOverview = {
  photos: 4,
  countries: [
    {
      code: 'CN',
      name: { en: 'China', zh: '中国' },
      count: 3,
      coverPhotoId: 1,
      cities: [
        { id: 1816670, name: { en: 'Beijing', zh: '北京' }, region: { en: 'Beijing', zh: '北京' }, lat: 39.9, lon: 116.4, count: 2, coverPhotoId: 1 },
        { id: 1796556, name: { en: 'Sanya', zh: '三亚' }, region: { en: 'Hainan' }, lat: 18.2, lon: 109.5, count: 1, coverPhotoId: 3 },
      ],
    },
    {
      code: 'FR',
      name: { en: 'France', zh: '法国' },
      count: 1,
      coverPhotoId: 2,
      cities: [{ id: 2988507, name: { en: 'Paris', zh: '巴黎' }, region: { en: 'Île-de-France' }, lat: 48.85, lon: 2.35, count: 1, coverPhotoId: 2 }],
    },
  ],
};

describe('place names', () => {
  const paris: PhotoPlace = { cityId: 2988507, city: { en: 'Paris', zh: '巴黎' }, region: { en: 'Île-de-France' }, country: 'FR', countryName: { en: 'France', zh: '法国' } };
  it('are Chinese in the Chinese UI where the data has them, else English', () => {
    expect(placeName({ en: 'Arezzo' }, 'zh-CN')).toBe('Arezzo');
    expect(placeName({ en: 'Paris', zh: '巴黎' }, 'zh-CN')).toBe('巴黎');
    expect(placeName({ en: 'Paris', zh: '巴黎' }, 'en')).toBe('Paris');
  });
  it('read big to small in Chinese, small to big in English; a region repeating the city is left out', () => {
    expect(placeLabel(paris, 'en')).toBe('Paris, Île-de-France, France');
    expect(placeLabel(paris, 'zh-CN')).toBe('法国 巴黎');
    const beijing: PhotoPlace = { cityId: 1, city: { en: 'Beijing', zh: '北京' }, region: { en: 'Beijing', zh: '北京' }, country: 'CN', countryName: { en: 'China', zh: '中国' } };
    expect(placeLabel(beijing, 'zh-CN')).toBe('中国 北京');
    expect(placeLabel(beijing, 'en')).toBe('Beijing, China');
  });
});

describe('the Places page', () => {
  it('lists countries → cities with counts in the UI language; a city filters the photos', async () => {
    const client = createFakeClient({ photoCount: 4, folders: [folder(1, '/photos', { photoCount: 4, indexedCount: 4 })] });
    client.places = OVERVIEW;
    await renderApp({ client, locale: 'zh-CN' });
    await fireEvent.click(screen.getByTestId('open-places'));
    const view = await screen.findByTestId('places-view');
    await waitFor(() => expect(within(view).getAllByTestId('places-country-name').map((e) => e.textContent)).toEqual(['中国', '法国']));
    expect(within(view).getByTestId('places-summary').textContent).toBe('2 个国家和地区的 4 张照片');
    expect(within(view).getAllByTestId('places-map-cluster')).toHaveLength(3);
    const sanya = within(view).getAllByTestId('places-city').find((b) => b.dataset.city === '1796556')!;
    expect(sanya.textContent?.replace(/\s+/g, ' ').trim()).toBe('三亚 1');
    await fireEvent.click(sanya);
    await waitFor(() => expect(screen.queryByTestId('places-view')).toBeNull());
    await waitFor(() =>
      expect(client.listPhotos).toHaveBeenLastCalledWith(expect.objectContaining({ filters: { place: { country: 'CN', cityId: 1796556 } } })),
    );
  });

  it('says when no photo has a place yet', async () => {
    const client = createFakeClient({ photoCount: 2 });
    await renderApp({ client, locale: 'en' });
    await fireEvent.click(screen.getByTestId('open-places'));
    expect((await screen.findByTestId('places-empty')).textContent).toContain('No photo has a place yet');
  });

  it('the search filters list the library’s places with counts', async () => {
    const client = createFakeClient({ photoCount: 4 });
    client.places = OVERVIEW;
    await renderApp({ client, locale: 'en' });
    await fireEvent.click(screen.getByTestId('filters-toggle'));
    const select = (await screen.findByTestId('filter-place')) as HTMLSelectElement;
    expect([...select.options].map((o) => o.textContent?.trim())).toEqual(['Anywhere', 'China (3)', 'Beijing (2)', 'Sanya (1)', 'France (1)', 'Paris (1)']);
    await fireEvent.change(select, { target: { value: 'FR' } });
    await waitFor(() => expect(client.listPhotos).toHaveBeenLastCalledWith(expect.objectContaining({ filters: { place: { country: 'FR' } } })));
  });
});
