// Page entry: starts the compute worker, creates the app state and mounts the UI.
import { mount } from 'svelte';
import App from './App.svelte';
import { loadChartRuntime } from './lib/ui/chartRuntime';
import { preloadComponents } from './lib/cells/components';
import { defaultNotebook } from './lib/notebook/defaults';
import { AppState } from './lib/state/app.svelte';
import { appContext } from './lib/state/context';
import './app.css';

const worker = new Worker(new URL('./lib/workers/compute.worker.ts', import.meta.url), {
  type: 'module',
  name: 'lifecycle-lab-compute',
});

// The training worker (TF.js) starts on the first training job, not now.
const app = new AppState(
  worker,
  () =>
    new Worker(new URL('./lib/workers/training.worker.ts', import.meta.url), {
      type: 'module',
      name: 'lifecycle-lab-training',
    }),
);
mount(App, { target: document.getElementById('app')!, context: appContext(app) });
void app.init();
// The chart chunk (Vega, Vega-Lite) downloads while the worker opens the
// notebook, so the first chart does not wait for it; nothing waits for this.
void loadChartRuntime();
// Likewise the components of the first notebook's cells (each kind is a chunk).
preloadComponents(defaultNotebook([]).cells.map((c) => c.kind));
