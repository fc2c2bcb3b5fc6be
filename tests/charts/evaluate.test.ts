// The evaluation charts compile with Vega-Lite, parse with Vega in AST mode
// (as the page runs them under vega-interpreter) and run headless with one
// row per point they were given, plus their reference lines.
import { describe, expect, it } from 'vitest';
import { parse, View } from 'vega';
import { expressionInterpreter } from 'vega-interpreter';
import { compile, type TopLevelSpec } from 'vega-lite';
import {
  calibrationSpec,
  gainsSpec,
  liftSpec,
  precisionRecallSpec,
  profitSpec,
  rocSpec,
  type EvaluationChartLabels,
} from '../../src/lib/charts/evaluate';

const labels: EvaluationChartLabels = {
  model: 'Model',
  fpr: 'FPR',
  tpr: 'TPR',
  recall: 'Recall',
  precision: 'Precision',
  contacted: 'Contacted',
  captured: 'Captured',
  decile: 'Decile',
  lift: 'Lift',
  predicted: 'Predicted',
  observed: 'Observed',
  profit: 'Profit',
  random: 'Random',
  perfect: 'Perfect',
  best: 'Best',
};

/** Every dataset's rows of the compiled spec after a headless run. */
async function rows(spec: TopLevelSpec): Promise<Record<string, unknown>[][]> {
  const vg = compile(spec).spec;
  const view = new View(parse(vg, undefined, { ast: true }), {
    expr: expressionInterpreter,
    renderer: 'none',
  });
  await view.runAsync();
  const names = ['reference', 'curves', 'bars', 'best'].filter((n) =>
    (vg.data ?? []).some((d) => d.name === n),
  );
  const out = names.map((n) => view.data(n) as Record<string, unknown>[]);
  view.finalize();
  return out;
}

const two = [
  { model: 'A', fpr: [0, 0.2, 1], tpr: [0, 0.7, 1] },
  { model: 'B', fpr: [0, 0.5, 1], tpr: [0, 0.6, 1] },
];

describe('evaluation charts', () => {
  it('ROC: one line per model and the chance diagonal', async () => {
    const data = await rows(rocSpec(two, labels));
    const flat = data.flat();
    expect(flat.filter((r) => r.series === 'A')).toHaveLength(3);
    expect(flat.filter((r) => r.series === 'B')).toHaveLength(3);
    expect(flat.filter((r) => r.series === 'Random')).toEqual([
      expect.objectContaining({ x: 0, y: 0 }),
      expect.objectContaining({ x: 1, y: 1 }),
    ]);
  });

  it('precision–recall, gains, lift, calibration and profit run with their data', async () => {
    const pr = (
      await rows(
        precisionRecallSpec([{ model: 'A', recall: [0, 1], precision: [1, 0.3] }], 0.3, labels),
      )
    ).flat();
    expect(pr.filter((r) => r.series === 'Random').map((r) => r.y)).toEqual([0.3, 0.3]);

    const gains = (
      await rows(gainsSpec([{ model: 'A', contacted: [0.5, 1], captured: [0.8, 1] }], 0.25, labels))
    ).flat();
    // The perfect line captures everyone once the base rate is contacted.
    expect(gains.filter((r) => r.series === 'Perfect').map((r) => [r.x, r.y])).toEqual([
      [0, 0],
      [0.25, 1],
      [1, 1],
    ]);
    expect(gains.filter((r) => r.series === 'A').map((r) => r.x)).toEqual([0, 0.5, 1]);

    const lift = (await rows(liftSpec([{ model: 'A', lift: [3, 2, 1, 0.5] }], labels))).flat();
    expect(lift.filter((r) => r.model === 'A').map((r) => r.decile)).toEqual([1, 2, 3, 4]);

    const calibration = (
      await rows(
        calibrationSpec(
          [{ model: 'A', bins: [{ predicted: 0.1, observed: 0.12, count: 40 }] }],
          labels,
        ),
      )
    ).flat();
    expect(calibration.find((r) => r.series === 'A')).toMatchObject({ x: 0.1, y: 0.12, count: 40 });

    const profit = (
      await rows(
        profitSpec(
          { contacted: [0, 0.5, 1], profit: [0, 40, -10] },
          { contacted: 0.5, profit: 40 },
          labels,
        ),
      )
    ).flat();
    expect(profit.filter((r) => r.label === 'Best')).toEqual([
      expect.objectContaining({ contacted: 0.5, profit: 40 }),
    ]);
  });
});
