// Cohort charts: the heatmap of cohorts × periods since start (retention,
// or revenue retention), with each cohort's size in its row label, a
// size-weighted average row at the bottom, and periods not yet complete at
// the as-of date faded and starred — never drawn as a drop; and line charts
// of one value per cohort over periods (retention curves, cumulative
// revenue per customer) that stop at each cohort's last complete period.
// Vega-Lite specs; pure spec builders (grid → spec), run anywhere. The page
// embeds them with vega-interpreter under a CSP without 'unsafe-eval', so the
// specs hold no expressions: every text is formatted into the data.

import type { TopLevelSpec } from 'vega-lite';
import { COMPLETE, FUTURE } from '../engine/lifecycle/cohorts';

/** Titles, already translated by the caller. */
export interface CohortChartLabels {
  cohort: string;
  period: string;
  value: string;
  /** The average row's label. */
  average: string;
  /** The tooltip's note on a partial cell. */
  partial: string;
}

export interface CohortChartInput {
  /** Row labels, oldest cohort first (e.g. "1997-01 · 7,846"). */
  cohorts: readonly string[];
  /** Column labels ("0", "1", … or brackets "1–3"). */
  columns: readonly string[];
  /** cohorts × columns, row-major; NaN: nothing to show. */
  values: ArrayLike<number>;
  /** cohorts × columns: the engine's FUTURE, PARTIAL, COMPLETE. */
  states: ArrayLike<number>;
  /** Per column: the average row (NaN: no complete cohort). */
  average: ArrayLike<number> | null;
}

interface Cell {
  cohort: string;
  column: string;
  value: number;
  text: string;
  complete: boolean;
  note: string;
}

const CELL = 28;
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

function cells(input: CohortChartInput, labels: CohortChartLabels, format: (v: number) => string) {
  const B = input.columns.length;
  const out: Cell[] = [];
  input.cohorts.forEach((cohort, i) => {
    for (let j = 0; j < B; j++) {
      const state = input.states[i * B + j];
      const value = input.values[i * B + j];
      if (state === FUTURE || value !== value) continue;
      const complete = state === COMPLETE;
      out.push({
        cohort,
        column: input.columns[j],
        value,
        text: complete ? format(value) : `${format(value)}*`,
        complete,
        note: complete ? '' : labels.partial,
      });
    }
  });
  if (input.average) {
    for (let j = 0; j < B; j++) {
      const value = input.average[j];
      if (value !== value) continue;
      out.push({
        cohort: labels.average,
        column: input.columns[j],
        value,
        text: format(value),
        complete: true,
        note: '',
      });
    }
  }
  return out;
}

/**
 * The heatmap: a coloured cell per (cohort, column) that has begun, its value
 * written in it; partial cells faded with a star; future cells left blank;
 * the average row last. `domain`: the colour scale's (retention: [0, 1]).
 */
export function cohortHeatmapSpec(
  input: CohortChartInput,
  labels: CohortChartLabels,
  format: (v: number) => string,
  domain: [number, number] | null = [0, 1],
): TopLevelSpec {
  const rows = cells(input, labels, format);
  const order = [...input.cohorts, ...(input.average ? [labels.average] : [])];
  const x = {
    field: 'column',
    type: 'ordinal' as const,
    title: labels.period,
    sort: [...input.columns],
    axis: { orient: 'top' as const, labelAngle: 0 },
  };
  const y = { field: 'cohort', type: 'ordinal' as const, title: labels.cohort, sort: order };
  const lean = { aria: false } as const;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: Math.max(200, input.columns.length * CELL * 1.6),
    height: order.length * CELL,
    data: { name: 'cells', values: rows, format: { parse: null } },
    layer: [
      {
        mark: { type: 'rect', stroke: '#fff', strokeWidth: 1, ...lean },
        encoding: {
          x,
          y,
          color: {
            field: 'value',
            type: 'quantitative',
            title: labels.value,
            scale: { scheme: 'blues', ...(domain ? { domain, clamp: true } : {}) },
            legend: null,
          },
          // Not yet complete: faded, so it never reads as a drop.
          opacity: {
            field: 'complete',
            type: 'nominal',
            scale: { domain: [true, false], range: [1, 0.3] },
            legend: null,
          },
          tooltip: [
            { field: 'cohort', type: 'nominal', title: labels.cohort },
            { field: 'column', type: 'nominal', title: labels.period },
            { field: 'text', type: 'nominal', title: labels.value },
            { field: 'note', type: 'nominal', title: ' ' },
          ],
        },
      },
      {
        mark: { type: 'text', fontSize: 10, color: '#222', ...lean },
        encoding: { x, y, text: { field: 'text', type: 'nominal' } },
      },
    ],
  };
}

/**
 * One line per cohort over the columns, through its complete cells only (a
 * partial period is not a drop), and the average as a thick black line.
 */
export function cohortCurvesSpec(
  input: CohortChartInput,
  labels: CohortChartLabels,
  format: (v: number) => string,
): TopLevelSpec {
  const rows = cells(input, labels, format)
    .filter((c) => c.complete)
    .map((c) => ({ ...c, at: input.columns.indexOf(c.column) }));
  const names = [...input.cohorts, ...(input.average ? [labels.average] : [])];
  const range = names.map((n, i) =>
    n === labels.average && input.average ? '#000' : COLOURS[i % COLOURS.length],
  );
  const x = {
    field: 'at',
    type: 'quantitative' as const,
    title: labels.period,
    axis: { tickMinStep: 1 },
  };
  const y = { field: 'value', type: 'quantitative' as const, title: labels.value };
  const color = {
    field: 'cohort',
    type: 'nominal' as const,
    title: labels.cohort,
    scale: { domain: names, range },
  };
  const lean = { aria: false } as const;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: 'container',
    height: 300,
    config: { legend: { orient: 'right', symbolType: 'stroke', symbolStrokeWidth: 3 } },
    data: { name: 'cells', values: rows, format: { parse: null } },
    layer: [
      {
        mark: { type: 'line', strokeWidth: 1.5, point: { size: 20 }, ...lean },
        encoding: { x, y, color, detail: { field: 'cohort', type: 'nominal' } },
      },
      {
        mark: { type: 'point', opacity: 0, size: 60, ...lean },
        encoding: {
          x,
          y,
          tooltip: [
            { field: 'cohort', type: 'nominal', title: labels.cohort },
            { field: 'column', type: 'nominal', title: labels.period },
            { field: 'text', type: 'nominal', title: labels.value },
          ],
        },
      },
    ],
  };
}
