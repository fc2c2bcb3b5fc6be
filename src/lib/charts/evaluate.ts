// Charts of a model evaluation, as Vega-Lite specs: ROC curves (one per
// model, with the chance diagonal), precision–recall curves (with the base
// rate), cumulative gains by share contacted (with the random and perfect
// lines), lift by decile, calibration (observed against predicted, with the
// diagonal) and expected profit by share contacted (the best point marked).
// Pure spec builders (arrays → spec); run anywhere. The page embeds them with
// vega-interpreter (CSP without 'unsafe-eval'), so the specs use no
// expressions; curves arrive thinned by the engine (a few hundred points).

import type { TopLevelSpec } from 'vega-lite';

/** Axis and legend titles, already translated by the caller. */
export interface EvaluationChartLabels {
  model: string;
  fpr: string;
  tpr: string;
  recall: string;
  precision: string;
  contacted: string;
  captured: string;
  decile: string;
  lift: string;
  predicted: string;
  observed: string;
  profit: string;
  random: string;
  perfect: string;
  best: string;
}

const SIZE = 280;

/** The lines' shared encoding: one colour per series, a legend titled `legend`. */
function lines(
  rows: { series: string; x: number; y: number }[],
  x: string,
  y: string,
  legend: string,
  reference: { series: string; x: number; y: number }[],
  options: {
    interpolate?: 'linear' | 'step-after';
    point?: boolean;
    xFormat?: string;
    yFormat?: string;
  } = {},
): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: SIZE,
    height: SIZE,
    layer: [
      {
        data: { name: 'reference', values: reference },
        mark: { type: 'line', strokeDash: [4, 4], color: '#888', strokeWidth: 1 },
        encoding: {
          x: { field: 'x', type: 'quantitative' },
          y: { field: 'y', type: 'quantitative' },
          detail: { field: 'series' },
        },
      },
      {
        data: { name: 'curves', values: rows },
        mark: {
          type: 'line',
          interpolate: options.interpolate ?? 'linear',
          point: options.point ?? false,
          tooltip: true,
        },
        encoding: {
          x: {
            field: 'x',
            type: 'quantitative',
            title: x,
            scale: { domain: [0, 1] },
            axis: { format: options.xFormat ?? '.1f' },
          },
          y: {
            field: 'y',
            type: 'quantitative',
            title: y,
            scale: { domain: [0, 1] },
            axis: { format: options.yFormat ?? '.1f' },
          },
          color: { field: 'series', type: 'nominal', title: legend },
          order: { field: 'order', type: 'quantitative' },
        },
      },
    ],
  };
}

function series<T>(
  models: { model: string; curve: T }[],
  points: (curve: T) => { x: number; y: number }[],
) {
  return models.flatMap(({ model, curve }) =>
    points(curve).map((p, order) => ({ series: model, order, ...p })),
  );
}

function zip(x: ArrayLike<number>, y: ArrayLike<number>): { x: number; y: number }[] {
  return Array.from({ length: Math.min(x.length, y.length) }, (_, i) => ({ x: x[i], y: y[i] }));
}

/** ROC curves: true-positive rate by false-positive rate, the chance diagonal dashed. */
export function rocSpec(
  models: { model: string; fpr: ArrayLike<number>; tpr: ArrayLike<number> }[],
  labels: EvaluationChartLabels,
): TopLevelSpec {
  const rows = series(
    models.map((m) => ({ model: m.model, curve: m })),
    (m) => zip(m.fpr, m.tpr),
  );
  const chance = [
    { series: labels.random, x: 0, y: 0 },
    { series: labels.random, x: 1, y: 1 },
  ];
  return lines(rows, labels.fpr, labels.tpr, labels.model, chance);
}

/** Precision–recall curves, the base rate (a model that ranks at random) dashed. */
export function precisionRecallSpec(
  models: { model: string; recall: ArrayLike<number>; precision: ArrayLike<number> }[],
  baseRate: number,
  labels: EvaluationChartLabels,
): TopLevelSpec {
  const rows = series(
    models.map((m) => ({ model: m.model, curve: m })),
    (m) => zip(m.recall, m.precision),
  );
  const base = [
    { series: labels.random, x: 0, y: baseRate },
    { series: labels.random, x: 1, y: baseRate },
  ];
  return lines(rows, labels.recall, labels.precision, labels.model, base, {
    interpolate: 'step-after',
  });
}

/**
 * Cumulative gains: the share of all positives captured by contacting the
 * top-scored share of rows, per model, with the random (diagonal) and
 * perfect (every positive first) lines.
 */
export function gainsSpec(
  models: { model: string; contacted: ArrayLike<number>; captured: ArrayLike<number> }[],
  baseRate: number,
  labels: EvaluationChartLabels,
): TopLevelSpec {
  const rows = series(
    models.map((m) => ({ model: m.model, curve: m })),
    (m) => [{ x: 0, y: 0 }, ...zip(m.contacted, m.captured)],
  );
  const reference = [
    { series: labels.random, x: 0, y: 0 },
    { series: labels.random, x: 1, y: 1 },
    { series: labels.perfect, x: 0, y: 0 },
    { series: labels.perfect, x: Math.max(baseRate, 1e-9), y: 1 },
    { series: labels.perfect, x: 1, y: 1 },
  ];
  return lines(rows, labels.contacted, labels.captured, labels.model, reference, {
    xFormat: '.0%',
    yFormat: '.0%',
  });
}

/** Lift per decile (1 = the top-scored tenth), grouped bars per model, 1 = random. */
export function liftSpec(
  models: { model: string; lift: ArrayLike<number> }[],
  labels: EvaluationChartLabels,
): TopLevelSpec {
  const rows = models.flatMap(({ model, lift }) =>
    Array.from(lift, (value, i) => ({ model, decile: i + 1, lift: value })),
  );
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: SIZE,
    height: SIZE * 0.6,
    layer: [
      {
        data: { name: 'bars', values: rows },
        mark: { type: 'bar', tooltip: true },
        encoding: {
          x: { field: 'decile', type: 'ordinal', title: labels.decile },
          xOffset: { field: 'model', type: 'nominal' },
          y: { field: 'lift', type: 'quantitative', title: labels.lift },
          color: { field: 'model', type: 'nominal', title: labels.model },
        },
      },
      {
        data: { name: 'reference', values: [{ lift: 1 }] },
        mark: { type: 'rule', strokeDash: [4, 4], color: '#888' },
        encoding: { y: { field: 'lift', type: 'quantitative' } },
      },
    ],
  };
}

/** Calibration: observed positive rate against mean predicted probability per bin; the diagonal dashed. */
export function calibrationSpec(
  models: { model: string; bins: { predicted: number; observed: number; count: number }[] }[],
  labels: EvaluationChartLabels,
): TopLevelSpec {
  const rows = models.flatMap(({ model, bins }) =>
    bins.map((b, order) => ({
      series: model,
      order,
      x: b.predicted,
      y: b.observed,
      count: b.count,
    })),
  );
  const diagonal = [
    { series: labels.perfect, x: 0, y: 0 },
    { series: labels.perfect, x: 1, y: 1 },
  ];
  return lines(rows, labels.predicted, labels.observed, labels.model, diagonal, { point: true });
}

/** Expected profit by share of rows contacted (top-scored first), the best point marked. */
export function profitSpec(
  curve: { contacted: ArrayLike<number>; profit: ArrayLike<number> },
  best: { contacted: number; profit: number },
  labels: EvaluationChartLabels,
): TopLevelSpec {
  const rows = zip(curve.contacted, curve.profit).map((p) => ({ contacted: p.x, profit: p.y }));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: SIZE,
    height: SIZE * 0.75,
    layer: [
      {
        data: { name: 'curves', values: rows },
        mark: { type: 'line', tooltip: true },
        encoding: {
          x: {
            field: 'contacted',
            type: 'quantitative',
            title: labels.contacted,
            scale: { domain: [0, 1] },
            axis: { format: '.0%' },
          },
          y: { field: 'profit', type: 'quantitative', title: labels.profit },
        },
      },
      {
        data: {
          name: 'best',
          values: [{ contacted: best.contacted, profit: best.profit, label: labels.best }],
        },
        mark: { type: 'point', filled: true, size: 80, color: '#d62728', tooltip: true },
        encoding: {
          x: { field: 'contacted', type: 'quantitative' },
          y: { field: 'profit', type: 'quantitative' },
        },
      },
    ],
  };
}
