// The Survival forecast chart compiles with Vega-Lite, parses with the Vega
// the page loads (src/lib/charts/vega-lean.js) in AST mode and runs headless
// with the CSP-safe expression interpreter the page uses: one bar per bin of
// the median residual life, from the engine's histogram.
import { compile } from 'vega-lite';
import { describe, expect, it } from 'vitest';
import { expressionInterpreter } from '../../src/lib/charts/vega-interpreter';
import { parse, View } from '../../src/lib/charts/vega-lean';
import { forecastHistogramSpec } from '../../src/lib/charts/forecast';

describe('forecastHistogramSpec', () => {
  it('draws one bar per bin with its range and count in the tooltip', async () => {
    const spec = forecastHistogramSpec(
      { width: 2.5, counts: [3, 0, 7, 1], beyond: 2 },
      { residual: 'Median residual life', customers: 'Customers' },
    );
    const view = new View(parse(compile(spec).spec, undefined, { ast: true }), {
      expr: expressionInterpreter,
      renderer: 'none',
    });
    await view.runAsync();
    const bins = view.data('bins') as { start: number; end: number; count: number }[];
    view.finalize();
    expect(bins.map((b) => [b.start, b.end, b.count])).toEqual([
      [0, 2.5, 3],
      [2.5, 5, 0],
      [5, 7.5, 7],
      [7.5, 10, 1],
    ]);
    expect(JSON.stringify(spec)).toContain('"rangeText":"5 – 7.5"');
  });
});
