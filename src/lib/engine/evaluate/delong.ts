// DeLong's variance of the AUC, its confidence interval, and the paired
// DeLong test of two (or more) scores on the same rows — as pROC 1.18's
// ci.auc(roc, method = "delong"), var(roc, method = "delong") and
// roc.test(roc1, roc2, method = "delong", paired = TRUE), for ROCs built as
// roc(outcome, score, levels = c(0, 1), direction = "<"): controls are the
// rows with outcome 0, cases those with 1, a higher score means a case, and
// an AUC below 0.5 is reported as it is (never flipped). Pure; runs in the
// compute worker and in Node. Unweighted (pROC has no weights).
//
// Placements by the fast algorithm of Sun & Xu (2014, IEEE Signal Processing
// Letters 21:1389): with midranks over all rows (Rᵢ), among the cases (R¹ᵢ)
// and among the controls (R⁰ⱼ), a case's placement is
// Xᵢ = (Rᵢ − R¹ᵢ) / n₀ — the share of controls below it, ties counting
// half — and a control's is Yⱼ = 1 − (Rⱼ − R⁰ⱼ) / n₁: three sorts,
// O(n log n), instead of comparing every case with every control. The AUC
// is the mean of the Xᵢ, and
//   Var(AUC) = s²(X) / n₁ + s²(Y) / n₀  (sample variances, as R's var()).
// The CI is AUC ± z·√Var with z = qnorm(0.025) and qnorm(0.975) taken apart
// as R does, then clipped to [0, 1] as pROC does. The paired test's
// z = (AUC₁ − AUC₂) / √(LSLᵀ), S the 2 × 2 covariance of the placements,
// L = (1, −1); p = 2·P(Z > |z|); the difference's CI is d ± z₀.₉₇₅·√(LSLᵀ).
//
// Undefined cases throw instead of returning NaN (pROC returns NA or NaN):
// evaluate.too-few-for-ci with fewer than two cases or two controls, and
// evaluate.delong-degenerate when two different AUCs have a zero standard
// error for their difference (pROC's z would be infinite). Two equal AUCs
// with a zero standard error give z = 0, p = 1, as pROC.

import { EngineError } from '../data/table';
import { averageRanks } from '../stats/rank';
import { qnorm, zTestP } from '../stats/distributions';
import { checkInput } from './groups';

export interface DelongCi {
  auc: number;
  variance: number;
  /** Confidence level, e.g. 0.95. */
  level: number;
  lower: number;
  upper: number;
}

export interface DelongTest {
  auc1: number;
  auc2: number;
  /** auc1 − auc2. */
  difference: number;
  z: number;
  /** Two-sided. */
  p: number;
  level: number;
  /** Confidence interval of the difference. */
  lower: number;
  upper: number;
}

export interface DelongComparison extends DelongTest {
  /** Indices of the two models compared (a < b); difference = AUC of a − AUC of b. */
  a: number;
  b: number;
}

interface Placements {
  auc: number;
  /** One per case (outcome 1), in row order. */
  x: Float64Array;
  /** One per control (outcome 0), in row order. */
  y: Float64Array;
}

function placements(score: Float64Array, outcome: Uint8Array): Placements {
  checkInput(score, outcome);
  let cases = 0;
  for (const v of outcome) cases += v;
  const controls = outcome.length - cases;
  if (cases < 2 || controls < 2)
    throw new EngineError('evaluate.too-few-for-ci', { positives: cases, negatives: controls });
  const caseScores = new Float64Array(cases);
  const controlScores = new Float64Array(controls);
  for (let i = 0, a = 0, b = 0; i < score.length; i++) {
    if (outcome[i] === 1) caseScores[a++] = score[i];
    else controlScores[b++] = score[i];
  }
  const all = averageRanks(score);
  const amongCases = averageRanks(caseScores);
  const amongControls = averageRanks(controlScores);
  const x = new Float64Array(cases);
  const y = new Float64Array(controls);
  // Rᵢ − R¹ᵢ are half-integers, so their sum is exact and the AUC rounds once.
  let below = 0;
  for (let i = 0, a = 0, b = 0; i < score.length; i++) {
    if (outcome[i] === 1) {
      const d = all[i] - amongCases[a];
      below += d;
      x[a++] = d / controls;
    } else {
      y[b] = 1 - (all[i] - amongControls[b]) / cases;
      b++;
    }
  }
  return { auc: below / (cases * controls), x, y };
}

/** Σ (u − ū)(v − v̄) / (len − 1), centred on the AUCs as pROC does. */
function covariance(u: Float64Array, uMean: number, v: Float64Array, vMean: number): number {
  let s = 0;
  for (let i = 0; i < u.length; i++) s += (u[i] - uMean) * (v[i] - vMean);
  return s / (u.length - 1);
}

/** The two-sided normal quantiles of a confidence level, as R computes them. */
function quantiles(level: number): [number, number] {
  if (!(level > 0 && level < 1))
    throw new EngineError('evaluate.bad-option', { option: 'level', value: level });
  return [qnorm(0 + (1 - level) / 2), qnorm(1 - (1 - level) / 2)];
}

/** AUC with its DeLong variance and CI (pROC ci.auc(roc, method = "delong")). */
export function delongCi(score: Float64Array, outcome: Uint8Array, level = 0.95): DelongCi {
  const [zLow, zHigh] = quantiles(level);
  const v = placements(score, outcome);
  const variance =
    covariance(v.x, v.auc, v.x, v.auc) / v.x.length +
    covariance(v.y, v.auc, v.y, v.auc) / v.y.length;
  const sd = Math.sqrt(variance);
  return {
    auc: v.auc,
    variance,
    level,
    lower: Math.max(0, v.auc + sd * zLow),
    upper: Math.min(1, v.auc + sd * zHigh),
  };
}

/** Paired DeLong test of two scores of the same rows (pROC roc.test(…, method = "delong", paired = TRUE)). */
export function delongTest(
  score1: Float64Array,
  score2: Float64Array,
  outcome: Uint8Array,
  level = 0.95,
): DelongTest {
  const [, zHigh] = quantiles(level);
  if (score2.length !== score1.length)
    throw new EngineError('evaluate.length-mismatch', {
      scores: score1.length,
      outcomes: score2.length,
    });
  return testOf(placements(score1, outcome), placements(score2, outcome), level, zHigh);
}

function testOf(r: Placements, s: Placements, level: number, zHigh: number): DelongTest {
  const m = r.x.length;
  const n = r.y.length;
  const sx11 = covariance(r.x, r.auc, r.x, r.auc);
  const sx12 = covariance(r.x, r.auc, s.x, s.auc);
  const sx22 = covariance(s.x, s.auc, s.x, s.auc);
  const sy11 = covariance(r.y, r.auc, r.y, r.auc);
  const sy12 = covariance(r.y, r.auc, s.y, s.auc);
  const sy22 = covariance(s.y, s.auc, s.y, s.auc);
  const s11 = sx11 / m + sy11 / n;
  const s12 = sx12 / m + sy12 / n;
  const s22 = sx22 / m + sy22 / n;
  // L S Lᵀ in R's order of operations: ((S11 − S21) − (S12 − S22)).
  const sig = Math.sqrt(Math.max(0, s11 - s12 - (s12 - s22)));
  const difference = r.auc - s.auc;
  let z: number;
  if (sig === 0) {
    if (difference !== 0) throw new EngineError('evaluate.delong-degenerate', {});
    z = 0;
  } else z = difference / sig;
  return {
    auc1: r.auc,
    auc2: s.auc,
    difference,
    z,
    p: zTestP(z),
    level,
    lower: difference - zHigh * sig,
    upper: difference + zHigh * sig,
  };
}

/**
 * Paired DeLong tests of k ≥ 2 scores of the same rows, every pair (a < b),
 * each as delongTest (no correction for multiple comparisons, as roc.test).
 * Placements are computed once per score.
 */
export function delongComparisons(
  scores: Float64Array[],
  outcome: Uint8Array,
  level = 0.95,
): DelongComparison[] {
  const [, zHigh] = quantiles(level);
  for (const s of scores)
    if (s.length !== outcome.length)
      throw new EngineError('evaluate.length-mismatch', {
        scores: s.length,
        outcomes: outcome.length,
      });
  const all = scores.map((s) => placements(s, outcome));
  const out: DelongComparison[] = [];
  for (let a = 0; a < all.length; a++)
    for (let b = a + 1; b < all.length; b++)
      out.push({ a, b, ...testOf(all[a], all[b], level, zHigh) });
  return out;
}
