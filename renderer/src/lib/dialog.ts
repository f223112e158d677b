// What every modal dialog does: give focus back to where it was when it closes, keep Tab inside.

/** Remembers the focused element; the returned function (an onMount cleanup) focuses it again. */
export function returnFocusLater(): () => void {
  const before = typeof document !== 'undefined' ? (document.activeElement as HTMLElement | null) : null;
  return () => {
    if (before && before !== document.body && document.contains(before)) before.focus({ preventScroll: true });
  };
}

const FOCUSABLE = 'button:not([disabled]), input:not([disabled]), select, [href], [tabindex="0"]';

/** On Tab, wraps focus from the last focusable element of `root` to the first and back. */
export function trapTab(e: KeyboardEvent, root: HTMLElement): void {
  if (e.key !== 'Tab') return;
  const items = [...root.querySelectorAll<HTMLElement>(FOCUSABLE)];
  if (items.length === 0) return;
  const first = items[0];
  const last = items[items.length - 1];
  if (e.shiftKey && (document.activeElement === first || document.activeElement === root)) {
    e.preventDefault();
    last.focus();
  } else if (!e.shiftKey && document.activeElement === last) {
    e.preventDefault();
    first.focus();
  }
}
