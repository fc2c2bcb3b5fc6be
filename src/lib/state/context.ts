// The app state is created once in main.ts and shared with components through context.
import { getContext } from 'svelte';
import type { AppState } from './app.svelte';

const KEY = Symbol('lifecycle-lab');

/** The context map to mount the root component with. */
export function appContext(app: AppState): Map<symbol, AppState> {
  return new Map([[KEY, app]]);
}

export function getApp(): AppState {
  return getContext<AppState>(KEY);
}
