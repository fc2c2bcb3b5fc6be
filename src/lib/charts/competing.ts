// Competing risks chart: the cumulative incidence of each cause (one colour
// per cause, or per cause and group) as step lines from 0, flat to the
// group's longest follow-up, and, for one chosen cause, its naive 1 − KM as
// a dashed line beside it. A Vega-Lite spec; pure spec builder (curves →
// spec), runs anywhere. The page embeds it with vega-interpreter under a CSP
// without 'unsafe-eval', so the spec holds no expressions: tooltip texts are
// formatted into the data.
//
// Each curve keeps, as survival.ts does, only the steps that move it by a
// pixel (TOLERANCE) since the last one kept, and its last time.

import type { TopLevelSpec } from 'vega-lite';
import { TOLERANCE } from './survival';

/** Axis, legend and tooltip titles, already translated by the caller. */
export interface CompetingChartLabels {
  time: string;
  incidence: string;
  curve: string;
  estimator: string;
  cif: string;
  naive: string;
}

/** A step curve: the value just after each time, 0 before the first. */
export interface StepCurve {
  /** Its legend name: the cause, or "cause · group". */
  name: string;
  time: ArrayLike<number>;
  estimate: ArrayLike<number>;
  /** Drawn flat from the last step to here (the longest follow-up). */
  maxTime: number;
}

export interface CompetingChartInput {
  curves: readonly StepCurve[];
  /** 1 − KM of the chosen cause, named as its cumulative incidence curve is (same colour, dashed). */
  naive: readonly StepCurve[];
}

const HEIGHT = 320;
/** Tableau 10, as Vega's default. */
const COLOURS = [
  '#4c78a8',
  '#f58518',
  '#54a24b',
  '#e45756',
  '#72b7b2',
  '#b279a2',
  '#eeca3b',
  '#ff9da6',
  '#9d755d',
  '#bab0ac',
];

interface Row {
  series: string;
  estimator: string;
  time: number;
  estimate: number;
  timeText: string;
  estimateText: string;
}

/** A number as a tooltip prints it by default: up to 4 significant digits. */
const short = (v: number) => String(Number(v.toPrecision(4)));

function stepRows(curve: StepCurve, estimator: string, format: (v: number) => string): Row[] {
  const row = (time: number, estimate: number): Row => ({
    series: curve.name,
    estimator,
    time,
    estimate,
    timeText: format(time),
    estimateText: format(estimate),
  });
  const rows = [row(Math.min(0, curve.time[0] ?? 0), 0)];
  const last = curve.time.length - 1;
  for (let i = 0; i <= last; i++) {
    const kept = rows[rows.length - 1].estimate;
    if (Math.abs(curve.estimate[i] - kept) >= TOLERANCE || i === last)
      rows.push(row(curve.time[i], curve.estimate[i]));
  }
  const end = rows[rows.length - 1];
  if (curve.maxTime > end.time) rows.push(row(curve.maxTime, end.estimate));
  return rows;
}

/**
 * A Vega-Lite spec: each cumulative incidence as a solid step line, the
 * naive 1 − KM curves dashed in their cause's colour, y from 0 to 1, the
 * container's width, legends below. `format` writes the tooltips' numbers
 * (the page's formatter in its locale).
 */
export function competingSpec(
  input: CompetingChartInput,
  labels: CompetingChartLabels,
  format: (v: number) => string = short,
): TopLevelSpec {
  const rows = [
    ...input.curves.flatMap((c) => stepRows(c, labels.cif, format)),
    ...input.naive.flatMap((c) => stepRows(c, labels.naive, format)),
  ];
  const names = input.curves.map((c) => c.name);
  const x = { field: 'time', type: 'quantitative' as const, title: labels.time };
  const y = {
    field: 'estimate',
    type: 'quantitative' as const,
    title: labels.incidence,
    scale: { domain: [0, 1] },
  };
  const color = {
    field: 'series',
    type: 'nominal' as const,
    title: labels.curve,
    scale: { domain: names, range: names.map((_, i) => COLOURS[i % COLOURS.length]) },
  };
  const strokeDash = {
    field: 'estimator',
    type: 'nominal' as const,
    title: labels.estimator,
    scale: {
      domain: [labels.cif, labels.naive],
      range: [
        [1, 0],
        [6, 4],
      ],
    },
  };
  const lean = { aria: false, invalid: 'filter' } as const;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: 'container',
    height: HEIGHT,
    config: {
      legend: {
        orient: 'bottom',
        direction: 'vertical',
        symbolType: 'stroke',
        symbolStrokeWidth: 3,
        // The estimators' names are long; the default limit (160 px) cuts them.
        labelLimit: 360,
      },
    },
    data: { name: 'curves', values: rows, format: { parse: null } },
    layer: [
      {
        mark: { type: 'line', interpolate: 'step-after', strokeWidth: 2, ...lean },
        encoding: {
          x,
          y,
          color,
          strokeDash,
          detail: [
            { field: 'series', type: 'nominal' },
            { field: 'estimator', type: 'nominal' },
          ],
        },
      },
      {
        // Invisible points that carry the tooltips.
        mark: { type: 'point', opacity: 0, size: 60, ...lean },
        encoding: {
          x,
          y,
          tooltip: [
            { field: 'series', type: 'nominal', title: labels.curve },
            { field: 'estimator', type: 'nominal', title: labels.estimator },
            { field: 'timeText', type: 'nominal', title: labels.time },
            { field: 'estimateText', type: 'nominal', title: labels.incidence },
          ],
        },
      },
    ],
  };
}
