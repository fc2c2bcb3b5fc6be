// Integrated gradients: a network's logit for one row split over its design
// columns, the network's counterpart of ../score.ts's per-term reasons.
// Pure; runs in Node and the workers.
//
// Sundararajan, Taly & Yan (2017), "Axiomatic attribution for deep
// networks", ICML, eq. 1: for input i,
//   IGᵢ(x) = (xᵢ − x′ᵢ) · ∫₀¹ ∂F(x′ + α(x − x′))/∂xᵢ dα
// with F the logit (offset left out: a constant shifts nothing). The
// baseline x′ is the training rows' average, which in standardised space is
// all zeros and in design units is scaling.center: the "average customer"
// that score.ts measures logistic reasons from — for a dummy column the share
// of training rows at its level. (For an interaction column the centre is
// the mean of the product, where score.ts uses the product of the means; the
// network was standardised with the former.) So IGᵢ = xᵢ · ∫ ∂F(αx)/∂xᵢ dα in
// logit units, and by the paper's completeness axiom Σᵢ IGᵢ = F(x) − F(0): a
// row's reasons add up to its logit less the average customer's, as a
// logistic model's do. For a network without hidden layers the gradient is
// the constant kernel w, and IGᵢ = wᵢxᵢ exactly: the logistic reasons.
//
// The integral is the midpoint rule over m steps, αₖ = (k + ½)/m. It costs m
// gradients, as the paper's right Riemann sum does, and its error is O(1/m²)
// on a smooth path where the right sum's is O(1/m); the trapezoid rule is
// O(1/m²) too but needs m + 1 gradients and evaluates at both ends, and at
// the baseline (all inputs zero) a ReLU unit with a zero bias sits exactly on
// its kink. The completeness gap Σᵢ IGᵢ − (F(x) − F(0)) measures the rule's
// error per row (the paper suggests checking it; it shrinks as m grows).
//
// Speed: along the path the first layer's pre-activation is linear in α,
// b + α·(Wᵀx), so Wᵀx is computed once per row and each step costs only
// a multiply-add per first-layer unit; and ∂F/∂x = W·δ (δ the first layer's
// pre-activation gradient) is linear in δ, so the m steps' δ are averaged
// first and multiplied by W once. Only the layers above the first are run
// m times, forwards and backwards, for a block of rows' steps together: for
// 20→32→16→1 about twice as fast as every step through the whole network
// (docs/perf/network-scoring.md), and equal to it within 1e-14.

import { EngineError } from '../../data/table';
import type { Design } from '../types';
import {
  activate,
  asPrepared,
  backwardBlock,
  dense,
  forwardBlock,
  standardise,
  workspace,
  type PreparedNetwork,
} from './forward';
import type { NetworkModel } from './types';

export const DEFAULT_STEPS = 32;
/** The most steps asked for: beyond it the gap no longer shrinks usefully and the cost grows linearly. */
export const MAX_STEPS = 1024;

/** Path points through the upper layers at a time (several rows' steps when m is small). */
const POINTS = 128;

export interface AttributionOptions {
  /** Midpoint-rule steps m, 1 … MAX_STEPS (default DEFAULT_STEPS). */
  steps?: number;
  /** Design rows from … to − 1 (default all rows). */
  from?: number;
  to?: number;
  /** When given, receives each row's logit F(x) (without offset) at [row − from]. */
  logits?: Float64Array;
  /** When given, receives each row's completeness gap Σ attributions − (F(x) − F(0)) at [row − from]. */
  gaps?: Float64Array;
}

/** The logit (without offset) of the baseline, the training rows' average: F(0) in standardised space. */
export function baselineLogit(model: NetworkModel | PreparedNetwork): number {
  const net = asPrepared(model);
  const ws = workspace(net, 1);
  forwardBlock(net, ws, 1);
  return ws.acts[net.layers.length - 1][0];
}

/**
 * Integrated gradients of design rows from … to − 1 into `out`, the caller's
 * array of at least (to − from) × (p − 1) values: out[(i − from)·(p − 1) + j − 1]
 * is row i's attribution to design column j ≥ 1, in logit units. Summing a
 * term's columns gives the term's share (as score.ts groups a categorical's
 * dummies). Throws network.invalid-steps for steps outside 1 … MAX_STEPS.
 */
export function integratedGradientsInto(
  design: Design,
  model: NetworkModel | PreparedNetwork,
  out: Float64Array,
  options: AttributionOptions = {},
): void {
  const net = asPrepared(model);
  const m = options.steps ?? DEFAULT_STEPS;
  if (!Number.isInteger(m) || m < 1 || m > MAX_STEPS)
    throw new EngineError('network.invalid-steps', { steps: String(m), max: MAX_STEPS });
  const from = options.from ?? 0;
  const to = options.to ?? design.n;
  const q = net.inputs;
  if (design.p !== q + 1)
    throw new Error(`network: a design of ${design.p} columns for ${q} inputs`);
  if (!(
    Number.isInteger(from) &&
    Number.isInteger(to) &&
    0 <= from &&
    from <= to &&
    to <= design.n
  ))
    throw new Error(`network: rows ${from} … ${to} of a design of ${design.n}`);
  if (out.length < (to - from) * q)
    throw new Error(`network: ${out.length} values for ${(to - from) * q} attributions`);

  const { layers } = net;
  const L = layers.length;
  const first = layers[0];
  const u0 = first.units;
  const perBlock = Math.max(1, Math.floor(POINTS / m));
  const ws = workspace(net, perBlock * m);
  const path = new Float64Array(perBlock * u0);
  const mean = new Float64Array(perBlock * u0);
  const alpha = Float64Array.from({ length: m }, (_, k) => (k + 0.5) / m);
  const wantLogits = options.logits !== undefined || options.gaps !== undefined;
  const base = options.gaps ? baselineLogit(net) : 0;
  const acts0 = ws.acts[0];
  const deltas0 = ws.deltas[0];

  for (let start = from; start < to; start += perBlock) {
    const rows = Math.min(perBlock, to - start);
    const points = rows * m;
    standardise(net, design, start, rows, ws.x);
    // Wᵀx per row, then the first layer at every step: b + αₖ·Wᵀx.
    dense(ws.x, 0, q, path, 0, u0, first.unitMajor, net.zeros, rows);
    for (let r = 0; r < rows; r++)
      for (let k = 0; k < m; k++) {
        const a = alpha[k];
        const o = (r * m + k) * u0;
        const pr = r * u0;
        for (let j = 0; j < u0; j++) acts0[o + j] = first.bias[j] + a * path[pr + j];
      }
    activate(acts0, points * u0, first.activation);
    for (let l = 1; l < L; l++) {
      const layer = layers[l];
      const next = ws.acts[l];
      dense(
        ws.acts[l - 1],
        0,
        layer.inputs,
        next,
        0,
        layer.units,
        layer.unitMajor,
        layer.bias,
        points,
      );
      activate(next, points * layer.units, layer.activation);
    }
    backwardBlock(net, ws, points);
    // The steps' mean δ, then W·δ̄ (one product per row), then times x.
    for (let r = 0; r < rows; r++)
      for (let j = 0; j < u0; j++) {
        let sum = 0;
        for (let k = 0; k < m; k++) sum += deltas0[(r * m + k) * u0 + j];
        mean[r * u0 + j] = sum / m;
      }
    const at = (start - from) * q;
    dense(mean, 0, u0, out, at, q, first.kernel, net.zeros, rows);
    for (let k = 0; k < rows * q; k++) out[at + k] *= ws.x[k];

    if (wantLogits) {
      forwardBlock(net, ws, rows);
      const result = ws.acts[L - 1];
      for (let r = 0; r < rows; r++) {
        const logit = result[r];
        if (options.logits) options.logits[start - from + r] = logit;
        if (options.gaps) {
          let sum = 0;
          for (let i = 0; i < q; i++) sum += out[at + r * q + i];
          options.gaps[start - from + r] = sum - (logit - base);
        }
      }
    }
  }
}

export interface IntegratedGradients {
  /** Design columns after the intercept: attributions has this many values per row. */
  columns: number;
  /** Row-major, rows × columns: attributions[i · columns + j − 1] for design column j. */
  attributions: Float64Array;
  /** F(x) per row, without offset. */
  logits: Float64Array;
  /** Completeness gap per row: Σ attributions − (F(x) − baseline). */
  gaps: Float64Array;
  /** F(0), the average customer's logit, without offset. */
  baseline: number;
  steps: number;
}

/** Integrated gradients of every design row, with the logits and gaps (see integratedGradientsInto). */
export function integratedGradients(
  design: Design,
  model: NetworkModel | PreparedNetwork,
  steps = DEFAULT_STEPS,
): IntegratedGradients {
  const net = asPrepared(model);
  const columns = net.inputs;
  const attributions = new Float64Array(design.n * columns);
  const logits = new Float64Array(design.n);
  const gaps = new Float64Array(design.n);
  integratedGradientsInto(design, net, attributions, { steps, logits, gaps });
  return { columns, attributions, logits, gaps, baseline: baselineLogit(net), steps };
}
