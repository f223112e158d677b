// Light/dark theme: follows prefers-color-scheme unless the user picked one (remembered).
export type ThemeChoice = 'system' | 'light' | 'dark';
const STORAGE_KEY = 'kanjian.theme';
const CHOICES: readonly ThemeChoice[] = ['system', 'light', 'dark'];

export class Theme {
  choice = $state<ThemeChoice>('system');
  systemDark = $state(false);
  effective = $derived<'light' | 'dark'>(this.choice === 'system' ? (this.systemDark ? 'dark' : 'light') : this.choice);
  #media: MediaQueryList | null = null;

  constructor() {
    try {
      const v = localStorage.getItem(STORAGE_KEY);
      if (v && (CHOICES as readonly string[]).includes(v)) this.choice = v as ThemeChoice;
    } catch {
      /* default */
    }
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

  set(choice: ThemeChoice) {
    this.choice = choice;
    try {
      localStorage.setItem(STORAGE_KEY, choice);
    } catch {
      /* not remembered */
    }
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
