import { getContext, setContext } from 'svelte';
import type { KanjianClient } from '../api/types.ts';
import type { I18n } from '../i18n/i18n.svelte.ts';

const KEY = Symbol('kanjian');

/** What every component may reach: the shell's client and the UI language. */
export interface AppContext {
  client: KanjianClient;
  i18n: I18n;
}

export function provideApp(ctx: AppContext): AppContext {
  return setContext(KEY, ctx);
}

export function useApp(): AppContext {
  const ctx = getContext<AppContext | undefined>(KEY);
  if (!ctx) throw new Error('useApp() outside <App>');
  return ctx;
}

/** For tests that render one component: the context map @testing-library/svelte accepts. */
export function appContextMap(ctx: AppContext): Map<unknown, unknown> {
  return new Map([[KEY, ctx]]);
}
