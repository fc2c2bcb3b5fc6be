// Cox model charts. Pure Vega-Lite spec builders (data → spec), run anywhere.
// The page embeds them with vega-interpreter under a CSP without
// 'unsafe-eval', so the specs hold no expressions: tooltip texts are
// formatted into the data. The smooth is computed here (loessLine), not by
// Vega-Lite's loess transform: the page's lean Vega (./vega-lean.js) leaves
// vega-regression out.
//
// - coxResidualSpec: cox.zph's plot for one term — the scaled Schoenfeld
//   residuals (β(t) estimates) against Kaplan–Meier-transformed time, a
//   loess smooth through them, and a dashed rule at the fitted β (a flat
//   smooth at β is what proportional hazards looks like).
// - coxCurvesSpec: the predicted survival curves of the profiles, as steps
//   from S = 1 at 0, keeping (as survival.ts does) only the steps that move a
//   curve by a pixel (TOLERANCE) since the last kept, and its last time.

import type { TopLevelSpec } from 'vega-lite';
import { TOLERANCE } from './survival';

const HEIGHT = 300;
const COLOURS = [
  '#4c78a8',
  '#f58518',
  '#54a24b',
  '#e45756',
  '#72b7b2',
  '#b279a2',
  '#ff9da6',
  '#9d755d',
];
const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
const lean = { aria: false, invalid: 'filter' } as const;
const noParse = { parse: null };

/** A number as a tooltip prints it by default: up to 4 significant digits. */
const short = (v: number) => String(Number(v.toPrecision(4)));

export interface CoxResidualLabels {
  time: string;
  residual: string;
  smooth: string;
  coefficient: string;
}

export interface CoxResidualInput {
  /** Per event: the km-transformed time (zph$x), and the time itself for the tooltip. */
  x: ArrayLike<number>;
  time: ArrayLike<number>;
  /** The term's scaled Schoenfeld residuals (NaN where R has NA: left out). */
  values: ArrayLike<number>;
  /** The fitted coefficient (β̂, or 1 for a term of several columns, as R reads it), or null for no rule. */
  beta: number | null;
}

export function coxResidualSpec(
  input: CoxResidualInput,
  labels: CoxResidualLabels,
  format: (v: number) => string = short,
): TopLevelSpec {
  const points: { x: number; residual: number; timeText: string; residualText: string }[] = [];
  for (let i = 0; i < input.values.length; i++) {
    const r = input.values[i];
    if (!Number.isFinite(r) || !Number.isFinite(input.x[i])) continue;
    points.push({
      x: input.x[i],
      residual: r,
      timeText: format(input.time[i]),
      residualText: format(r),
    });
  }
  const x = {
    field: 'x',
    type: 'quantitative' as const,
    title: labels.time,
    scale: { domain: [0, 1] },
  };
  const y = {
    field: 'residual',
    type: 'quantitative' as const,
    title: labels.residual,
    scale: { zero: false },
  };
  const smooth = points.length >= 4;
  const rule = input.beta !== null && Number.isFinite(input.beta);
  return {
    $schema: SCHEMA,
    width: 'container',
    height: HEIGHT,
    layer: [
      {
        data: { name: 'residuals', values: points, format: noParse },
        mark: { type: 'point', size: 12, opacity: 0.35, color: '#4c78a8', ...lean },
        encoding: {
          x,
          y,
          tooltip: [
            { field: 'timeText', type: 'nominal', title: labels.time },
            { field: 'residualText', type: 'nominal', title: labels.residual },
          ],
        },
      },
      ...(smooth
        ? [
            {
              data: { name: 'smooth', values: loessLine(points), format: noParse },
              mark: { type: 'line' as const, color: '#e45756', strokeWidth: 2.5, ...lean },
              encoding: { x, y },
            },
          ]
        : []),
      ...(rule
        ? [
            {
              data: {
                name: 'coefficient',
                values: [
                  { residual: input.beta!, label: labels.coefficient, text: format(input.beta!) },
                ],
              },
              mark: {
                type: 'rule' as const,
                strokeDash: [4, 4],
                color: '#888888',
                aria: false,
              },
              encoding: {
                y: { field: 'residual', type: 'quantitative' as const },
                tooltip: [{ field: 'text', type: 'nominal' as const, title: labels.coefficient }],
              },
            },
          ]
        : []),
    ],
  };
}

/** Share of the points in each local fit, as R's loess(span = 0.5); and the smooth's points. */
const SPAN = 0.5;
const SMOOTH_POINTS = 40;

/**
 * A loess smooth (degree 1, tricube weights on the nearest SPAN share of
 * the points, as R's loess(y ~ x, span, degree = 1) without its robustness
 * iterations and interpolation), at SMOOTH_POINTS evenly spaced x over the
 * points' range. Points sorted by x.
 */
export function loessLine(
  points: readonly { x: number; residual: number }[],
): { x: number; residual: number }[] {
  const sorted = [...points].sort((a, b) => a.x - b.x);
  const n = sorted.length;
  if (n < 2) return [];
  const q = Math.min(n, Math.max(2, Math.ceil(SPAN * n)));
  const lo = sorted[0].x;
  const hi = sorted[n - 1].x;
  const out: { x: number; residual: number }[] = [];
  let left = 0;
  for (let g = 0; g < SMOOTH_POINTS; g++) {
    const x0 = lo + ((hi - lo) * g) / (SMOOTH_POINTS - 1);
    // The window of the q nearest points slides right as x0 grows.
    while (left + q < n && x0 - sorted[left].x > sorted[left + q].x - x0) left++;
    const h = Math.max(x0 - sorted[left].x, sorted[left + q - 1].x - x0) * 1.000001 || 1;
    let sw = 0;
    let sx = 0;
    let sy = 0;
    let sxx = 0;
    let sxy = 0;
    for (let i = left; i < left + q; i++) {
      const d = Math.abs(sorted[i].x - x0) / h;
      const w = (1 - d * d * d) ** 3;
      const xi = sorted[i].x - x0;
      sw += w;
      sx += w * xi;
      sy += w * sorted[i].residual;
      sxx += w * xi * xi;
      sxy += w * xi * sorted[i].residual;
    }
    const det = sw * sxx - sx * sx;
    // The fitted line at x0 (xi = 0): its intercept; a flat mean when the window has one x.
    const y0 = Math.abs(det) > 1e-12 * sw * sw ? (sxx * sy - sx * sxy) / det : sy / sw;
    out.push({ x: x0, residual: y0 });
  }
  return out;
}

export interface CoxCurvesLabels {
  time: string;
  survival: string;
  profile: string;
}

export interface CoxCurve {
  name: string;
  time: ArrayLike<number>;
  survival: ArrayLike<number>;
}

interface CurveRow {
  series: string;
  time: number;
  survival: number;
  timeText: string;
  survivalText: string;
}

export function coxCurvesSpec(
  curves: readonly CoxCurve[],
  labels: CoxCurvesLabels,
  format: (v: number) => string = short,
): TopLevelSpec {
  const rows: CurveRow[] = [];
  const push = (series: string, time: number, survival: number) =>
    rows.push({ series, time, survival, timeText: format(time), survivalText: format(survival) });
  for (const c of curves) {
    push(c.name, 0, 1);
    let kept = 1;
    const last = c.time.length - 1;
    for (let i = 0; i <= last; i++) {
      if (Math.abs(c.survival[i] - kept) >= TOLERANCE || i === last) {
        push(c.name, c.time[i], c.survival[i]);
        kept = c.survival[i];
      }
    }
  }
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
    title: labels.profile,
    scale: {
      domain: curves.map((c) => c.name),
      range: curves.map((_, i) => COLOURS[i % COLOURS.length]),
    },
  };
  return {
    $schema: SCHEMA,
    width: 'container',
    height: HEIGHT,
    config: { legend: { orient: 'bottom', symbolType: 'stroke', symbolStrokeWidth: 3 } },
    layer: [
      {
        data: { name: 'curves', values: rows, format: noParse },
        mark: { type: 'line', interpolate: 'step-after', strokeWidth: 2, ...lean },
        encoding: { x, y, color },
      },
      {
        data: { name: 'curvePoints', values: rows, format: noParse },
        // Invisible points that carry the tooltips.
        mark: { type: 'point', opacity: 0, size: 60, ...lean },
        encoding: {
          x,
          y,
          tooltip: [
            { field: 'series', type: 'nominal', title: labels.profile },
            { field: 'timeText', type: 'nominal', title: labels.time },
            { field: 'survivalText', type: 'nominal', title: labels.survival },
          ],
        },
      },
    ],
  };
}
