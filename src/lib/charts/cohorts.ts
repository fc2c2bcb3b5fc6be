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
/** A cell's side in a grid too large for a value written in each cell. */
const SMALL_CELL = 12;
/**
 * Above this many cells (about 48 monthly cohorts) the heatmap writes no
 * value in its cells, shows a colour legend instead and draws on a canvas:
 * thousands of SVG texts take the page's main thread for most of a second,
 * and numbers 12 px apart cannot be read. The values stay in the tooltips.
 */
export const MAX_WRITTEN_CELLS = 1200;
/** Above this many cohorts the curves drop their points and legend, and draw on a canvas. */
export const MAX_LEGEND_COHORTS = 24;
const CANVAS = { usermeta: { embedOptions: { renderer: 'canvas' } } } as const;
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

/** Whether the heatmap writes each cell's value in it (MAX_WRITTEN_CELLS). */
export function heatmapWritesValues(input: CohortChartInput): boolean {
  return drawnCells(input) <= MAX_WRITTEN_CELLS;
}

/** How many cells the heatmap draws: those begun with a value (as cells() keeps), and the average row's. */
function drawnCells(input: CohortChartInput): number {
  let n = 0;
  for (let i = 0; i < input.values.length; i++) {
    const value = input.values[i];
    if (input.states[i] !== FUTURE && value === value) n++;
  }
  if (input.average)
    for (let j = 0; j < input.average.length; j++) if (input.average[j] === input.average[j]) n++;
  return n;
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
  const written = heatmapWritesValues(input);
  const side = written ? CELL : SMALL_CELL;
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
    width: Math.max(200, input.columns.length * side * (written ? 1.6 : 1)),
    height: order.length * side,
    ...(written ? {} : CANVAS),
    data: { name: 'cells', values: rows, format: { parse: null } },
    layer: [
      {
        mark: { type: 'rect', stroke: '#fff', strokeWidth: written ? 1 : 0, ...lean },
        encoding: {
          x,
          y,
          color: {
            field: 'value',
            type: 'quantitative',
            title: labels.value,
            scale: { scheme: 'blues', ...(domain ? { domain, clamp: true } : {}) },
            legend: written ? null : { orient: 'right', format: '.0%' },
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
      ...(written
        ? [
            {
              mark: { type: 'text' as const, fontSize: 10, color: '#222', ...lean },
              encoding: { x, y, text: { field: 'text', type: 'nominal' as const } },
            },
          ]
        : []),
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
  const many = input.cohorts.length > MAX_LEGEND_COHORTS;
  const tooltip = [
    { field: 'cohort', type: 'nominal' as const, title: labels.cohort },
    { field: 'column', type: 'nominal' as const, title: labels.period },
    { field: 'text', type: 'nominal' as const, title: labels.value },
  ];
  if (many) {
    // Too many cohorts to tell apart by colour: lines only, the average in
    // black on top, the cohort named in the tooltip.
    return {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      width: 'container',
      height: 300,
      ...CANVAS,
      data: { name: 'cells', values: rows, format: { parse: null } },
      mark: { type: 'line', strokeWidth: 1, ...lean },
      encoding: {
        x,
        y,
        color: { ...color, legend: null },
        strokeWidth: {
          condition: { test: { field: 'cohort', equal: labels.average }, value: 3 },
          value: 1,
        },
        detail: { field: 'cohort', type: 'nominal' },
        order: { field: 'at', type: 'quantitative' },
        tooltip,
      },
    };
  }
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
          tooltip,
        },
      },
    ],
  };
}
