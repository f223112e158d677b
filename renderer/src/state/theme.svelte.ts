// Light/dark theme: follows prefers-color-scheme unless the user picked one (kept in the app
// settings, AppSettings.theme, so it survives restarts).
export type ThemeChoice = 'system' | 'light' | 'dark';

export class Theme {
  choice = $state<ThemeChoice>('system');
  systemDark = $state(false);
  effective = $derived<'light' | 'dark'>(this.choice === 'system' ? (this.systemDark ? 'dark' : 'light') : this.choice);
  #media: MediaQueryList | null = null;

  /** Called when the user picks a theme (the app saves it in the settings). */
  onChoose: ((choice: ThemeChoice) => void) | null = null;

  constructor() {
    if (typeof matchMedia === 'function') {
      this.#media = matchMedia('(prefers-color-scheme: dark)');
      this.systemDark = this.#media.matches;
      this.#media.addEventListener?.('change', this.#onChange);
    }
    this.apply();
  }

  #onChange = (e: MediaQueryListEvent) => {
    this.systemDark = e.matches;
    this.apply();
  };

  /** The user's choice: applied at once, then saved through `onChoose`. */
  set(choice: ThemeChoice) {
    this.show(choice);
    this.onChoose?.(choice);
  }

  /** Applies a theme without saving it (e.g. the one read from the settings). */
  show(choice: ThemeChoice) {
    this.choice = choice;
    this.apply();
  }

  apply() {
    if (typeof document === 'undefined') return;
    document.documentElement.dataset.theme = this.effective;
    document.documentElement.style.colorScheme = this.effective;
  }

  destroy() {
    this.#media?.removeEventListener?.('change', this.#onChange);
  }
}
