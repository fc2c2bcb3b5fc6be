// Gains and lift by decile, and the Kolmogorov–Smirnov statistic. Pure;
// runs in the compute worker and in Node.
//
// Deciles: rows ranked by score descending; the row at rank i (0-based, of
// n) belongs to decile ⌊10 i / n⌋ + 1, so the ten groups differ in size by
// at most one row (decile d + 1 holds ranks ⌈dn/10⌉ to ⌈(d+1)n/10⌉ − 1).
// Ties: rows of equal score cannot be told apart, so a tie group that spans
// a decile boundary shares its positives among the deciles in proportion to
// the rows it puts in each (a decile's positives may then be fractional).
// This is the expected count under a random order of the tied rows: it does
// not depend on the rows' order in the file, and the cumulative gains stay on
// the straight segment the ROC curve draws across the tie. With fewer than 10
// rows some deciles hold no row; they are left out of the table.
//
// KS: max over thresholds t of |TPR(t) − FPR(t)|, rows with score ≥ t
// predicted positive — the two-sample Kolmogorov–Smirnov statistic of the
// positives' against the negatives' scores (scipy ks_2samp). Its threshold is
// the highest score where the maximum is reached.

import { scoreGroups } from './groups';

export interface GainsRow {
  /** 1 (highest scores) to 10. */
  decile: number;
  rows: number;
  /** Positives in the decile (fractional when a tie group spans its boundary). */
  positives: number;
  /** Cumulative share of all rows contacted, down to this decile: also the random line. */
  contactedShare: number;
  /** Cumulative share of all positives captured. */
  capturedShare: number;
  /** The decile's positive rate over the overall rate. */
  lift: number;
  /** capturedShare / contactedShare. */
  cumulativeLift: number;
  /** The random line's captured share (= contactedShare). */
  random: number;
  /** The perfect line's captured share: every positive ranked first, min(1, rows so far / P). */
  perfect: number;
}

/** Gains and lift by decile (unweighted). */
export function gainsTable(score: Float64Array, outcome: Uint8Array): GainsRow[] {
  const groups = scoreGroups(score, outcome);
  const n = score.length;
  const total = groups.positives;
  const rows = new Float64Array(10);
  const positives = new Float64Array(10);
  for (let d = 0; d < 10; d++) rows[d] = decileStart(d + 1, n) - decileStart(d, n);
  let start = 0;
  let tpBefore = 0;
  let d = 0;
  for (let g = 0; g < groups.thresholds.length; g++) {
    const end = groups.tp[g] + groups.fp[g];
    const share = (groups.tp[g] - tpBefore) / (end - start);
    // Walk the deciles this group's ranks [start, end) overlap.
    let from = start;
    while (from < end) {
      while (decileStart(d + 1, n) <= from) d++;
      const to = Math.min(end, decileStart(d + 1, n));
      positives[d] += share * (to - from);
      from = to;
    }
    start = end;
    tpBefore = groups.tp[g];
  }
  const out: GainsRow[] = [];
  let cumulativeRows = 0;
  let cumulativePositives = 0;
  for (let k = 0; k < 10; k++) {
    if (rows[k] === 0) continue;
    cumulativeRows += rows[k];
    cumulativePositives += positives[k];
    const contactedShare = cumulativeRows / n;
    const capturedShare = cumulativePositives / total;
    out.push({
      decile: k + 1,
      rows: rows[k],
      positives: positives[k],
      contactedShare,
      capturedShare,
      lift: positives[k] / rows[k] / (total / n),
      cumulativeLift: capturedShare / contactedShare,
      random: contactedShare,
      perfect: Math.min(1, cumulativeRows / total),
    });
  }
  return out;
}

/** First rank (0-based) of decile d (0-based); decileStart(10, n) = n. */
function decileStart(d: number, n: number): number {
  return Math.ceil((d * n) / 10);
}

export interface KsStatistic {
  statistic: number;
  /** The highest score at which |TPR − FPR| reaches its maximum. */
  threshold: number;
  tpr: number;
  fpr: number;
}

export function ksStatistic(score: Float64Array, outcome: Uint8Array): KsStatistic {
  const groups = scoreGroups(score, outcome);
  let best = -1;
  let at = 0;
  for (let g = 0; g < groups.thresholds.length; g++) {
    const d = Math.abs(groups.tp[g] / groups.positives - groups.fp[g] / groups.negatives);
    if (d > best) {
      best = d;
      at = g;
    }
  }
  return {
    statistic: best,
    threshold: groups.thresholds[at],
    tpr: groups.tp[at] / groups.positives,
    fpr: groups.fp[at] / groups.negatives,
  };
}
