// The RFM charts compile with Vega-Lite and run headless with the CSP-safe
// interpreter the page uses: the R × F heatmap has a cell per score pair
// with its count (empty cells kept, uncoloured), best R at the top; the
// segment bars hold customers' and revenue's shares per segment, in rule
// order, and only customers' for a log without amounts.
import { compile, type TopLevelSpec } from 'vega-lite';
import { describe, expect, it } from 'vitest';
import { expressionInterpreter } from '../../src/lib/charts/vega-interpreter';
import { parse, View } from '../../src/lib/charts/vega-lean';
import { rfmGridSpec, rfmSegmentsSpec } from '../../src/lib/charts/rfm';

async function rows(spec: TopLevelSpec, name: string): Promise<Record<string, unknown>[]> {
  const view = new View(parse(compile(spec).spec, undefined, { ast: true }), {
    expr: expressionInterpreter,
    renderer: 'none',
  });
  await view.runAsync();
  const out = view.data(name) as Record<string, unknown>[];
  view.finalize();
  return out;
}

const GRID_LABELS = { r: 'R', f: 'F', value: 'Mean M', count: 'Customers' };
const SEGMENT_LABELS = {
  segment: 'Segment',
  share: 'Share',
  customers: 'Customers',
  revenue: 'Revenue',
};
const pct = (v: number) => `${Math.round(v * 100)}%`;

describe('RFM charts', () => {
  // 2 R × 3 F; cell (R 1, F 2) empty.
  const grid = {
    bins: { recency: 2, frequency: 3 },
    count: [4, 0, 1, 2, 3, 5],
    meanMonetary: [10, NaN, 30, 40, 50, 60],
  };

  it('heatmap: every score pair with its count; empty cells uncoloured', async () => {
    const spec = rfmGridSpec(grid, GRID_LABELS, String, (v) => v.toFixed(1));
    const got = (await rows(spec, 'cells')).map((r) => [r.r, r.f, r.countText, r.value]);
    expect(got).toEqual([
      ['1', '1', '4', 10],
      ['1', '2', '0', null],
      ['1', '3', '1', 30],
      ['2', '1', '2', 40],
      ['2', '2', '3', 50],
      ['2', '3', '5', 60],
    ]);
    // Best recency at the top.
    const layer = (spec as { layer: { encoding: { y: { sort: string[] } } }[] }).layer[0];
    expect(layer.encoding.y.sort).toEqual(['2', '1']);
    expect(JSON.stringify(spec)).not.toContain('"expr"');
  });

  it('heatmap without amounts is coloured by the count', async () => {
    const spec = rfmGridSpec({ ...grid, meanMonetary: null }, GRID_LABELS, String, String);
    const got = (await rows(spec, 'cells')).map((r) => r.value);
    expect(got).toEqual([4, null, 1, 2, 3, 5]);
  });

  it('segment bars: customers’ and revenue’s share per segment, in rule order', async () => {
    const input = {
      names: ['Champions', 'Lost', 'Other'],
      customerShare: [0.2, 0.8, 0],
      revenueShare: [0.7, 0.3, 0],
    };
    const got = (await rows(rfmSegmentsSpec(input, SEGMENT_LABELS, pct), 'bars')).map((r) => [
      r.segment,
      r.measure,
      r.text,
    ]);
    expect(got).toEqual([
      ['Champions', 'Customers', '20%'],
      ['Champions', 'Revenue', '70%'],
      ['Lost', 'Customers', '80%'],
      ['Lost', 'Revenue', '30%'],
      ['Other', 'Customers', '0%'],
      ['Other', 'Revenue', '0%'],
    ]);
    const noAmounts = rfmSegmentsSpec({ ...input, revenueShare: null }, SEGMENT_LABELS, pct);
    expect((await rows(noAmounts, 'bars')).map((r) => r.measure)).toEqual([
      'Customers',
      'Customers',
      'Customers',
    ]);
  });
});
