// The profile sparkline specs compile with Vega-Lite, parse with Vega (AST
// mode, as the app runs them under vega-interpreter) and run headless.
import { describe, expect, it } from 'vitest';
import { parse, View } from 'vega';
import { expressionInterpreter } from 'vega-interpreter';
import { compile, type TopLevelSpec } from 'vega-lite';
import { histogramSpec, profileChartSpec, topValuesSpec } from '../../src/lib/charts/profile';
import { profileColumn, type ColumnProfile } from '../../src/lib/engine/data/profile';
import type { Column } from '../../src/lib/engine/data/table';

async function run(spec: TopLevelSpec) {
  const vg = compile(spec).spec;
  const view = new View(parse(vg, undefined, { ast: true }), {
    expr: expressionInterpreter,
    renderer: 'none',
  });
  await view.runAsync();
  return { vg, view };
}

const numbers = (type: 'decimal' | 'date', values: number[]): Column => ({
  kind: 'number',
  name: 'x',
  type,
  values: Float64Array.from(values),
});

interface SceneItem {
  marktype?: string;
  height?: number;
  items?: SceneItem[];
}

/** The items of every rect mark in a rendered scenegraph. */
function rectItems(node: SceneItem): SceneItem[] {
  if (node.marktype === 'rect') return node.items ?? [];
  return (node.items ?? []).flatMap(rectItems);
}

describe('histogramSpec', () => {
  it('runs with one row per bin and formatted tooltip edges', async () => {
    const profile = profileColumn(numbers('decimal', [0, 0.1, 0.2, 0.3, 1, 1]), 6);
    const spec = histogramSpec(profile)!;
    const { view } = await run(spec);
    const rows = view.data('bins');
    expect(rows).toHaveLength(profile.histogram!.length);
    expect(rows.reduce((a: number, r: { count: number }) => a + r.count, 0)).toBe(6);
    expect(rows[0]).toMatchObject({ x0: 0, x1: 0.05, from: '0', to: '0.05', count: 1 });
    expect(spec).toMatchObject({ width: 160, height: 60, mark: { type: 'rect', tooltip: true } });
    // Each bin is drawn from 0 up to its count: the tallest fills the plot.
    const heights = rectItems((view.scenegraph() as unknown as { root: SceneItem }).root).map(
      (item) => item.height ?? 0,
    );
    const counts = profile.histogram!.map((b) => b.count);
    const top = Math.max(...counts);
    expect(heights).toHaveLength(counts.length);
    heights.forEach((h, i) => expect(h).toBeCloseTo((60 * counts[i]) / top, 6));
    view.finalize();
  });

  it('puts dates on a UTC time scale with ISO tooltip dates', async () => {
    const days = ['2024-01-15', '2024-02-01', '2024-03-31', '2024-12-31'].map((d) => Date.parse(d));
    const spec = histogramSpec(profileColumn(numbers('date', days), 4))!;
    const { vg, view } = await run(spec);
    expect(vg.scales?.find((s) => s.name === 'x')?.type).toBe('utc');
    expect(view.data('bins')[0]).toMatchObject({ from: '2024-01-01', to: '2024-02-01', count: 1 });
    view.finalize();
  });

  it('is null without a histogram', () => {
    const profile: ColumnProfile = {
      name: 's',
      type: 'text',
      count: 0,
      missing: 0,
      missingPct: 0,
      distinct: 0,
    };
    expect(histogramSpec(profile)).toBeNull();
    expect(topValuesSpec(profile)).toBeNull();
  });
});

describe('topValuesSpec', () => {
  it('draws nothing for an identifier whose values all occur once', () => {
    const column: Column = {
      kind: 'string',
      name: 'policy_id',
      type: 'identifier',
      codes: Int32Array.from([0, 1, 2]),
      dictionary: ['P1', 'P2', 'P3'],
    };
    expect(topValuesSpec(profileColumn(column, 3))).toBeNull();
  });

  it('runs with one bar per value, in the profile order', async () => {
    const column: Column = {
      kind: 'string',
      name: 'plan',
      type: 'categorical',
      codes: Int32Array.from([0, 1, 1, 2, 2, 2, -1]),
      dictionary: ['basic', 'plus', 'gold'],
    };
    const profile = profileColumn(column, 7);
    const { view } = await run(topValuesSpec(profile)!);
    const rows = view.data('top');
    expect(rows.map((r: { value: string; count: number }) => [r.value, r.count])).toEqual([
      ['gold', 3],
      ['plus', 2],
      ['basic', 1],
    ]);
    view.finalize();
  });
});

describe('profileChartSpec', () => {
  it('draws a 0/1 integer column (a flag) as two bars, not a histogram', async () => {
    const exited: Column = {
      kind: 'number',
      name: 'Exited',
      type: 'integer',
      values: Float64Array.from([0, 0, 0, 1, NaN, 0, 1]),
    };
    const profile = profileColumn(exited, 7);
    expect(histogramSpec(profile)).toBeNull();
    const spec = profileChartSpec(profile)!;
    expect(spec).toMatchObject({ mark: { type: 'bar' } });
    const { view } = await run(spec);
    expect(
      view.data('top').map((r: { value: string; count: number }) => [r.value, r.count]),
    ).toEqual([
      ['0', 4],
      ['1', 2],
    ]);
    view.finalize();
  });

  it('draws other numbers as a histogram and strings as bars', () => {
    expect(profileChartSpec(profileColumn(numbers('decimal', [0, 0.5, 2]), 3))).toMatchObject({
      mark: { type: 'rect' },
    });
    const plan: Column = {
      kind: 'string',
      name: 'plan',
      type: 'categorical',
      codes: Int32Array.from([0, 0, 1]),
      dictionary: ['basic', 'gold'],
    };
    expect(profileChartSpec(profileColumn(plan, 3))).toMatchObject({ mark: { type: 'bar' } });
  });
});
