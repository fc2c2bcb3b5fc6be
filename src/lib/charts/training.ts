// Charts of a network's training, as Vega-Lite specs that grow while it
// trains: the loss and the AUC per epoch on training and validation rows,
// the training loss every few batches, and, for a logistic regression trained
// by gradient descent, its coefficients per epoch beside the exact (IRLS)
// values as dashed lines. Pure spec builders; the page feeds their named
// datasets through a ChartStream (./stream.ts), one row per series and epoch:
//   loss, auc      { epoch, series, value }
//   batches        { step, loss }
//   coefficients   { epoch, coefficient, value }
// and `targets` ({ coefficient, value }) is given when the spec is built.
// No expressions (the page embeds through vega-interpreter).

import type { TopLevelSpec } from 'vega-lite';

/** Axis and legend titles, already translated by the caller. */
export interface TrainingChartLabels {
  epoch: string;
  loss: string;
  auc: string;
  series: string;
  batch: string;
  coefficient: string;
  value: string;
}

const WIDTH = 260;
const HEIGHT = 180;
const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

function curve(dataset: string, y: string, labels: TrainingChartLabels) {
  return {
    width: WIDTH,
    height: HEIGHT,
    data: { name: dataset },
    mark: { type: 'line' as const, point: false },
    encoding: {
      x: { field: 'epoch', type: 'quantitative' as const, title: labels.epoch },
      y: { field: 'value', type: 'quantitative' as const, title: y, scale: { zero: false } },
      color: { field: 'series', type: 'nominal' as const, title: labels.series },
      tooltip: [
        { field: 'series', type: 'nominal' as const, title: labels.series },
        { field: 'epoch', type: 'quantitative' as const, title: labels.epoch },
        { field: 'value', type: 'quantitative' as const, title: y, format: '.4f' },
      ],
    },
  };
}

/** Loss and AUC per epoch, side by side; with `batches`, the training loss every few batches too. */
export function trainingCurvesSpec(
  labels: TrainingChartLabels,
  options: { batches: boolean },
): TopLevelSpec {
  const charts: object[] = [curve('loss', labels.loss, labels), curve('auc', labels.auc, labels)];
  if (options.batches)
    charts.push({
      width: WIDTH,
      height: HEIGHT,
      data: { name: 'batches' },
      mark: { type: 'line', strokeWidth: 1 },
      encoding: {
        x: { field: 'step', type: 'quantitative', title: labels.epoch },
        y: { field: 'loss', type: 'quantitative', title: labels.batch, scale: { zero: false } },
      },
    });
  return {
    $schema: SCHEMA,
    // The data arrive after the first render: the layout is recomputed as
    // they grow, or the axis labels and the legend would be clipped.
    autosize: { type: 'pad', resize: true },
    hconcat: charts,
    resolve: { scale: { color: 'shared' } },
    config: { legend: { orient: 'bottom' } },
  } as TopLevelSpec;
}

/** A gradient-descent logistic model's coefficients per epoch, and the IRLS values they converge to (dashed). */
export function coefficientPathSpec(
  labels: TrainingChartLabels,
  targets: { coefficient: string; value: number }[],
): TopLevelSpec {
  const color = { field: 'coefficient', type: 'nominal' as const, title: labels.coefficient };
  return {
    $schema: SCHEMA,
    autosize: { type: 'pad', resize: true },
    width: WIDTH * 2,
    height: HEIGHT * 1.5,
    layer: [
      {
        data: { values: targets },
        mark: { type: 'rule', strokeDash: [4, 4], strokeWidth: 1 },
        encoding: { y: { field: 'value', type: 'quantitative' }, color },
      },
      {
        data: { name: 'coefficients' },
        mark: { type: 'line' },
        encoding: {
          x: { field: 'epoch', type: 'quantitative', title: labels.epoch },
          y: { field: 'value', type: 'quantitative', title: labels.value },
          color,
          tooltip: [
            { field: 'coefficient', type: 'nominal', title: labels.coefficient },
            { field: 'epoch', type: 'quantitative', title: labels.epoch },
            { field: 'value', type: 'quantitative', title: labels.value, format: '.4f' },
          ],
        },
      },
    ],
  } as TopLevelSpec;
}
