// The app state is created once in App.svelte and shared through context.
import { getContext, setContext } from 'svelte';
import type { AppState } from './app.svelte';

const KEY = Symbol('lifecycle-lab');

export function setApp(app: AppState): AppState {
  return setContext(KEY, app);
}

export function getApp(): AppState {
  return getContext<AppState>(KEY);
}
