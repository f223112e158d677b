// Modal focus: move focus into a dialog while it is open, and give it back to whatever had it
// before (when that is still on the page) once it closes.
export function holdFocus(el: HTMLElement): () => void {
  const before = document.activeElement as HTMLElement | null;
  el.focus();
  return () => {
    if (before && document.contains(before)) before.focus();
  };
}
