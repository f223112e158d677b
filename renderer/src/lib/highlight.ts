/**
 * Splits `text` into parts, marking where any of `words` occurs (case-insensitive), so a
 * component can wrap the matches in <mark> without building HTML from strings.
 */
export function highlightParts(text: string, words: string[]): { text: string; hit: boolean }[] {
  const wanted = words.filter((w) => w.trim()).map((w) => w.toLowerCase());
  if (!wanted.length || !text) return text ? [{ text, hit: false }] : [];
  const lower = text.toLowerCase();
  const parts: { text: string; hit: boolean }[] = [];
  let i = 0;
  let plain = '';
  while (i < text.length) {
    // The longest word that starts here, so "发票" wins over "发".
    const w = wanted.filter((x) => lower.startsWith(x, i)).sort((a, b) => b.length - a.length)[0];
    if (w) {
      if (plain) parts.push({ text: plain, hit: false });
      plain = '';
      parts.push({ text: text.slice(i, i + w.length), hit: true });
      i += w.length;
    } else {
      plain += text[i];
      i++;
    }
  }
  if (plain) parts.push({ text: plain, hit: false });
  return parts;
}
