// Dates typed by people: "2024-05-01", "2024/5/1", "2024.5.1", "2024年5月1日" → "2024-05-01".
// Year first in both UI languages, so no locale guesses which number is the month.

/** The ISO date (YYYY-MM-DD) a typed date means, or null when it is not a real date. */
export function parseDate(text: string): string | null {
  const m = text.trim().match(/^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$/);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return null;
  return `${m[1]}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}
