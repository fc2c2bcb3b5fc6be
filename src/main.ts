// Page entry: starts the compute worker, creates the app state and mounts the UI.
import { mount } from 'svelte';
import App from './App.svelte';
import { loadChartRuntime } from './lib/ui/chartRuntime';
import { AppState } from './lib/state/app.svelte';
import { appContext } from './lib/state/context';
import './app.css';

const worker = new Worker(new URL('./lib/workers/compute.worker.ts', import.meta.url), {
  type: 'module',
  name: 'lifecycle-lab-compute',
});

const app = new AppState(worker);
mount(App, { target: document.getElementById('app')!, context: appContext(app) });
void app.init();
// The chart chunk (Vega, Vega-Lite) downloads while the worker opens the
// notebook, so the first chart does not wait for it; nothing waits for this.
void loadChartRuntime();
