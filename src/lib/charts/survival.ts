// Kaplan–Meier chart: survival step curves with confidence bands, censoring
// marks and tooltips, as a Vega-Lite spec; and the at-risk table under it.
// Pure spec builder (result → spec); runs anywhere. The page embeds the spec
// with vega-interpreter under a CSP without 'unsafe-eval', so the spec uses
// no expressions beyond Vega's standard ones.

import type { TopLevelSpec } from 'vega-lite';
import { numberAtRisk, type KaplanMeierResult } from '../engine/survival/kaplanMeier';

/** Axis, legend and tooltip titles, already translated by the caller. */
export interface SurvivalChartLabels {
  time: string;
  survival: string;
  group: string;
  censored: string;
  /** Tooltip titles; English fallbacks when absent. */
  lower?: string;
  upper?: string;
  atRisk?: string;
}

interface CurveRow {
  group: string;
  time: number;
  survival: number;
  /** null where the interval is undefined (R's NA), so the band breaks there. */
  lower: number | null;
  upper: number | null;
  atRisk: number;
  censored: number;
}

function finiteOrNull(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

/** One row per step, starting at S = 1 at time 0 (or the first time, if negative). */
function curveRows(curve: KaplanMeierResult): CurveRow[] {
  const group = curve.group ?? '';
  const start = curve.time.length > 0 ? Math.min(0, curve.time[0]) : 0;
  const rows: CurveRow[] = [
    { group, time: start, survival: 1, lower: 1, upper: 1, atRisk: curve.n, censored: 0 },
  ];
  for (let i = 0; i < curve.time.length; i++) {
    rows.push({
      group,
      time: curve.time[i],
      survival: curve.survival[i],
      lower: finiteOrNull(curve.lower[i]),
      upper: finiteOrNull(curve.upper[i]),
      atRisk: curve.nRisk[i],
      censored: curve.nCensor[i],
    });
  }
  return rows;
}

/**
 * A Vega-Lite spec of the curves: step-after survival lines, a translucent
 * step confidence band, '+' at censoring times, tooltips on every step, y from
 * 0 to 1, a colour legend when there are groups, and the container's width.
 */
export function kaplanMeierSpec(
  curves: KaplanMeierResult[],
  labels: SurvivalChartLabels,
): TopLevelSpec {
  const grouped = curves.some((c) => c.group !== null);
  const rows = curves.flatMap(curveRows);
  const censorRows = rows.filter((r) => r.censored > 0);
  const x = { field: 'time', type: 'quantitative' as const, title: labels.time };
  const y = {
    field: 'survival',
    type: 'quantitative' as const,
    title: labels.survival,
    scale: { domain: [0, 1] },
  };
  const color = grouped
    ? { color: { field: 'group', type: 'nominal' as const, title: labels.group } }
    : {};
  const tooltip = [
    ...(grouped ? [{ field: 'group', type: 'nominal', title: labels.group } as const] : []),
    { field: 'time', type: 'quantitative', title: labels.time } as const,
    { field: 'survival', type: 'quantitative', title: labels.survival, format: '.3f' } as const,
    {
      field: 'lower',
      type: 'quantitative',
      title: labels.lower ?? 'Lower CI',
      format: '.3f',
    } as const,
    {
      field: 'upper',
      type: 'quantitative',
      title: labels.upper ?? 'Upper CI',
      format: '.3f',
    } as const,
    { field: 'atRisk', type: 'quantitative', title: labels.atRisk ?? 'At risk' } as const,
    { field: 'censored', type: 'quantitative', title: labels.censored } as const,
  ];

  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: 'container',
    height: 320,
    // The band's translucency would otherwise wash out the legend's colours.
    config: { legend: { symbolOpacity: 1, symbolType: 'stroke', symbolStrokeWidth: 3 } },
    data: { values: rows },
    layer: [
      {
        mark: { type: 'area', interpolate: 'step-after', opacity: 0.2 },
        encoding: {
          x,
          y: { ...y, field: 'lower' },
          y2: { field: 'upper' },
          ...color,
        },
      },
      {
        mark: { type: 'line', interpolate: 'step-after' },
        encoding: { x, y, ...color },
      },
      {
        data: { values: censorRows },
        // Small marks: a large book has hundreds of censoring times per curve.
        mark: { type: 'point', shape: 'cross', filled: true, size: 18, opacity: 0.9 },
        encoding: {
          x,
          y,
          ...color,
          tooltip: [
            ...(grouped ? [{ field: 'group', type: 'nominal', title: labels.group } as const] : []),
            { field: 'time', type: 'quantitative', title: labels.time },
            { field: 'censored', type: 'quantitative', title: labels.censored },
          ],
        },
      },
      {
        // Invisible points that carry the tooltips of each step.
        mark: { type: 'point', opacity: 0, size: 80 },
        encoding: { x, y, ...color, tooltip },
      },
    ],
  };
}

/** Numbers at risk at `times` for each curve: the table printed under the chart. */
export function riskTable(
  curves: readonly KaplanMeierResult[],
  times: readonly number[],
): { group: string | null; counts: number[] }[] {
  return curves.map((curve) => ({ group: curve.group, counts: numberAtRisk(curve, times) }));
}
