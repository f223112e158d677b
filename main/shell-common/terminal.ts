// Text for a terminal. File names come from the disk and may hold escape sequences (ESC, CSI …)
// that retitle, clear or rewrite a user's terminal; they are shown as visible `\uXXXX` escapes.
// The same form is a valid escape inside a JSON string, so JSON output stays exact JSON.

// C0 controls except tab and newline, DEL, and the C1 controls (0x9b is a one-byte CSI).
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

export function visible(text: string): string {
  return text.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
