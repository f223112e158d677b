// Scores in replies are rounded to 4 decimals: more digits say nothing and bloat the JSON.
export function round4(x: number): number {
  return Math.round(x * 10000) / 10000;
}
