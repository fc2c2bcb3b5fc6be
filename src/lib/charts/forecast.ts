// Survival forecast chart. A pure Vega-Lite spec builder (data → spec), run
// anywhere. The page embeds it with vega-interpreter under a CSP without
// 'unsafe-eval', so the spec holds no expressions: the bins are the
// engine's (engine/survival/forecast.ts ResidualHistogram) and tooltip
// texts are formatted into the data.
//
// - forecastHistogramSpec: the distribution of the median residual life,
//   one bar per bin [start, end), from 0 to the 99th percentile.

import type { TopLevelSpec } from 'vega-lite';
import type { ResidualHistogram } from '../engine/survival/forecast';

const HEIGHT = 260;
const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

export interface ForecastHistogramLabels {
  residual: string;
  customers: string;
}

/** A number as a tooltip prints it by default: up to 4 significant digits. */
const short = (v: number) => String(Number(v.toPrecision(4)));

export function forecastHistogramSpec(
  histogram: ResidualHistogram,
  labels: ForecastHistogramLabels,
  format: (v: number) => string = short,
  formatCount: (v: number) => string = String,
): TopLevelSpec {
  const bars = histogram.counts.map((count, k) => {
    const start = k * histogram.width;
    const end = (k + 1) * histogram.width;
    return {
      start,
      end,
      count,
      rangeText: `${format(start)} – ${format(end)}`,
      countText: formatCount(count),
    };
  });
  return {
    $schema: SCHEMA,
    width: 'container',
    height: HEIGHT,
    data: { name: 'bins', values: bars, format: { parse: null } },
    mark: { type: 'bar', color: '#4c78a8', aria: false, invalid: 'filter' },
    encoding: {
      // Binned already (by the engine): Vega-Lite draws [start, end) bars from 0 up to the count.
      x: {
        field: 'start',
        type: 'quantitative',
        bin: { binned: true, step: histogram.width },
        title: labels.residual,
      },
      x2: { field: 'end' },
      y: { field: 'count', type: 'quantitative', title: labels.customers },
      tooltip: [
        { field: 'rangeText', type: 'nominal', title: labels.residual },
        { field: 'countText', type: 'nominal', title: labels.customers },
      ],
    },
  };
}
