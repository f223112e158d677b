// Photos for the first-hour tests, made at test time: a receipt with 发票 on a white and on a red
// card (OCR text), plain colour photos, and one with GPS and exposure EXIF written by sharp.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { writeTextPhoto } from '../ocr/text-photos.js';

export interface FirstHourPhotos {
  redInvoice: string;
  whiteInvoice: string;
  red: string;
  blue: string;
  gps: string;
}

export async function makeFirstHourPhotos(root: string): Promise<FirstHourPhotos> {
  mkdirSync(root, { recursive: true });
  const solid = (file: string, [r, g, b]: [number, number, number]) =>
    (mkdirSync(path.dirname(file), { recursive: true }),
    sharp({ create: { width: 320, height: 240, channels: 3, background: { r, g, b } } }).jpeg().toFile(file).then(() => file));
  const gps = path.join(root, 'trip', 'tuscany.jpg');
  mkdirSync(path.dirname(gps), { recursive: true });
  await sharp({ create: { width: 320, height: 240, channels: 3, background: { r: 40, g: 160, b: 60 } } })
    .withExif({
      IFD0: { Make: 'NIKON', Model: 'COOLPIX P6000' },
      IFD2: { FNumber: '28/10', ExposureTime: '1/250', ISOSpeedRatings: '200', FocalLength: '6/1', LensModel: 'NIKKOR 6-24mm' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '43/1 28/1 0/1', GPSLongitudeRef: 'E', GPSLongitude: '11/1 53/1 0/1' },
    })
    .jpeg()
    .toFile(gps);
  return {
    redInvoice: await writeTextPhoto(path.join(root, 'scans', 'card-a.jpg'), {
      background: [220, 20, 20],
      blocks: [{ lines: ['发票 2024'], x: 60, y: 110, fontSize: 56, colour: '#fff' }],
    }),
    whiteInvoice: await writeTextPhoto(path.join(root, 'scans', 'card-b.jpg'), {
      background: [245, 245, 245],
      blocks: [{ lines: ['发票 2024'], x: 60, y: 110, fontSize: 56 }],
    }),
    red: await solid(path.join(root, 'colours', 'c1.jpg'), [220, 20, 20]),
    blue: await solid(path.join(root, 'colours', 'c2.jpg'), [20, 40, 220]),
    gps,
  };
}
