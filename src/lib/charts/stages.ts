// Lifecycle stage charts: stage counts by month as a stacked area, the
// monthly churn and win-back rates as lines, and the transition between two
// dates as a heatmap (from × to, counts with row shares) and as a two-column
// flow (each stage a bar on either side, each from → to link a band as wide
// as its count). Vega-Lite specs; pure spec builders (result → spec), run
// anywhere. The page embeds them with vega-interpreter under a CSP without
// 'unsafe-eval', so the specs hold no expressions: every text and position
// is computed into the data.

import type { TopLevelSpec } from 'vega-lite';

/** Titles, already translated by the caller. */
export interface StageChartLabels {
  month: string;
  customers: string;
  stage: string;
  rate: string;
  from: string;
  to: string;
  /** The row share's title in the heatmap's tooltip. */
  share: string;
}

/** A stage as charted: its (translated) name and colour. */
export interface ChartStage {
  name: string;
  colour: string;
}

export const STAGE_COLOURS = [
  '#9ecae9',
  '#e45756',
  '#f58518',
  '#54a24b',
  '#4c78a8',
  '#b279a2',
  '#eeca3b',
  '#72b7b2',
  '#ff9da6',
  '#9d755d',
];
/** Unmatched customers, and those not yet customers at the first date. */
export const OTHER_COLOUR = '#bab0ac';

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
const lean = { aria: false } as const;

function colourScale(stages: readonly ChartStage[]) {
  return { domain: stages.map((s) => s.name), range: stages.map((s) => s.colour) };
}

/**
 * Stage counts by month, stacked in the stages' order (the first stage at
 * the bottom). `counts`: months × stages, row-major.
 */
export function stageCountsSpec(
  months: readonly string[],
  stages: readonly ChartStage[],
  counts: ArrayLike<number>,
  labels: StageChartLabels,
  format: (v: number) => string,
): TopLevelSpec {
  const K = stages.length;
  const rows = months.flatMap((month, s) =>
    stages.map((stage, k) => ({
      month,
      stage: stage.name,
      order: k,
      count: counts[s * K + k],
      text: format(counts[s * K + k]),
    })),
  );
  const x = { field: 'month', type: 'ordinal' as const, title: labels.month, sort: [...months] };
  return {
    $schema: SCHEMA,
    width: 'container',
    height: 260,
    data: { name: 'counts', values: rows, format: { parse: null } },
    mark: { type: 'area', interpolate: 'monotone', line: false, ...lean },
    encoding: {
      x,
      y: { field: 'count', type: 'quantitative', stack: 'zero', title: labels.customers },
      color: {
        field: 'stage',
        type: 'nominal',
        title: labels.stage,
        scale: colourScale(stages),
        sort: stages.map((s) => s.name),
      },
      order: { field: 'order', type: 'quantitative' },
      tooltip: [
        { field: 'month', type: 'nominal', title: labels.month },
        { field: 'stage', type: 'nominal', title: labels.stage },
        { field: 'text', type: 'nominal', title: labels.customers },
      ],
    },
  };
}

/** Monthly rates as lines, one per series (churn, win-back); NaN months are left out. */
export function stageRatesSpec(
  months: readonly string[],
  series: readonly { name: string; colour: string; rates: ArrayLike<number> }[],
  labels: StageChartLabels,
  format: (v: number) => string,
): TopLevelSpec {
  const rows = series.flatMap((s) =>
    months.flatMap((month, i) => {
      const rate = s.rates[i];
      return rate === rate ? [{ month, series: s.name, rate, text: format(rate) }] : [];
    }),
  );
  return {
    $schema: SCHEMA,
    width: 'container',
    height: 200,
    data: { name: 'rates', values: rows, format: { parse: null } },
    mark: { type: 'line', point: { size: 20 }, ...lean },
    encoding: {
      x: { field: 'month', type: 'ordinal', title: labels.month, sort: [...months] },
      y: { field: 'rate', type: 'quantitative', title: labels.rate, axis: { format: '.0%' } },
      color: {
        field: 'series',
        type: 'nominal',
        title: null,
        scale: { domain: series.map((s) => s.name), range: series.map((s) => s.colour) },
      },
      tooltip: [
        { field: 'month', type: 'nominal', title: labels.month },
        { field: 'series', type: 'nominal', title: ' ' },
        { field: 'text', type: 'nominal', title: labels.rate },
      ],
    },
  };
}

/** The transition as the charts read it: row and column stages and counts (rows × columns). */
export interface TransitionInput {
  from: readonly ChartStage[];
  to: readonly ChartStage[];
  counts: ArrayLike<number>;
}

/** From × to, coloured by row share, each cell's count and row share written in it. */
export function transitionHeatmapSpec(
  input: TransitionInput,
  labels: StageChartLabels,
  formatCount: (v: number) => string,
  formatShare: (v: number) => string,
): TopLevelSpec {
  const C = input.to.length;
  const rows = input.from.flatMap((a, i) => {
    let total = 0;
    for (let j = 0; j < C; j++) total += input.counts[i * C + j];
    return input.to.map((b, j) => {
      const count = input.counts[i * C + j];
      const share = total > 0 ? count / total : 0;
      return {
        from: a.name,
        to: b.name,
        count,
        share,
        text: count > 0 ? `${formatCount(count)} · ${formatShare(share)}` : '',
        countText: formatCount(count),
        shareText: formatShare(share),
        // Light text on the dark cells.
        dark: share > 0.6,
      };
    });
  });
  const x = {
    field: 'to',
    type: 'ordinal' as const,
    title: labels.to,
    sort: input.to.map((s) => s.name),
    axis: { orient: 'top' as const, labelAngle: 0 },
  };
  const y = {
    field: 'from',
    type: 'ordinal' as const,
    title: labels.from,
    sort: input.from.map((s) => s.name),
  };
  return {
    $schema: SCHEMA,
    width: Math.max(300, C * 95),
    height: input.from.length * 30,
    data: { name: 'transition', values: rows, format: { parse: null } },
    layer: [
      {
        mark: { type: 'rect', stroke: '#fff', strokeWidth: 1, ...lean },
        encoding: {
          x,
          y,
          color: {
            field: 'share',
            type: 'quantitative',
            scale: { scheme: 'blues', domain: [0, 1] },
            legend: null,
          },
          tooltip: [
            { field: 'from', type: 'nominal', title: labels.from },
            { field: 'to', type: 'nominal', title: labels.to },
            { field: 'countText', type: 'nominal', title: labels.customers },
            { field: 'shareText', type: 'nominal', title: labels.share },
          ],
        },
      },
      {
        mark: { type: 'text', fontSize: 10, ...lean },
        encoding: {
          x,
          y,
          text: { field: 'text', type: 'nominal' },
          color: {
            field: 'dark',
            type: 'nominal',
            scale: { domain: [true, false], range: ['#fff', '#222'] },
            legend: null,
          },
        },
      },
    ],
  };
}

const FLOW_HEIGHT = 320;
/** Pixels between the stacked stages of a side. */
const GAP = 6;

/**
 * The two-column flow: the stages at the first date stacked on the left,
 * at the second on the right, and a band per from → to pair drawn as a
 * rule whose stroke is as wide as the pair's count (positions in pixels,
 * computed here). Stages with no customers on a side are left out of it.
 */
export function transitionFlowSpec(
  input: TransitionInput,
  labels: StageChartLabels,
  formatCount: (v: number) => string,
): TopLevelSpec {
  const R = input.from.length;
  const C = input.to.length;
  const rowTotal = Array.from({ length: R }, (_, i) => {
    let t = 0;
    for (let j = 0; j < C; j++) t += input.counts[i * C + j];
    return t;
  });
  const colTotal = Array.from({ length: C }, (_, j) => {
    let t = 0;
    for (let i = 0; i < R; i++) t += input.counts[i * C + j];
    return t;
  });
  const total = rowTotal.reduce((a, b) => a + b, 0);
  const leftGaps = rowTotal.filter((t) => t > 0).length - 1;
  const rightGaps = colTotal.filter((t) => t > 0).length - 1;
  const scale = total > 0 ? (FLOW_HEIGHT - GAP * Math.max(leftGaps, rightGaps, 0)) / total : 0;
  // Each side's stages, top to bottom.
  const stack = (totals: number[], stages: readonly ChartStage[], side: 0 | 1) => {
    const out: {
      y: number;
      y2: number;
      name: string;
      colour: string;
      side: number;
      text: string;
    }[] = [];
    let y = 0;
    totals.forEach((t, k) => {
      if (t === 0) return;
      out.push({
        y,
        y2: y + t * scale,
        name: stages[k].name,
        colour: stages[k].colour,
        side,
        text: `${stages[k].name} · ${formatCount(t)}`,
      });
      y += t * scale + GAP;
    });
    return out;
  };
  const left = stack(rowTotal, input.from, 0);
  const right = stack(colTotal, input.to, 1);
  const leftAt = new Map(left.map((n) => [n.name, n.y]));
  const rightAt = new Map(right.map((n) => [n.name, n.y]));
  const links: object[] = [];
  for (let i = 0; i < R; i++) {
    for (let j = 0; j < C; j++) {
      const count = input.counts[i * C + j];
      if (count === 0) continue;
      const w = count * scale;
      const a = leftAt.get(input.from[i].name)!;
      const b = rightAt.get(input.to[j].name)!;
      leftAt.set(input.from[i].name, a + w);
      rightAt.set(input.to[j].name, b + w);
      links.push({
        x: 0,
        x2: 1,
        y: a + w / 2,
        y2: b + w / 2,
        width: Math.max(w, 0.5),
        from: input.from[i].name,
        to: input.to[j].name,
        colour: input.from[i].colour,
        text: formatCount(count),
      });
    }
  }
  const nodes = [...left, ...right];
  const xScale = { domain: [0, 1], range: [90, 410] };
  const yScale = { domain: [0, FLOW_HEIGHT], range: [0, FLOW_HEIGHT] };
  const identity = { field: 'colour', type: 'nominal' as const, scale: null, legend: null };
  return {
    $schema: SCHEMA,
    width: 500,
    height: FLOW_HEIGHT,
    layer: [
      {
        data: { values: links, format: { parse: null } },
        mark: { type: 'rule', opacity: 0.35, strokeCap: 'butt', ...lean },
        encoding: {
          x: { field: 'x', type: 'quantitative', scale: xScale, axis: null },
          x2: { field: 'x2' },
          y: { field: 'y', type: 'quantitative', scale: yScale, axis: null },
          y2: { field: 'y2' },
          strokeWidth: { field: 'width', type: 'quantitative', scale: null, legend: null },
          color: identity,
          tooltip: [
            { field: 'from', type: 'nominal', title: labels.from },
            { field: 'to', type: 'nominal', title: labels.to },
            { field: 'text', type: 'nominal', title: labels.customers },
          ],
        },
      },
      {
        data: { values: nodes, format: { parse: null } },
        mark: { type: 'bar', width: 14, ...lean },
        encoding: {
          x: { field: 'side', type: 'quantitative', scale: xScale, axis: null },
          y: { field: 'y', type: 'quantitative', scale: yScale, axis: null },
          y2: { field: 'y2' },
          color: identity,
          tooltip: { field: 'text', type: 'nominal' },
        },
      },
      ...([0, 1] as const).map((side) => ({
        data: { values: nodes.filter((n) => n.side === side), format: { parse: null } },
        mark: {
          type: 'text' as const,
          align: side === 0 ? ('right' as const) : ('left' as const),
          dx: side === 0 ? -10 : 10,
          baseline: 'top' as const,
          fontSize: 10,
          ...lean,
        },
        encoding: {
          x: { field: 'side', type: 'quantitative' as const, scale: xScale, axis: null },
          y: { field: 'y', type: 'quantitative' as const, scale: yScale, axis: null },
          text: { field: 'text', type: 'nominal' as const },
        },
      })),
      {
        data: {
          values: [
            { side: 0, title: labels.from },
            { side: 1, title: labels.to },
          ],
        },
        mark: { type: 'text', fontWeight: 'bold', dy: -8, ...lean },
        encoding: {
          x: { field: 'side', type: 'quantitative', scale: xScale, axis: null },
          y: { datum: 0, type: 'quantitative', scale: yScale, axis: null },
          text: { field: 'title', type: 'nominal' },
        },
      },
    ],
  };
}
