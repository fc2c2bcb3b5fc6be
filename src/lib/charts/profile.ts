// Sparkline-sized charts of a column profile: a histogram for numbers and
// dates, a bar chart of the most frequent values for strings, booleans and
// 0/1 flags (profileChartSpec chooses).
// Pure spec builders (profile → Vega-Lite spec); run anywhere. The page
// embeds them with vega-interpreter (CSP without 'unsafe-eval'), so the specs
// use no expressions: tooltip texts are formatted here, into the data.

import type { TopLevelSpec } from 'vega-lite';
import type { ColumnProfile } from '../engine/data/profile';

/** Axis and tooltip titles, already translated by the caller. */
export interface ProfileChartLabels {
  count: string;
  from: string;
  to: string;
  value: string;
}

const ENGLISH: ProfileChartLabels = { count: 'Count', from: 'From', to: 'To', value: 'Value' };

const WIDTH = 160;
const HEIGHT = 60;
const DAY_MS = 86_400_000;

function isDate(profile: ColumnProfile): boolean {
  return profile.type === 'date' || profile.type === 'datetime';
}

/** Bin edges as the user reads them: dates in UTC, numbers to 6 significant digits. */
function edgeText(x: number, date: boolean): string {
  if (!date) return String(Number(x.toPrecision(6)));
  const iso = new Date(x).toISOString();
  return x % DAY_MS === 0 ? iso.slice(0, 10) : iso.slice(0, 16).replace('T', ' ');
}

/** Histogram of a numeric or date column; null when the profile has none. */
export function histogramSpec(
  profile: ColumnProfile,
  labels: ProfileChartLabels = ENGLISH,
): TopLevelSpec | null {
  if (!profile.histogram || profile.histogram.length === 0) return null;
  const date = isDate(profile);
  const values = profile.histogram.map((b) => ({
    x0: b.x0,
    x1: b.x1,
    count: b.count,
    from: edgeText(b.x0, date),
    to: edgeText(b.x1, date),
  }));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: WIDTH,
    height: HEIGHT,
    data: { name: 'bins', values },
    // A rect from x0 to x1 and from 0 to the count: with only x2 given,
    // Vega-Lite would take a bar for a horizontal range and draw thin strokes.
    mark: { type: 'rect', tooltip: true },
    encoding: {
      x: {
        field: 'x0',
        type: date ? 'temporal' : 'quantitative',
        // Dates are epoch ms in UTC; a local scale would shift the bins.
        scale: date ? { type: 'utc' } : { zero: false, nice: false },
        axis: { title: null, tickCount: 3, labelFontSize: 9, ...(date ? { format: '%Y-%m' } : {}) },
      },
      x2: { field: 'x1' },
      y: { field: 'count', type: 'quantitative', axis: null },
      y2: { datum: 0 },
      tooltip: [
        { field: 'from', type: 'nominal', title: labels.from },
        { field: 'to', type: 'nominal', title: labels.to },
        { field: 'count', type: 'quantitative', title: labels.count },
      ],
    },
    config: { view: { stroke: null } },
  };
}

/**
 * Most frequent values as horizontal bars; null when the profile has none, or
 * when even the most frequent value occurs once (an identifier: a row of
 * equal bars would say nothing).
 */
export function topValuesSpec(
  profile: ColumnProfile,
  labels: ProfileChartLabels = ENGLISH,
): TopLevelSpec | null {
  if (!profile.top || profile.top.length === 0 || profile.top[0].count <= 1) return null;
  const values = profile.top.map((t, rank) => ({ value: t.value, count: t.count, rank }));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: WIDTH,
    height: { step: 12 },
    data: { name: 'top', values },
    mark: { type: 'bar', tooltip: true },
    encoding: {
      y: {
        field: 'value',
        type: 'nominal',
        // Keep the profile's order (by count, ties by first appearance).
        sort: { field: 'rank', order: 'ascending' },
        axis: { title: null, labelLimit: 80, labelFontSize: 9 },
      },
      x: { field: 'count', type: 'quantitative', axis: null },
      tooltip: [
        { field: 'value', type: 'nominal', title: labels.value },
        { field: 'count', type: 'quantitative', title: labels.count },
      ],
    },
    config: { view: { stroke: null } },
  };
}

/**
 * The chart of a column's profile: bars of its values for strings, booleans
 * and flags (integer 0/1 columns, whose histogram would be two spikes on a
 * 0–2 axis), a histogram for other numbers and dates; null when there is
 * nothing to draw.
 */
export function profileChartSpec(
  profile: ColumnProfile,
  labels: ProfileChartLabels = ENGLISH,
): TopLevelSpec | null {
  if (profile.flag || !profile.histogram?.length) return topValuesSpec(profile, labels);
  return histogramSpec(profile, labels);
}
