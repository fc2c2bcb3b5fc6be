// The training charts compile with Vega-Lite, parse with Vega in AST mode
// (as the page runs them under vega-interpreter) and take the rows the
// Network cell streams into their named datasets.
import { describe, expect, it } from 'vitest';
import { parse, View } from 'vega';
import { expressionInterpreter } from 'vega-interpreter';
import { compile, type TopLevelSpec } from 'vega-lite';
import {
  coefficientPathSpec,
  trainingCurvesSpec,
  type TrainingChartLabels,
} from '../../src/lib/charts/training';

const labels: TrainingChartLabels = {
  epoch: 'Epoch',
  loss: 'Loss',
  auc: 'AUC',
  series: 'Rows',
  batch: 'Batch loss',
  coefficient: 'Coefficient',
  value: 'Value',
};

/** A headless view of the spec with `rows` inserted into its named datasets, as the page's stream does. */
async function view(spec: TopLevelSpec, rows: Record<string, object[]>): Promise<View> {
  const vg = compile(spec).spec;
  const v = new View(parse(vg, undefined, { ast: true }), {
    expr: expressionInterpreter,
    renderer: 'none',
  });
  for (const [name, values] of Object.entries(rows)) v.insert(name, values);
  await v.runAsync();
  return v;
}

describe('training charts', () => {
  it('the loss and AUC curves take one row per series and epoch', async () => {
    const spec = trainingCurvesSpec(labels, { batches: false });
    const loss = [
      { epoch: 1, series: 'train', value: 0.7 },
      { epoch: 1, series: 'validation', value: 0.72 },
      { epoch: 2, series: 'train', value: 0.6 },
    ];
    const v = await view(spec, { loss, auc: [{ epoch: 1, series: 'train', value: 0.7 }] });
    expect(v.data('loss')).toHaveLength(3);
    expect(v.data('auc')).toHaveLength(1);
    v.finalize();
    // Without batches there is no batch dataset to feed.
    expect(JSON.stringify(compile(spec).spec)).not.toContain('"batches"');
  });

  it('the batch curve appears when asked for', async () => {
    const v = await view(trainingCurvesSpec(labels, { batches: true }), {
      batches: [
        { step: 0.5, loss: 0.8 },
        { step: 1, loss: 0.7 },
      ],
    });
    expect(v.data('batches')).toHaveLength(2);
    v.finalize();
  });

  it('the coefficient path draws its targets and takes a row per coefficient and epoch', async () => {
    const spec = coefficientPathSpec(labels, [
      { coefficient: 'Intercept', value: -1 },
      { coefficient: 'age', value: 0.4 },
    ]);
    const v = await view(spec, {
      coefficients: [
        { epoch: 1, coefficient: 'Intercept', value: -0.2 },
        { epoch: 1, coefficient: 'age', value: 0.1 },
      ],
    });
    expect(v.data('coefficients')).toHaveLength(2);
    const targets = (compile(spec).spec.data ?? []).find((d) =>
      JSON.stringify(d).includes('Intercept'),
    );
    expect(targets).toBeDefined();
    v.finalize();
  });
});
