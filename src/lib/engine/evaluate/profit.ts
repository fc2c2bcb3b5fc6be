// The cost-based threshold: expected profit of a retention campaign that
// contacts every row scored at or above a threshold, by threshold and by
// share contacted, and the threshold that earns most. Pure; runs in the
// compute worker and in Node.
//
// The analyst gives the cost of one contact, the value kept when a customer
// who would have lapsed is retained (one figure, or one per row such as the
// premium or a CLV), and the share of contacted lapsers the action retains
// (default 1). Contacting the rows with score ≥ t earns
//   profit(t) = Σ over contacted rows (outcome · success · value − cost):
// a contacted lapser is kept with probability `success` and is worth its
// value; every contact costs, lapser or not, and a customer who would have
// stayed anyway earns nothing from the call. A threshold contacts all rows at that
// score (ties are never split). The curve starts at "contact nobody"
// (profit 0, threshold = highest score + 1 as in ./roc.ts), so the best
// choice is never worse than doing nothing; of equal profits the one with
// the fewest contacts is chosen. The curve sent to a chart is thinned to
// `maxPoints` (the best point always kept); the best is found on all rows.

import { EngineError } from '../data/table';
import { checkInput, descendingOrder, thinIndex } from './groups';

export interface ProfitOptions {
  /** Cost of one retention contact. */
  contactCost: number;
  /** Value kept per retained lapser: one figure, or one per row. */
  value: number | Float64Array;
  /** Share of contacted lapsers the action retains, in [0, 1]; default 1. */
  success?: number;
  /** Points of the returned curve, default 400. */
  maxPoints?: number;
}

/** The same curve on two axes: by threshold, and by share contacted. */
export interface ProfitCurve {
  /** Descending; threshold[0] = highest score + 1 (nobody contacted). */
  threshold: number[];
  /** Share of all rows contacted, 0 to 1. */
  contacted: number[];
  profit: number[];
}

export interface ProfitBest {
  threshold: number;
  /** Share of rows contacted. */
  contacted: number;
  /** Rows contacted. */
  rows: number;
  profit: number;
  tp: number;
  fp: number;
  fn: number;
  tn: number;
}

export interface ProfitResult {
  curve: ProfitCurve;
  best: ProfitBest;
  /** False when the curve was thinned (the best is exact either way). */
  exact: boolean;
}

function checkOptions(n: number, options: ProfitOptions): void {
  const { contactCost, value, success = 1, maxPoints = 400 } = options;
  if (!Number.isInteger(maxPoints) || maxPoints < 3)
    throw new EngineError('evaluate.bad-option', { option: 'maxPoints', value: maxPoints });
  if (!Number.isFinite(contactCost))
    throw new EngineError('evaluate.bad-cost', { field: 'contactCost' });
  if (!(success >= 0 && success <= 1))
    throw new EngineError('evaluate.bad-cost', { field: 'success' });
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new EngineError('evaluate.bad-cost', { field: 'value' });
    return;
  }
  if (value.length !== n)
    throw new EngineError('evaluate.length-mismatch', { scores: n, values: value.length });
  for (let i = 0; i < n; i++)
    if (!Number.isFinite(value[i]))
      throw new EngineError('evaluate.bad-cost', { field: 'value', row: i + 1 });
}

export function profitCurve(
  score: Float64Array,
  outcome: Uint8Array,
  options: ProfitOptions,
): ProfitResult {
  checkInput(score, outcome);
  checkOptions(score.length, options);
  const { contactCost, value, success = 1, maxPoints = 400 } = options;
  const n = score.length;
  const order = descendingOrder(score);
  let positives = 0;
  for (let i = 0; i < n; i++) positives += outcome[i];

  const threshold = [score[order[0]] + 1];
  const contacted = [0];
  const profit = [0];
  const rows = [0];
  const tps = [0];
  // Value kept over contacted lapsers, summed with Neumaier's compensation
  // (a million rows of currency amounts).
  let kept = 0;
  let keptC = 0;
  let tp = 0;
  for (let k = 0; k < n; k++) {
    const i = order[k];
    if (outcome[i] === 1) {
      tp++;
      const v = typeof value === 'number' ? value : value[i];
      const t = kept + v;
      keptC += Math.abs(kept) >= Math.abs(v) ? kept - t + v : v - t + kept;
      kept = t;
    }
    if (k + 1 < n && score[order[k + 1]] === score[i]) continue;
    threshold.push(score[i]);
    contacted.push((k + 1) / n);
    profit.push(success * (kept + keptC) - contactCost * (k + 1));
    rows.push(k + 1);
    tps.push(tp);
  }

  let at = 0;
  for (let j = 1; j < profit.length; j++) if (profit[j] > profit[at]) at = j;
  const best: ProfitBest = {
    threshold: threshold[at],
    contacted: contacted[at],
    rows: rows[at],
    profit: profit[at],
    tp: tps[at],
    fp: rows[at] - tps[at],
    fn: positives - tps[at],
    tn: n - positives - (rows[at] - tps[at]),
  };

  if (profit.length <= maxPoints)
    return { curve: { threshold, contacted, profit }, best, exact: true };
  // Thinned on a curve scaled to the unit square, so currency units do not
  // outweigh the share contacted; the best point is added back.
  let lo = Infinity;
  let hi = -Infinity;
  for (const p of profit) {
    lo = Math.min(lo, p);
    hi = Math.max(hi, p);
  }
  const scaled = profit.map((p) => (hi > lo ? (p - lo) / (hi - lo) : 0));
  const keep = new Set(thinIndex(contacted, scaled, maxPoints - 1));
  keep.add(at);
  const index = [...keep].sort((a, b) => a - b);
  return {
    curve: {
      threshold: index.map((j) => threshold[j]),
      contacted: index.map((j) => contacted[j]),
      profit: index.map((j) => profit[j]),
    },
    best,
    exact: false,
  };
}
