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
  // While saves are on their way, echoes of older ones (events, answers) must not undo the
  // user's newer choice: only the answer to the last save is applied.
  #inFlight = 0;
  // After a save, its own event may trail older ones on the event stream: until the event that
  // matches the saved settings arrives (or a moment passes), other events are stale echoes.
  #awaiting: { json: string; until: number } | null = null;

  constructor(api: Pick<KanjianApi, 'getSettings' | 'updateSettings'>, onChange: (settings: AppSettings) => void) {
    this.api = api;
    this.#onChange = onChange;
  }

  async load(): Promise<void> {
    try {
      const loaded = await this.api.getSettings();
      if (this.#inFlight === 0) this.#set(loaded);
    } catch {
      /* an older core: the UI keeps its defaults */
    }
  }

  handle(event: KanjianEvent): void {
    if (event.type !== 'settings' || this.#inFlight > 0) return;
    const awaiting = this.#awaiting;
    if (awaiting && Date.now() < awaiting.until) {
      if (JSON.stringify(event.settings) === awaiting.json) this.#awaiting = null;
      return;
    }
    this.#awaiting = null;
    this.#set(event.settings);
  }

  // Saves go one at a time: two at once would each read the old file and the later write would
  // undo the earlier (language, then theme, chosen in quick succession).
  #queue: Promise<unknown> = Promise.resolve();

  /** Saves `patch` (after any save still running); true when the core accepted it. */
  update(patch: Partial<AppSettings>): Promise<boolean> {
    this.#inFlight++;
    const run = this.#queue.then(() => this.#save(patch));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #save(patch: Partial<AppSettings>): Promise<boolean> {
    this.saving = true;
    this.error = null;
    try {
      const saved = await this.api.updateSettings(patch);
      if (this.#inFlight === 1) {
        this.#awaiting = { json: JSON.stringify(saved), until: Date.now() + 3000 };
        this.#set(saved);
      }
      return true;
    } catch (err) {
      this.error = err;
      return false;
    } finally {
      this.#inFlight--;
      this.saving = this.#inFlight > 0;
    }
  }

  #set(settings: AppSettings) {
    this.value = settings;
    this.#onChange(settings);
  }
}
