// RFM charts: the R × F heatmap (a cell per R and F score, coloured by its
// customers' mean monetary value — by their count for a log without amounts —
// with the count written in it), and the customers' share beside the
// revenue's share per segment as grouped bars. Vega-Lite specs; pure spec
// builders (result → spec), run anywhere. The page embeds them with
// vega-interpreter under a CSP without 'unsafe-eval', so the specs hold no
// expressions: every text is formatted into the data.

import type { TopLevelSpec } from 'vega-lite';

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
const CELL = 34;
const lean = { aria: false } as const;

/** Titles, already translated by the caller. */
export interface RfmGridLabels {
  r: string;
  f: string;
  /** The colour's title: mean monetary (or the count without amounts). */
  value: string;
  count: string;
}

export interface RfmGridInput {
  /** R and F scores' counts (qR rows × qF columns, row-major by R − 1). */
  bins: { recency: number; frequency: number };
  count: ArrayLike<number>;
  /** Mean monetary per cell (NaN where empty); null colours by count. */
  meanMonetary: ArrayLike<number> | null;
}

/**
 * The heatmap: R score on y (best at the top), F on x; empty cells drawn
 * blank with a 0, so a bin left empty by ties is seen, not missing.
 */
export function rfmGridSpec(
  input: RfmGridInput,
  labels: RfmGridLabels,
  formatCount: (v: number) => string,
  formatValue: (v: number) => string,
): TopLevelSpec {
  const qR = input.bins.recency;
  const qF = input.bins.frequency;
  const rows = [];
  for (let r = 1; r <= qR; r++) {
    for (let f = 1; f <= qF; f++) {
      const g = (r - 1) * qF + f - 1;
      const count = input.count[g];
      const value = input.meanMonetary ? input.meanMonetary[g] : count;
      const filled = count > 0 && value === value;
      rows.push({
        r: String(r),
        f: String(f),
        count,
        countText: formatCount(count),
        // null leaves an empty cell uncoloured.
        value: filled ? value : null,
        valueText: filled ? formatValue(value) : '',
      });
    }
  }
  const x = {
    field: 'f',
    type: 'ordinal' as const,
    title: labels.f,
    sort: Array.from({ length: qF }, (_, i) => String(i + 1)),
    axis: { labelAngle: 0 },
  };
  const y = {
    field: 'r',
    type: 'ordinal' as const,
    title: labels.r,
    sort: Array.from({ length: qR }, (_, i) => String(qR - i)),
  };
  return {
    $schema: SCHEMA,
    width: qF * CELL * 1.6,
    height: qR * CELL,
    data: { name: 'cells', values: rows, format: { parse: null } },
    layer: [
      {
        mark: { type: 'rect', stroke: '#fff', strokeWidth: 1, invalid: 'filter', ...lean },
        encoding: {
          x,
          y,
          color: {
            field: 'value',
            type: 'quantitative',
            title: labels.value,
            scale: { scheme: 'blues' },
          },
          tooltip: [
            { field: 'r', type: 'nominal', title: labels.r },
            { field: 'f', type: 'nominal', title: labels.f },
            { field: 'countText', type: 'nominal', title: labels.count },
            { field: 'valueText', type: 'nominal', title: labels.value },
          ],
        },
      },
      {
        mark: { type: 'text', fontSize: 11, color: '#222', ...lean },
        encoding: { x, y, text: { field: 'countText', type: 'nominal' } },
      },
    ],
  };
}

/** Titles, already translated by the caller. */
export interface RfmSegmentLabels {
  segment: string;
  share: string;
  customers: string;
  revenue: string;
}

export interface RfmSegmentInput {
  /** Segment names, in rule order (other last). */
  names: readonly string[];
  customerShare: ArrayLike<number>;
  /** Per segment; null for a log without amounts (customers only). */
  revenueShare: ArrayLike<number> | null;
}

/**
 * Grouped horizontal bars: per segment, its share of customers and (with
 * amounts) its share of revenue, side by side; empty segments are kept, so
 * the rules' order reads down the chart.
 */
export function rfmSegmentsSpec(
  input: RfmSegmentInput,
  labels: RfmSegmentLabels,
  formatShare: (v: number) => string,
): TopLevelSpec {
  const rows: { segment: string; measure: string; share: number; text: string }[] = [];
  input.names.forEach((segment, k) => {
    const c = input.customerShare[k];
    rows.push({ segment, measure: labels.customers, share: c, text: formatShare(c) });
    if (input.revenueShare) {
      const v = input.revenueShare[k];
      // A whole of no revenue (all netted away) has no shares to draw.
      if (v === v) rows.push({ segment, measure: labels.revenue, share: v, text: formatShare(v) });
    }
  });
  const measures = [labels.customers, ...(input.revenueShare ? [labels.revenue] : [])];
  const y = {
    field: 'segment',
    type: 'nominal' as const,
    title: labels.segment,
    sort: [...input.names],
  };
  const x = {
    field: 'share',
    type: 'quantitative' as const,
    title: labels.share,
    axis: { format: '.0%' },
  };
  const color = {
    field: 'measure',
    type: 'nominal' as const,
    title: null,
    scale: { domain: measures, range: ['#4c78a8', '#f58518'] },
    legend: { orient: 'top' as const },
  };
  return {
    $schema: SCHEMA,
    width: 360,
    height: { step: 12 * measures.length + 6 },
    data: { name: 'bars', values: rows, format: { parse: null } },
    encoding: { y, yOffset: { field: 'measure', type: 'nominal', sort: measures } },
    layer: [
      {
        mark: { type: 'bar', ...lean },
        encoding: {
          x,
          color,
          tooltip: [
            { field: 'segment', type: 'nominal', title: labels.segment },
            { field: 'measure', type: 'nominal', title: ' ' },
            { field: 'text', type: 'nominal', title: labels.share },
          ],
        },
      },
      {
        mark: { type: 'text', align: 'left', dx: 3, fontSize: 10, color: '#222', ...lean },
        encoding: { x, text: { field: 'text', type: 'nominal' } },
      },
    ],
  };
}
