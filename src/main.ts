// Page entry: starts the compute worker and mounts the app.
import { mount } from 'svelte';
import App from './App.svelte';
import './app.css';

const worker = new Worker(new URL('./lib/workers/compute.worker.ts', import.meta.url), {
  type: 'module',
  name: 'lifecycle-lab-compute',
});

mount(App, { target: document.getElementById('app')!, props: { worker } });
