// Kaplan–Meier chart: survival step curves with confidence bands, censoring
// marks and tooltips, as a Vega-Lite spec; and the at-risk table under it.
// Pure spec builder (result → spec); runs anywhere. The page embeds the spec
// with vega-interpreter under a CSP without 'unsafe-eval', so the spec uses
// no expressions beyond Vega's standard ones.
//
// A 5,000-policy book has thousands of distinct times per chart, and Vega
// spends 10–20 µs of main thread per mark item (more through the
// interpreter), all in one task. So the spec keeps only marks that can be
// told apart, and every number it encodes is one of the curve's own:
// - the curves ('steps') keep the start, each time where S or a bound has
//   moved by TOLERANCE (one pixel, half the line's width) since the last time
//   kept, and the last time: the step drawn through the kept times is within
//   a pixel of the full curve at every time (a time with censorings only,
//   S unchanged, is never kept);
// - censoring marks ('censored') are one per curve and cell of 1/CELLS of
//   the time axis, at the cell's first censoring time on the curve, with the
//   count (and the times) of all the cell's censorings in the tooltip;
// - the invisible points that carry each step's tooltip ('tooltips') are the
//   kept steps, at most one per curve and cell (the cell's last);
// - a chart with more than DENSE_MARKS point marks asks for the canvas
//   renderer (through vega-embed's `usermeta.embedOptions`): each point is an
//   SVG node otherwise.

import type { TopLevelSpec } from 'vega-lite';
import { numberAtRisk, type KaplanMeierResult } from '../engine/survival/kaplanMeier';
import type { NelsonAalenResult } from '../engine/survival/summaries';

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

/** The plot's height in pixels (the spec's `height`). */
const HEIGHT = 320;

/** One pixel of the survival axis: steps that move the curve less are merged. */
export const TOLERANCE = 1 / HEIGHT;

/**
 * Cells across the time axis for censoring marks and tooltip points: a cell
 * is ~7 px of a full-width chart (~1,000 px), a little more than one '+'
 * (size 18, ~4 px) or one tooltip point's target (size 80, ~9 px) is wide.
 */
export const CELLS = 150;

/** Above this many point marks (tooltip points and censorings) the chart renders on canvas. */
export const DENSE_MARKS = 600;

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

interface CensorMark {
  group: string;
  /** The cell's first censoring time, where the mark is drawn. */
  time: number;
  /** S at that time. */
  survival: number;
  /** Censorings in the cell. */
  censored: number;
  /** The cell's censoring times as read in the tooltip: "12.01" or "12.01–12.33". */
  times: string;
}

function finiteOrNull(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

/** A time as the tooltip prints it: up to 6 significant digits. */
function timeText(t: number): string {
  return String(Number(t.toPrecision(6)));
}

/** The first time on the chart: 0, or the first time if negative. */
function startOf(curve: KaplanMeierResult): number {
  return curve.time.length > 0 ? Math.min(0, curve.time[0]) : 0;
}

/** True when a and b (curve values, null where undefined) are drawn within TOLERANCE. */
function near(a: number | null, b: number | null): boolean {
  return a === null || b === null ? a === b : Math.abs(a - b) < TOLERANCE;
}

/**
 * The curve's rows, simplified (see the header): S = 1 at the start time, then
 * a row wherever S or a bound has moved by TOLERANCE or more since the last
 * row kept, and the curve's last time. Every row kept is the curve's own.
 */
function curveRows(curve: KaplanMeierResult): CurveRow[] {
  const group = curve.group ?? '';
  const rows: CurveRow[] = [
    { group, time: startOf(curve), survival: 1, lower: 1, upper: 1, atRisk: curve.n, censored: 0 },
  ];
  const last = curve.time.length - 1;
  for (let i = 0; i <= last; i++) {
    const row: CurveRow = {
      group,
      time: curve.time[i],
      survival: curve.survival[i],
      lower: finiteOrNull(curve.lower[i]),
      upper: finiteOrNull(curve.upper[i]),
      atRisk: curve.nRisk[i],
      censored: curve.nCensor[i],
    };
    const kept = rows[rows.length - 1];
    const moved =
      !near(row.survival, kept.survival) ||
      !near(row.lower, kept.lower) ||
      !near(row.upper, kept.upper);
    if (moved || i === last) rows.push(row);
  }
  return rows;
}

/** Cell numbers along the time axis, CELLS of them from `origin` to `end`. */
function cellsOf(origin: number, end: number): (t: number) => number {
  const width = (end - origin) / CELLS;
  return width > 0 ? (t) => Math.min(CELLS - 1, Math.floor((t - origin) / width)) : () => 0;
}

/** One curve's steps, the last in each cell: the points that carry the tooltips. */
function tooltipRows(steps: readonly CurveRow[], cell: (t: number) => number): CurveRow[] {
  const rows: CurveRow[] = [];
  let current = NaN;
  for (const step of steps) {
    const index = cell(step.time);
    if (index === current) rows[rows.length - 1] = step;
    else rows.push(step);
    current = index;
  }
  return rows;
}

/** The curve's censorings, at most one mark per cell. */
function censorMarks(curve: KaplanMeierResult, cell: (t: number) => number): CensorMark[] {
  const group = curve.group ?? '';
  const marks: CensorMark[] = [];
  let current = NaN;
  let lastTime = NaN;
  const close = () => {
    const mark = marks[marks.length - 1];
    if (mark && lastTime !== mark.time) mark.times += `–${timeText(lastTime)}`;
  };
  for (let i = 0; i < curve.time.length; i++) {
    const censored = curve.nCensor[i];
    if (censored === 0) continue;
    const t = curve.time[i];
    const index = cell(t);
    if (index !== current) {
      close();
      marks.push({ group, time: t, survival: curve.survival[i], censored, times: timeText(t) });
      current = index;
    } else {
      marks[marks.length - 1].censored += censored;
    }
    lastTime = t;
  }
  close();
  return marks;
}

/** A probability or bound as the tooltip prints it (NA where undefined). */
function fixed3(v: number | null): string {
  return v === null ? 'NA' : v.toFixed(3);
}

/**
 * A Vega-Lite spec of the curves: step-after survival lines, a translucent
 * step confidence band, '+' at censoring times, tooltips on the steps, y from
 * 0 to 1, a colour legend when there are groups, and the container's width.
 */
export function kaplanMeierSpec(
  curves: KaplanMeierResult[],
  labels: SurvivalChartLabels,
): TopLevelSpec {
  const grouped = curves.some((c) => c.group !== null);
  const origin = Math.min(0, ...curves.map(startOf));
  const end = Math.max(origin, ...curves.map((c) => c.time[c.time.length - 1] ?? origin));
  const cell = cellsOf(origin, end);
  const stepsByCurve = curves.map(curveRows);
  const steps = stepsByCurve.flat();
  // Tooltip texts are formatted here, into the data, as in profile.ts: one
  // object per point that the tooltip shows as it is, instead of an object
  // built and formatted field by field through the interpreter, per point.
  const groupTip = (group: string) => (grouped ? { [labels.group]: group } : {});
  const tooltipPoints = stepsByCurve.flatMap((rows) =>
    tooltipRows(rows, cell).map((r) => ({
      ...r,
      tip: {
        ...groupTip(r.group),
        [labels.time]: timeText(r.time),
        [labels.survival]: fixed3(r.survival),
        [labels.lower ?? 'Lower CI']: fixed3(r.lower),
        [labels.upper ?? 'Upper CI']: fixed3(r.upper),
        [labels.atRisk ?? 'At risk']: String(r.atRisk),
        [labels.censored]: String(r.censored),
      },
    })),
  );
  const censorPoints = curves.flatMap((c) =>
    censorMarks(c, cell).map((m) => ({
      ...m,
      tip: {
        ...groupTip(m.group),
        [labels.time]: m.times,
        [labels.censored]: String(m.censored),
      },
    })),
  );
  const dense = tooltipPoints.length + censorPoints.length > DENSE_MARKS;
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
  // Per mark item, Vega would otherwise evaluate an ARIA description
  // (formatting every field) and, for the line, a validity test: the figure's
  // label and the tables under the chart serve screen readers, and time and S
  // are always numbers. The band keeps its test, to break where a bound is NA.
  const lean = { aria: false, invalid: 'filter' } as const;
  // The values are numbers already: no per-row parsing formula.
  const format = { parse: null };
  const tooltip = { expr: 'datum.tip' };

  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: 'container',
    height: HEIGHT,
    // The band's translucency would otherwise wash out the legend's colours.
    config: { legend: { symbolOpacity: 1, symbolType: 'stroke', symbolStrokeWidth: 3 } },
    ...(dense ? { usermeta: { embedOptions: { renderer: 'canvas' } } } : {}),
    data: { name: 'steps', values: steps, format },
    layer: [
      {
        mark: { type: 'area', interpolate: 'step-after', opacity: 0.2, aria: false },
        encoding: {
          x,
          y: { ...y, field: 'lower' },
          y2: { field: 'upper' },
          ...color,
        },
      },
      {
        mark: { type: 'line', interpolate: 'step-after', ...lean },
        encoding: { x, y, ...color },
      },
      {
        data: { name: 'censored', values: censorPoints, format },
        // Small marks: a large book has a censoring in most cells of each curve.
        mark: {
          type: 'point',
          shape: 'cross',
          filled: true,
          size: 18,
          opacity: 0.9,
          tooltip,
          ...lean,
        },
        encoding: { x, y, ...color },
      },
      {
        data: { name: 'tooltips', values: tooltipPoints, format },
        // Invisible points that carry the tooltips of the steps.
        mark: { type: 'point', opacity: 0, size: 80, tooltip, ...lean },
        encoding: { x, y, ...color },
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

/**
 * The Nelson–Aalen cumulative hazard per group: step-after lines from 0 with
 * their translucent band (engine/survival/summaries.ts nelsonAalen), the same
 * layout as the survival chart; y from 0, unbounded above.
 */
export function cumulativeHazardSpec(
  hazards: readonly NelsonAalenResult[],
  labels: { time: string; hazard: string; group: string },
): TopLevelSpec {
  const grouped = hazards.some((h) => h.group !== null);
  const rows = hazards.flatMap((h) => {
    const group = h.group ?? '';
    const out: { group: string; time: number; hazard: number; lower: number; upper: number }[] = [
      { group, time: Math.min(0, h.time[0] ?? 0), hazard: 0, lower: 0, upper: 0 },
    ];
    for (let i = 0; i < h.time.length; i++)
      out.push({
        group,
        time: h.time[i],
        hazard: h.cumhaz[i],
        lower: Number.isFinite(h.lower[i]) ? h.lower[i] : h.cumhaz[i],
        upper: Number.isFinite(h.upper[i]) ? h.upper[i] : h.cumhaz[i],
      });
    return out;
  });
  const x = { field: 'time', type: 'quantitative' as const, title: labels.time };
  const y = { field: 'hazard', type: 'quantitative' as const, title: labels.hazard };
  const color = grouped
    ? { color: { field: 'group', type: 'nominal' as const, title: labels.group } }
    : {};
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: 'container',
    height: HEIGHT,
    config: { legend: { symbolOpacity: 1, symbolType: 'stroke', symbolStrokeWidth: 3 } },
    data: { name: 'hazard', values: rows, format: { parse: null } },
    layer: [
      {
        mark: { type: 'area', interpolate: 'step-after', opacity: 0.2, aria: false },
        encoding: { x, y: { ...y, field: 'lower' }, y2: { field: 'upper' }, ...color },
      },
      {
        mark: { type: 'line', interpolate: 'step-after', aria: false },
        encoding: { x, y, ...color },
      },
    ],
  };
}
