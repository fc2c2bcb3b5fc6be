// The competing risks chart compiles with Vega-Lite, parses with the Vega the
// page loads (src/lib/charts/vega-lean.js) in AST mode and runs headless with
// the CSP-safe expression interpreter the page uses: each cumulative
// incidence from 0 with its steps and its flat end at the longest follow-up,
// and the naive 1 − KM dashed beside it.
import { compile } from 'vega-lite';
import { describe, expect, it } from 'vitest';
import { expressionInterpreter } from '../../src/lib/charts/vega-interpreter';
import { parse, View } from '../../src/lib/charts/vega-lean';
import { competingSpec, type CompetingChartInput } from '../../src/lib/charts/competing';

const LABELS = {
  time: 'Quarters',
  incidence: 'Cumulative incidence',
  curve: 'Cause',
  estimator: 'Estimate',
  cif: 'Cumulative incidence (Aalen–Johansen)',
  naive: '1 − Kaplan–Meier',
};

const input: CompetingChartInput = {
  curves: [
    { name: 'surrender', time: [1, 2, 4], estimate: [0.1, 0.25, 0.4], maxTime: 6 },
    { name: 'death', time: [3], estimate: [0.05], maxTime: 6 },
  ],
  naive: [
    {
      name: 'surrender',
      time: [1, 2, 3, 4, 6],
      estimate: [0.1, 0.25, 0.25, 0.45, 0.45],
      maxTime: 6,
    },
  ],
};

async function run(): Promise<Record<string, unknown>[]> {
  const vg = compile(competingSpec(input, LABELS)).spec;
  const view = new View(parse(vg, undefined, { ast: true }), {
    expr: expressionInterpreter,
    renderer: 'none',
  });
  await view.runAsync();
  const rows = view.data('curves') as Record<string, unknown>[];
  view.finalize();
  return rows;
}

describe('competing risks chart', () => {
  it('compiles and runs with each cause’s cumulative incidence and the dashed 1 − KM', async () => {
    const rows = await run();
    const of = (series: string, estimator: string) =>
      rows
        .filter((r) => r.series === series && r.estimator === estimator)
        .map((r) => [r.time, r.estimate]);
    expect(of('surrender', LABELS.cif)).toEqual([
      [0, 0],
      [1, 0.1],
      [2, 0.25],
      [4, 0.4],
      [6, 0.4],
    ]);
    expect(of('death', LABELS.cif)).toEqual([
      [0, 0],
      [3, 0.05],
      [6, 0.05],
    ]);
    // Steps that do not move the curve are dropped, its last time kept.
    expect(of('surrender', LABELS.naive)).toEqual([
      [0, 0],
      [1, 0.1],
      [2, 0.25],
      [4, 0.45],
      [6, 0.45],
    ]);
  });

  it('holds no expression of its own, dashes the naive curves and formats tooltips', () => {
    const spec = competingSpec(input, LABELS, (v) => `<${v}>`);
    const text = JSON.stringify(spec);
    expect(text).not.toContain('expr');
    expect(text).toContain('"estimateText":"<0.25>"');
    const legends = compile(spec).spec.legends ?? [];
    expect(legends.map((l) => l.title)).toEqual(expect.arrayContaining(['Cause', 'Estimate']));
  });
});
