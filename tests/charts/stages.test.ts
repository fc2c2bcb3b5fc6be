// The stage charts compile with Vega-Lite and run headless with the CSP-safe
// interpreter the page uses, and hold no expressions: the stacked counts by
// month in the stages' order, the rates without their NaN months, the
// transition heatmap's counts and row shares, and the flow's bands (each as
// wide as its count, stacked within its stages on both sides).
import { compile, type TopLevelSpec } from 'vega-lite';
import { describe, expect, it } from 'vitest';
import { expressionInterpreter } from '../../src/lib/charts/vega-interpreter';
import { parse, View } from '../../src/lib/charts/vega-lean';
import {
  stageCountsSpec,
  stageRatesSpec,
  transitionFlowSpec,
  transitionHeatmapSpec,
} from '../../src/lib/charts/stages';

const LABELS = {
  month: 'Month',
  customers: 'Customers',
  stage: 'Stage',
  rate: 'Rate',
  from: 'Stage on 2024-01-01',
  to: 'Stage on 2024-07-01',
  share: 'Share of the row',
};
const stages = [
  { name: 'New', colour: '#111111' },
  { name: 'Churned', colour: '#222222' },
];
const int = (v: number) => String(v);
const pct = (v: number) => `${Math.round(v * 100)}%`;

async function data(spec: TopLevelSpec, name?: string): Promise<Record<string, unknown>[][]> {
  const view = new View(parse(compile(spec).spec, undefined, { ast: true }), {
    expr: expressionInterpreter,
    renderer: 'none',
  });
  await view.runAsync();
  const names = name ? [name] : ['data_0', 'data_1', 'data_2', 'data_3', 'data_4'];
  const out = names.map((n) => {
    try {
      return view.data(n) as Record<string, unknown>[];
    } catch {
      return [];
    }
  });
  view.finalize();
  return out;
}

describe('stage charts', () => {
  it('stacked counts by month, in the stages’ order', async () => {
    const spec = stageCountsSpec(['2024-01', '2024-02'], stages, [3, 1, 2, 2], LABELS, int);
    const [rows] = await data(spec, 'counts');
    expect(rows.map((r) => [r.month, r.stage, r.count])).toEqual([
      ['2024-01', 'New', 3],
      ['2024-01', 'Churned', 1],
      ['2024-02', 'New', 2],
      ['2024-02', 'Churned', 2],
    ]);
    expect(JSON.stringify(spec)).not.toContain('expr');
  });

  it('rates leave out months without a base', async () => {
    const spec = stageRatesSpec(
      ['2024-01', '2024-02'],
      [{ name: 'churn', colour: '#e45756', rates: [NaN, 0.25] }],
      LABELS,
      pct,
    );
    const [rows] = await data(spec, 'rates');
    expect(rows.map((r) => [r.month, r.rate, r.text])).toEqual([['2024-02', 0.25, '25%']]);
  });

  it('the heatmap writes counts and row shares', async () => {
    const input = { from: stages, to: stages, counts: [3, 1, 0, 4] };
    const spec = transitionHeatmapSpec(input, LABELS, int, pct);
    const [rows] = await data(spec, 'transition');
    expect(rows.map((r) => [r.from, r.to, r.count, r.share, r.text])).toEqual([
      ['New', 'New', 3, 0.75, '3 · 75%'],
      ['New', 'Churned', 1, 0.25, '1 · 25%'],
      ['Churned', 'New', 0, 0, ''],
      ['Churned', 'Churned', 4, 1, '4 · 100%'],
    ]);
    expect(JSON.stringify(spec)).not.toContain('expr');
  });

  it('the flow: bands as wide as their counts, stacked within each side’s stages', () => {
    const input = { from: stages, to: stages, counts: [3, 1, 0, 4] };
    const spec = transitionFlowSpec(input, LABELS, int) as {
      layer: { data: { values: Record<string, number | string>[] } }[];
    };
    expect(JSON.stringify(spec)).not.toContain('expr');
    // 8 customers over 320 px less one 6 px gap on each side: 39.25 px each.
    const u = (320 - 6) / 8;
    const links = spec.layer[0].data.values.map((l) => [l.from, l.to, l.y, l.y2, l.width]);
    expect(links).toEqual([
      ['New', 'New', 1.5 * u, 1.5 * u, 3 * u],
      ['New', 'Churned', 3.5 * u, 3 * u + 6 + 0.5 * u, u],
      ['Churned', 'Churned', 4 * u + 6 + 2 * u, 3 * u + 6 + u + 2 * u, 4 * u],
    ]);
    const nodes = spec.layer[1].data.values.map((n) => [n.side, n.name, n.y, n.y2]);
    expect(nodes).toEqual([
      [0, 'New', 0, 4 * u],
      [0, 'Churned', 4 * u + 6, 8 * u + 6],
      [1, 'New', 0, 3 * u],
      [1, 'Churned', 3 * u + 6, 8 * u + 6],
    ]);
  });

  it('the flow compiles and runs under the interpreter', async () => {
    const spec = transitionFlowSpec(
      { from: stages, to: stages, counts: [3, 1, 0, 4] },
      LABELS,
      int,
    );
    await expect(data(spec)).resolves.toBeDefined();
  });
});
