// Inputs for speed benches and int8 checks on the bench model packages.

import type { ImageTowerSpec } from '../../../main/core/embed/manifest-types.js';
import { rng } from '../../helpers/random.js';

/**
 * Queries as users type them: Chinese, English and mixed, short and long. Tokens do not change
 * a fixed-context graph's speed, but tokenising is part of the query latency users feel.
 */
export const QUERIES: readonly string[] = [
  '海边的日落',
  'sunset at the beach',
  '海边 sunset',
  '猫在沙发上睡觉',
  'a dog playing in the snow',
  '生日蛋糕',
  'birthday cake with candles',
  '红色的汽车停在路边',
  'red car parked on the street',
  '故宫 雪景',
  'receipt from a restaurant',
  '餐厅的收据',
  '孩子们在公园里放风筝',
  'kids flying kites in the park',
  '山顶 日出 云海',
  'mountain sunrise above the clouds',
  '婚礼 wedding',
  '截图',
  'screenshot of a chat',
  '春节 烟花',
  'fireworks over the city at night',
  '一只白色的猫',
  'white cat',
  '西湖 boat',
  '手写的笔记',
  'handwritten notes on paper',
  '火锅',
  'hot pot dinner with friends',
  '地铁站',
  'a crowded subway station during rush hour in Shanghai',
  '去年夏天在青岛海边拍的全家福',
  'family photo',
  '下雨天的街道 rainy street',
  '樱花',
  'cherry blossoms',
  '护照照片',
  'passport photo',
  '咖啡 latte art',
  '老照片 黑白',
  'old black and white photo of my grandparents',
];

/**
 * A preprocessed image tensor [3, size, size]: random pixels in 0..1 normalised with the
 * manifest's mean/std, so values sit in the range a real photo gives.
 */
export function randomImageTensor(size: number, spec: Pick<ImageTowerSpec, 'mean' | 'std'>, seed: number): Float32Array {
  const next = rng(seed);
  const plane = size * size;
  const out = new Float32Array(3 * plane);
  for (let c = 0; c < 3; c++) {
    const m = spec.mean[c];
    const s = spec.std[c];
    for (let i = 0; i < plane; i++) out[c * plane + i] = (next() - m) / s;
  }
  return out;
}
