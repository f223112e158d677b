import { readFile } from 'node:fs/promises';
import sharp, { type Sharp } from 'sharp';
import { describe, expect, it } from 'vitest';
import { exifDate, readExif } from '../../../main/core/media/exif.js';
import { HEIC_FIXTURE, sample } from './helpers.js';

const tiny = () => sharp({ create: { width: 16, height: 16, channels: 3, background: '#777777' } });

describe('readExif on real camera files', () => {
  it.each([
    ['Canon_40D.jpg', 'Canon', 'Canon EOS 40D', '2008-05-30T15:56:01'],
    ['Nikon_D70.jpg', 'NIKON CORPORATION', 'NIKON D70', '2008-03-15T09:52:01'],
    ['Pentax_K10D.jpg', 'PENTAX Corporation', 'PENTAX K10D', '2008-05-04T16:47:24'],
    [['mobile', 'HMD_Nokia_8.3_5G.jpg'], 'HMD Global', 'Nokia 8.3 5G', '2022-08-14T14:12:31'],
  ] as const)('%s', async (file, make, model, takenAt) => {
    const exif = await readExif(await readFile(sample('jpg', ...[file].flat())));
    expect(exif).toMatchObject({ cameraMake: make, cameraModel: model, takenAt });
  });

  it('GPS position of a geotagged photo (degrees, north/east positive)', async () => {
    const exif = await readExif(await readFile(sample('jpg', 'gps', 'DSCN0010.jpg')));
    expect(exif.lat).toBeCloseTo(43.467448, 5);
    expect(exif.lon).toBeCloseTo(11.885127, 5);
    expect(exif).toMatchObject({ cameraMake: 'NIKON', cameraModel: 'COOLPIX P6000', takenAt: '2008-10-22T16:28:39' });
  });

  it('orientation tag', async () => {
    expect((await readExif(await readFile(sample('jpg', 'orientation', 'portrait_6.jpg')))).orientation).toBe(6);
  });

  it('a photo without camera EXIF gives nulls', async () => {
    const exif = await readExif(await readFile(sample('jpg', 'xmp', 'no_exif.jpg')));
    expect(exif).toMatchObject({ takenAt: null, cameraMake: null, cameraModel: null, lat: null, lon: null });
  });

  it('TIFF files: the tags live in the TIFF itself', async () => {
    expect((await readExif(await readFile(sample('tiff', 'Arbitro.tiff')))).orientation).toBe(1);
  });
});

describe('readExif exposure details', () => {
  it('reads lens, aperture, shutter (seconds), ISO and focal length', async () => {
    const bytes = await tiny()
      .withExif({ IFD0: { Make: 'Acme' }, IFD2: { FNumber: '28/10', ExposureTime: '1/250', ISOSpeedRatings: '400', FocalLength: '35/1', LensModel: 'Acme 35mm F2.8' } })
      .jpeg()
      .toBuffer();
    expect(await readExif(bytes)).toMatchObject({ lens: 'Acme 35mm F2.8', fNumber: 2.8, exposureTime: 0.004, iso: 400, focalLength: 35 });
  });

  it('treats zeros (cameras writing "unknown") as missing', async () => {
    const bytes = await tiny().withExif({ IFD0: { Make: 'Acme' }, IFD2: { FNumber: '0/1', FocalLength: '0/1' } }).jpeg().toBuffer();
    expect(await readExif(bytes)).toMatchObject({ fNumber: null, focalLength: null });
  });
});

describe('readExif from other containers', () => {
  it('HEIC (libheif-written, where exifr alone misses the block)', async () => {
    expect(await readExif(await readFile(HEIC_FIXTURE))).toMatchObject({
      cameraMake: 'KanjianTest',
      cameraModel: 'Fixture Cam 1',
      takenAt: '2024-05-06T07:08:09',
    });
  });

  it.each([
    ['webp', (s: Sharp) => s.webp()],
    ['png', (s: Sharp) => s.png()],
    ['avif', (s: Sharp) => s.avif({ effort: 0 })],
  ])('%s', async (_format, encode) => {
    const bytes = await encode(tiny())
      .withExif({ IFD0: { Make: 'Acme', Model: 'A1' }, IFD2: { DateTimeOriginal: '2021:12:31 23:59:59' } })
      .toBuffer();
    expect(await readExif(bytes)).toMatchObject({ cameraMake: 'Acme', cameraModel: 'A1', takenAt: '2021-12-31T23:59:59' });
  });
});

describe('readExif cleans up what cameras write', () => {
  it('trims padding, falls back to the digitised date when the original is unset', async () => {
    const bytes = await tiny()
      .jpeg()
      .withExif({
        IFD0: { Make: '  Acme  ', Model: '   ' },
        IFD2: { DateTimeOriginal: '0000:00:00 00:00:00', DateTimeDigitized: '2019:02:03 04:05:06' },
      })
      .toBuffer();
    expect(await readExif(bytes)).toMatchObject({ cameraMake: 'Acme', cameraModel: null, takenAt: '2019-02-03T04:05:06' });
  });

  it('southern/eastern hemisphere signs', async () => {
    const bytes = await tiny()
      .jpeg()
      .withExif({ IFD3: { GPSLatitudeRef: 'S', GPSLatitude: '33/1 51/1 3100/100', GPSLongitudeRef: 'E', GPSLongitude: '151/1 12/1 4000/100' } })
      .toBuffer();
    const exif = await readExif(bytes);
    expect(exif.lat).toBeCloseTo(-33.858611, 5);
    expect(exif.lon).toBeCloseTo(151.211111, 5);
  });

  it.each([
    ['0,0 (no fix)', '0/1 0/1 0/1', '0/1 0/1 0/1'],
    ['latitude out of range', '95/1 0/1 0/1', '10/1 0/1 0/1'],
    ['longitude out of range', '10/1 0/1 0/1', '190/1 0/1 0/1'],
  ])('rejects nonsense GPS: %s', async (_case, lat, lon) => {
    const bytes = await tiny()
      .jpeg()
      .withExif({ IFD3: { GPSLatitudeRef: 'N', GPSLatitude: lat, GPSLongitudeRef: 'E', GPSLongitude: lon } })
      .toBuffer();
    expect(await readExif(bytes)).toMatchObject({ lat: null, lon: null });
  });

  it('never throws, whatever the bytes', async () => {
    const nulls = { takenAt: null, cameraMake: null, cameraModel: null, lat: null, lon: null, orientation: null, lens: null, fNumber: null, exposureTime: null, iso: null, focalLength: null };
    for (const bytes of [Buffer.alloc(0), Buffer.from('not an image'), Buffer.from([0xff, 0xd8, 0xff, 0xe1, 0x00, 0x10, 0x45, 0x78])]) {
      expect(await readExif(bytes)).toEqual(nulls);
    }
    const real = await readFile(sample('jpg', 'Canon_40D.jpg'));
    await expect(readExif(real.subarray(0, 200))).resolves.toBeTypeOf('object');
  });
});

describe('exifDate', () => {
  it.each([
    ['2008:05:30 15:56:01', '2008-05-30T15:56:01'],
    ['2008-05-30 15:56:01', '2008-05-30T15:56:01'],
    ['2008:05:30T15:56:01', '2008-05-30T15:56:01'],
    ['2008:05:30 15:56:01.123+02:00', '2008-05-30T15:56:01'],
    ['2024:02:29 00:00:00', '2024-02-29T00:00:00'],
  ])('%s → %s', (input, out) => expect(exifDate(input)).toBe(out));

  it.each(['0000:00:00 00:00:00', '    :  :     :  :  ', '2023:02:29 10:00:00', '2008:13:01 10:00:00', '2008:05:30 25:00:00', '', 'yesterday', 12, null])(
    'rejects %s',
    (input) => expect(exifDate(input)).toBeNull(),
  );
});
