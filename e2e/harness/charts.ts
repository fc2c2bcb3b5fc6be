// Test page for e2e/charts.spec.ts, built by the spec with the app's own Vite
// config (same Vega chunk, same lean runtime, same CSP) and never shipped in
// dist/. It mounts the real VegaView with a training-loss curve fed by a
// ChartStream, the way a training cell would feed one row per epoch.
import { mount } from 'svelte';
import type { TopLevelSpec } from 'vega-lite';
import VegaView from '../../src/lib/ui/VegaView.svelte';
import { ChartStream } from '../../src/lib/charts/stream';
import { translate, type Params } from '../../src/lib/i18n';
import type { MessageKey } from '../../src/lib/i18n/en';
import { appContext } from '../../src/lib/state/context';
import type { AppState } from '../../src/lib/state/app.svelte';

/** One row per epoch: training and validation loss, long (one row per series). */
const spec: TopLevelSpec = {
  $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
  width: 'container',
  height: 240,
  data: { name: 'epochs', values: [] },
  mark: { type: 'line', point: true },
  encoding: {
    x: { field: 'epoch', type: 'quantitative', title: 'Epoch' },
    y: { field: 'loss', type: 'quantitative', title: 'Loss' },
    color: { field: 'series', type: 'nominal', title: 'Series' },
  },
};

const stream = new ChartStream();
let epoch = 0;

function nextEpoch(): object[] {
  epoch += 1;
  const train = 1 / Math.sqrt(epoch) + 0.05;
  return [
    { epoch, series: 'training', loss: train },
    { epoch, series: 'validation', loss: train * 1.1 + 0.02 },
  ];
}

// Rows appended before the chart has rendered are inserted when it does.
stream.append('epochs', nextEpoch());

// VegaView reads only the translations of its actions menu from the app.
const app = { t: (key: MessageKey, params?: Params) => translate('en', key, params) };
mount(VegaView, {
  target: document.getElementById('app')!,
  props: { spec, label: 'Training loss', stream },
  context: appContext(app as unknown as AppState),
});

/** Appends one epoch every `everyMs` until `epochs` more have been appended. */
function grow(epochs: number, everyMs: number): Promise<number> {
  return new Promise((resolve) => {
    let left = epochs;
    const timer = setInterval(() => {
      stream.append('epochs', nextEpoch());
      if (--left === 0) {
        clearInterval(timer);
        resolve(epoch);
      }
    }, everyMs);
  });
}

(window as unknown as { harness: unknown }).harness = { grow };
