// The OCR bench set (bench:ocr, bench:ocr-gate): real camera photos (test/fixtures/photos) with
// Chinese and English text rendered into them — signs, receipts, screenshots; plain, rotated,
// blurred or small — plus the same kind of photos without text. Made once into a cache folder.
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { EXIF_SAMPLES } from '../../helpers/cli.js';
import { rng } from '../../helpers/random.js';
import { writeTextPhoto, type TextBlock } from '../../integration/ocr/text-photos.js';
export const W = 1600;
export const H = 1200;

export type Kind = 'sign' | 'receipt' | 'screenshot';
export type Variant = 'plain' | 'rotated' | 'blurred' | 'small';

export const TEMPLATES: { kind: Kind; lines: string[] }[] = [
  { kind: 'sign', lines: ['出口 EXIT'] },
  { kind: 'sign', lines: ['停车场', 'PARKING'] },
  { kind: 'sign', lines: ['北京西站'] },
  { kind: 'sign', lines: ['欢迎光临', 'WELCOME'] },
  { kind: 'sign', lines: ['禁止吸烟', 'NO SMOKING'] },
  { kind: 'sign', lines: ['地铁 Metro 2号线'] },
  { kind: 'sign', lines: ['咖啡 Coffee'] },
  { kind: 'sign', lines: ['药店 Pharmacy'] },
  { kind: 'sign', lines: ['图书馆 Library'] },
  { kind: 'sign', lines: ['火锅 Hot Pot'] },
  { kind: 'sign', lines: ['机场 Airport'] },
  { kind: 'sign', lines: ['中国银行 Bank of China'] },
  { kind: 'receipt', lines: ['上海便利店', '发票 2024-08-15', '牛奶 12.50', '面包 8.00', '合计 20.50', 'RECEIPT No. 0815'] },
  { kind: 'receipt', lines: ['Corner Cafe', 'Latte 4.50', 'Muffin 3.20', 'TOTAL 7.70', '谢谢惠顾'] },
  { kind: 'receipt', lines: ['北京烤鸭店', '烤鸭 198.00', '啤酒 24.00', '合计 222.00', 'INVOICE 2023'] },
  { kind: 'receipt', lines: ['SUPERMARKET', 'Apples 3.99', 'Bread 2.49', 'Milk 1.29', 'Total 7.77', '收据'] },
  { kind: 'receipt', lines: ['出租车 发票', '上车 08:15', '下车 08:47', '里程 12.3公里', '金额 45.00'] },
  { kind: 'receipt', lines: ['HOTEL RECEIPT', 'Room 2 nights', 'Breakfast included', 'Amount 880.00', '酒店 住宿'] },
  { kind: 'screenshot', lines: ['微信', '明天下午三点开会', 'OK see you at 3pm', '记得带上合同'] },
  { kind: 'screenshot', lines: ['Settings', 'Wi-Fi', 'Bluetooth', '蓝牙 已开启'] },
  { kind: 'screenshot', lines: ['天气预报', '上海 晴 28度', 'Tomorrow: Rain', '明天 小雨'] },
  { kind: 'screenshot', lines: ['Boarding Pass', 'Flight CA1234', '北京 到 上海', 'Gate 15 Seat 32A'] },
  { kind: 'screenshot', lines: ['日程 Calendar', '周一 项目评审', 'Tuesday Dentist', '周三 生日聚会'] },
  { kind: 'screenshot', lines: ['Order confirmed', '订单已确认', 'Delivery Friday', '快递 顺丰'] },
];

/** Word queries for recall@10: Chinese and English words that appear on one or more photos. */
export const QUERIES = [
  '发票', '合计', '收据', '出口', '停车场', '欢迎光临', '地铁', '咖啡', '机场', '银行', '烤鸭', '牛奶', '酒店', '天气', '快递', '合同',
  '图书馆', '火锅', '药店', '蓝牙',
  'receipt', 'total', 'exit', 'parking', 'welcome', 'metro', 'coffee', 'airport', 'bank', 'invoice', 'hotel', 'rain', 'delivery',
  'flight', 'calendar', 'settings', 'library', 'pharmacy', 'supermarket', 'latte',
];

const VARIANTS: Variant[] = ['plain', 'rotated', 'blurred', 'small'];
const PLATES = ['#1d5fa8', '#2e7d32', '#b71c1c', '#f9a825', '#37474f', '#ffffff'];

export interface Item {
  file: string;
  kind: Kind | 'none';
  variant: Variant | 'none';
  lines: string[];
}


function basePhotos(): string[] {
  const out: string[] = [];
  for (const dir of ['jpg', 'jpg/gps', 'jpg/mobile', 'jpg/exif-org']) {
    const abs = path.join(EXIF_SAMPLES, dir);
    if (!existsSync(abs)) continue;
    for (const f of readdirSync(abs).sort()) if (/\.jpe?g$/i.test(f)) out.push(path.join(abs, f));
  }
  return out;
}

/** The bench set: every template twice on different photos with different variants, plus photos without text. */
export async function makeSet(dir: string): Promise<Item[]> {
  const r = rng(7);
  const bases = basePhotos();
  if (bases.length < 20) throw new Error(`EXIF samples not found under ${EXIF_SAMPLES}`);
  mkdirSync(dir, { recursive: true });
  const items: Item[] = [];
  let n = 0;
  for (let copy = 0; copy < 2; copy++) {
    for (const [t, tpl] of TEMPLATES.entries()) {
      const variant = VARIANTS[(t + copy * 2) % VARIANTS.length];
      const base = bases[(t * 2 + copy * 7) % bases.length];
      const small = variant === 'small';
      const fontSize = tpl.kind === 'sign' ? (small ? 26 : 84) : small ? 18 : 40;
      const plate = tpl.kind === 'sign' ? PLATES[Math.floor(r() * PLATES.length)] : tpl.kind === 'receipt' ? '#f7f5ef' : '#f2f4f7';
      const colour = plate === '#ffffff' || plate === '#f9a825' || tpl.kind !== 'sign' ? '#1a1a1a' : '#ffffff';
      const lineH = fontSize * 1.4;
      const estW = Math.max(...tpl.lines.map((l) => [...l].reduce((w, ch) => w + (/[\u0000-\u00ff]/.test(ch) ? 0.6 : 1), 0))) * fontSize + fontSize;
      const estH = lineH * tpl.lines.length + fontSize;
      const block: TextBlock = {
        lines: tpl.lines,
        x: Math.round(60 + r() * Math.max(0, W - estW - 120)),
        y: Math.round(60 + r() * Math.max(0, H - estH - 120)),
        fontSize,
        colour,
        plate,
        weight: tpl.kind === 'sign' ? 'bold' : 'normal',
        rotate: variant === 'rotated' ? (r() < 0.5 ? -1 : 1) * (7 + Math.round(r() * 6)) : 0,
      };
      const file = path.join(dir, `photo-${String(++n).padStart(3, '0')}.jpg`);
      if (!existsSync(file)) {
        await writeTextPhoto(file, { width: W, height: H, background: { photo: base }, blocks: [block], blur: variant === 'blurred' ? 1.6 : undefined, quality: 88 });
      }
      items.push({ file, kind: tpl.kind, variant, lines: tpl.lines });
    }
  }
  // Photos without text, as most of a library is.
  for (let i = 0; i < 16; i++) {
    const file = path.join(dir, `photo-${String(++n).padStart(3, '0')}.jpg`);
    if (!existsSync(file)) await writeTextPhoto(file, { width: W, height: H, background: { photo: bases[(i * 3 + 1) % bases.length] }, blocks: [], quality: 88 });
    items.push({ file, kind: 'none', variant: 'none', lines: [] });
  }
  return items;
}
