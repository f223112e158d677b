// App settings (language, theme, download source): read from the core, which keeps them in its
// data folder, so they survive restarts and do not depend on the page's origin (the browser
// shell's port may change). Kept live by 'settings' events.
import type { AppSettings, KanjianApi, KanjianEvent } from '../api/types.ts';

export class SettingsState {
  value = $state.raw<AppSettings | null>(null);
  /** Why the last save was refused (e.g. settings.badEndpoint), rendered by i18n.error. */
  error = $state.raw<unknown>(null);
  saving = $state(false);

  readonly api: Pick<KanjianApi, 'getSettings' | 'updateSettings'>;
  readonly #onChange: (settings: AppSettings) => void;

  constructor(api: Pick<KanjianApi, 'getSettings' | 'updateSettings'>, onChange: (settings: AppSettings) => void) {
    this.api = api;
    this.#onChange = onChange;
  }

  async load(): Promise<void> {
    try {
      this.#set(await this.api.getSettings());
    } catch {
      /* an older core: the UI keeps its defaults */
    }
  }

  handle(event: KanjianEvent): void {
    if (event.type === 'settings') this.#set(event.settings);
  }

  /** Saves `patch`; true when the core accepted it. */
  async update(patch: Partial<AppSettings>): Promise<boolean> {
    this.saving = true;
    this.error = null;
    try {
      this.#set(await this.api.updateSettings(patch));
      return true;
    } catch (err) {
      this.error = err;
      return false;
    } finally {
      this.saving = false;
    }
  }

  #set(settings: AppSettings) {
    this.value = settings;
    this.#onChange(settings);
  }
}
