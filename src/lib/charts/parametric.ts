// Parametric survival chart: the Kaplan–Meier step curve of the rows fitted,
// with each distribution's fitted marginal survival curve over it, and a
// dashed rule at the longest follow-up (right of it the fitted curves are
// extrapolation). A Vega-Lite spec; pure spec builder (report → spec), runs
// anywhere. The page embeds it with vega-interpreter under a CSP without
// 'unsafe-eval', so the spec holds no expressions: tooltip texts are
// formatted into the data, and line widths are data read with `scale: null`.
//
// Kaplan–Meier keeps, as survival.ts does, only the steps that move the curve
// by a pixel (TOLERANCE) since the last one kept, and its last time: a
// 5,000-policy book has thousands of distinct times.

import type { TopLevelSpec } from 'vega-lite';
import type { KaplanMeierResult } from '../engine/survival/kaplanMeier';
import { TOLERANCE } from './survival';

/** Axis, legend and tooltip titles, already translated by the caller. */
export interface ParametricChartLabels {
  time: string;
  survival: string;
  curve: string;
  km: string;
  lastFollowUp: string;
}

/** One fitted curve: its legend name, S at each grid time, and whether it is the one shown in the tables. */
export interface FittedCurve {
  name: string;
  survival: ArrayLike<number>;
  shown: boolean;
}

export interface ParametricChartInput {
  km: KaplanMeierResult;
  grid: ArrayLike<number>;
  curves: readonly FittedCurve[];
}

const HEIGHT = 320;
/** The KM curve's colour, then the distributions' (Tableau 10, as Vega's default). */
const KM_COLOUR = '#222222';
const COLOURS = ['#4c78a8', '#f58518', '#54a24b', '#e45756', '#72b7b2', '#b279a2'];

interface Row {
  series: string;
  time: number;
  survival: number;
}

/** The KM curve's steps that move it by TOLERANCE or more, from S = 1 at 0, and its last time. */
function kmRows(km: KaplanMeierResult, series: string): Row[] {
  const rows: Row[] = [{ series, time: Math.min(0, km.time[0] ?? 0), survival: 1 }];
  const last = km.time.length - 1;
  for (let i = 0; i <= last; i++) {
    const kept = rows[rows.length - 1].survival;
    if (Math.abs(km.survival[i] - kept) >= TOLERANCE || i === last)
      rows.push({ series, time: km.time[i], survival: km.survival[i] });
  }
  return rows;
}

/** A number as a tooltip prints it by default: up to 4 significant digits. */
const short = (v: number) => String(Number(v.toPrecision(4)));

/**
 * A Vega-Lite spec: Kaplan–Meier as a step line, the fitted curves as lines
 * (the shown one thicker), one colour legend for all, y from 0 to 1, the
 * container's width. `format` writes the tooltips' numbers (the page's
 * formatter in its locale).
 */
export function parametricSpec(
  input: ParametricChartInput,
  labels: ParametricChartLabels,
  format: (v: number) => string = short,
): TopLevelSpec {
  const { km, grid, curves } = input;
  const km0 = kmRows(km, labels.km);
  const fitted = curves.flatMap((c) =>
    Array.from(grid, (time, i) => ({
      series: c.name,
      time,
      survival: c.survival[i],
      width: c.shown ? 3 : 1.5,
      timeText: format(time),
      survivalText: format(c.survival[i]),
    })),
  );
  const longest = km.time.length > 0 ? km.time[km.time.length - 1] : 0;
  const x = { field: 'time', type: 'quantitative' as const, title: labels.time };
  const y = {
    field: 'survival',
    type: 'quantitative' as const,
    title: labels.survival,
    scale: { domain: [0, 1] },
  };
  const color = {
    field: 'series',
    type: 'nominal' as const,
    title: labels.curve,
    scale: {
      domain: [labels.km, ...curves.map((c) => c.name)],
      range: [KM_COLOUR, ...curves.map((_, i) => COLOURS[i % COLOURS.length])],
    },
  };
  const lean = { aria: false, invalid: 'filter' } as const;
  const format0 = { parse: null };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: 'container',
    height: HEIGHT,
    // Below the plot: a container-wide chart leaves no room for it at the right.
    config: { legend: { orient: 'bottom', symbolType: 'stroke', symbolStrokeWidth: 3 } },
    layer: [
      {
        data: { name: 'km', values: km0, format: format0 },
        mark: { type: 'line', interpolate: 'step-after', strokeWidth: 2, ...lean },
        encoding: { x, y, color },
      },
      {
        data: { name: 'fitted', values: fitted, format: format0 },
        mark: { type: 'line', ...lean },
        encoding: {
          x,
          y,
          color,
          strokeWidth: { field: 'width', type: 'quantitative', scale: null, legend: null },
        },
      },
      {
        data: { name: 'fittedPoints', values: fitted, format: format0 },
        // Invisible points that carry the fitted curves' tooltips.
        mark: { type: 'point', opacity: 0, size: 60, ...lean },
        encoding: {
          x,
          y,
          tooltip: [
            { field: 'series', type: 'nominal', title: labels.curve },
            { field: 'timeText', type: 'nominal', title: labels.time },
            { field: 'survivalText', type: 'nominal', title: labels.survival },
          ],
        },
      },
      {
        data: { name: 'followUp', values: [{ time: longest, label: labels.lastFollowUp }] },
        mark: { type: 'rule', strokeDash: [4, 4], color: '#888888', aria: false },
        encoding: {
          x,
          tooltip: [{ field: 'label', type: 'nominal', title: labels.lastFollowUp }],
        },
      },
    ],
  };
}
