// Language codes of a model ("zh", "en") as words in the UI's language: "Chinese, English" / "中文、英语".
export function languageList(codes: readonly string[], locale: string): string {
  let names: string[];
  try {
    const dn = new Intl.DisplayNames([locale], { type: 'language' });
    names = codes.map((c) => dn.of(c) ?? c);
  } catch {
    names = [...codes];
  }
  try {
    return new Intl.ListFormat(locale, { style: 'narrow', type: 'conjunction' }).format(names);
  } catch {
    return names.join(', ');
  }
}
