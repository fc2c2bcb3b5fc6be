// Personas charts: the k sweep (one spec for the elbow — inertia by k — and
// one for the mean silhouette width by k, each with the suggested k marked by
// a rule and a filled point), and the profile heatmap (personas × matrix
// columns, coloured by the persona's standardised mean, diverging at 0).
// Vega-Lite specs; pure spec builders (result → spec), run anywhere. The page
// embeds them with vega-interpreter under a CSP without 'unsafe-eval', so the
// specs hold no expressions: tooltip texts are formatted into the data.

import type { TopLevelSpec } from 'vega-lite';

const HEIGHT = 220;
const lean = { aria: false, invalid: 'filter' } as const;
const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
/** A number as a tooltip prints it by default: up to 4 significant digits. */
const short = (v: number) => String(Number(v.toPrecision(4)));

export interface SweepChartLabels {
  k: string;
  /** The y axis: inertia, or the mean silhouette width. */
  value: string;
  suggested: string;
}

/** One point per k; null values (an unscored k) are left out. */
export interface SweepChartInput {
  points: readonly { k: number; value: number | null }[];
  suggestedK: number;
}

/** A line of the value by k with points, the suggested k as a dashed rule and a filled point. */
export function sweepSpec(
  input: SweepChartInput,
  labels: SweepChartLabels,
  format: (v: number) => string = short,
): TopLevelSpec {
  const rows = input.points.flatMap((p) =>
    p.value === null
      ? []
      : [
          {
            k: p.k,
            value: p.value,
            valueText: format(p.value),
            suggested: p.k === input.suggestedK ? labels.suggested : '',
          },
        ],
  );
  const x = {
    field: 'k',
    type: 'quantitative' as const,
    title: labels.k,
    axis: { tickMinStep: 1, format: 'd' },
    scale: { zero: false },
  };
  const y = {
    field: 'value',
    type: 'quantitative' as const,
    title: labels.value,
    scale: { zero: false },
  };
  const tooltip = [
    { field: 'k', type: 'quantitative' as const, title: labels.k },
    { field: 'valueText', type: 'nominal' as const, title: labels.value },
  ];
  return {
    $schema: SCHEMA,
    width: 'container',
    height: HEIGHT,
    data: { name: 'sweep', values: rows, format: { parse: null } },
    layer: [
      { mark: { type: 'line', ...lean }, encoding: { x, y } },
      { mark: { type: 'point', size: 50, ...lean }, encoding: { x, y, tooltip } },
      {
        transform: [{ filter: { field: 'k', equal: input.suggestedK } }],
        layer: [
          { mark: { type: 'rule', strokeDash: [4, 4], ...lean }, encoding: { x } },
          {
            mark: { type: 'point', filled: true, size: 120, ...lean },
            encoding: { x, y, tooltip },
          },
          {
            mark: { type: 'text', dy: -12, ...lean },
            encoding: { x, y, text: { field: 'suggested', type: 'nominal' as const } },
          },
        ],
      },
    ],
  };
}

export interface HeatmapChartLabels {
  persona: string;
  feature: string;
  z: string;
  personaMean: string;
  bookMean: string;
}

export interface HeatmapChartInput {
  /** Persona names, with their sizes as the caller wants them shown ("Persona 1 (1,234)"). */
  personas: readonly string[];
  /** Matrix columns' names ("age", "region = north"). */
  features: readonly string[];
  /** z[p][f]: persona p's standardised mean of column f. */
  z: readonly (readonly number[])[];
  means: readonly (readonly number[])[];
  bookMeans: readonly number[];
}

/** Personas (rows) × columns, coloured by z on a diverging scale symmetric about 0, z written in each cell. */
export function heatmapSpec(
  input: HeatmapChartInput,
  labels: HeatmapChartLabels,
  format: (v: number) => string = short,
): TopLevelSpec {
  const rows = input.personas.flatMap((persona, p) =>
    input.features.map((feature, f) => ({
      persona,
      feature,
      z: input.z[p][f],
      zText: format(input.z[p][f]),
      meanText: format(input.means[p][f]),
      bookText: format(input.bookMeans[f]),
    })),
  );
  const limit = Math.max(1, ...rows.map((r) => Math.abs(r.z)));
  const x = {
    field: 'feature',
    type: 'nominal' as const,
    title: labels.feature,
    sort: [...input.features],
  };
  const y = {
    field: 'persona',
    type: 'nominal' as const,
    title: labels.persona,
    sort: [...input.personas],
  };
  return {
    $schema: SCHEMA,
    width: 'container',
    height: Math.max(120, 36 * input.personas.length),
    data: { name: 'profile', values: rows, format: { parse: null } },
    encoding: { x, y },
    layer: [
      {
        mark: { type: 'rect', ...lean },
        encoding: {
          color: {
            field: 'z',
            type: 'quantitative',
            title: labels.z,
            scale: { scheme: 'redblue', reverse: true, domain: [-limit, limit] },
          },
          tooltip: [
            { field: 'persona', type: 'nominal', title: labels.persona },
            { field: 'feature', type: 'nominal', title: labels.feature },
            { field: 'zText', type: 'nominal', title: labels.z },
            { field: 'meanText', type: 'nominal', title: labels.personaMean },
            { field: 'bookText', type: 'nominal', title: labels.bookMean },
          ],
        },
      },
      {
        mark: { type: 'text', fontSize: 10, ...lean },
        encoding: { text: { field: 'zText', type: 'nominal' } },
      },
    ],
  };
}
