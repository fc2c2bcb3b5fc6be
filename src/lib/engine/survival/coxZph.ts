// The proportional-hazards check of a Cox fit, as R survival 3.5's
// cox.zph(fit, transform = "km") (terms = TRUE, global = TRUE). Pure; runs in
// Node and in the worker.
//
// What is R's (cox.zph and its C routine zph1): g(t) = 1 − S(t−), S the
// Kaplan–Meier curve of all rows (strata ignored), centred on its mean over
// the events; one pass backwards in time at the fitted linear predictor
// gives the score u = Σ (g(t)·(x − x̄(t))) and the 2p × 2p information of
// (β, β·g(t)); a term's test is the score test of its g(t) columns, uᵀI⁻¹u
// with the β part's score 0, and the global test all of them. The scaled
// Schoenfeld residuals are the Schoenfeld residuals times the inverse of the
// average information (per stratum: only the columns that vary in it), plus
// β̂; a term of several columns is read along its fitted direction (r·β̂
// scaled, plus 1), as R does.

import { EngineError } from '../data/table';
import { pchisqUpper } from '../stats/distributions';
import type { CoxFit, CoxInput, CoxTies } from './cox';
import { chsolve2, cholesky2, quadraticSolve } from './coxMatrix';
import type { Pipeline } from '../models/types';

export interface CoxZphRow {
  term: string;
  chisq: number;
  df: number;
  p: number;
}

export interface CoxZph {
  terms: CoxZphRow[];
  global: CoxZphRow;
  /** One entry per event, ordered by stratum then time: its time, g(t) = 1 − S(t−), stratum. */
  time: Float64Array;
  x: Float64Array;
  strata: Int32Array | null;
  /** Scaled Schoenfeld residuals per term (as zph$y's columns), NaN where R has NA. */
  residuals: { term: string; values: Float64Array }[];
}

const TOLER = Math.pow(Number.EPSILON, 0.75);

export function coxZph(fit: CoxFit, input: CoxInput, pipeline: Pipeline): CoxZph {
  const { n, time, event, strata } = input;
  const kept: number[] = [];
  fit.coefficients.forEach((c, j) => {
    if (!c.aliased) kept.push(j);
  });
  const p = kept.length;
  if (p === 0) throw new EngineError('cox.no-features', {});
  const coefTerms = pipeline.coefficients.slice(1).map((c) => c.term);
  const termNames: string[] = [];
  const asgn: number[][] = [];
  kept.forEach((j, k) => {
    const term = coefTerms[j];
    let t = termNames.indexOf(term);
    if (t < 0) {
      t = termNames.length;
      termNames.push(term);
      asgn.push([]);
    }
    asgn[t].push(k);
  });
  const beta = kept.map((j) => fit.coefficients[j].estimate!);

  // g(t): 1 − S(t−) from the Kaplan–Meier curve of all rows.
  const byTime = Array.from({ length: n }, (_, i) => i).sort((a, b) => time[a] - time[b]);
  const ttimes = new Float64Array(n);
  {
    let s = 1;
    let atRisk = n;
    let k = 0;
    while (k < n) {
      const t = time[byTime[k]];
      let end = k;
      let deaths = 0;
      while (end < n && time[byTime[end]] === t) deaths += event[byTime[end++]];
      for (let m = k; m < end; m++) ttimes[byTime[m]] = 1 - s;
      s *= 1 - deaths / atRisk;
      atRisk -= end - k;
      k = end;
    }
  }
  let gmean = 0;
  let nevent = 0;
  for (let i = 0; i < n; i++)
    if (event[i]) {
      gmean += ttimes[i];
      nevent++;
    }
  gmean /= nevent;

  // Sorted by stratum then time (stable), covariates kept and re-centred:
  // byTime is by time, ties in row order (Array.prototype.sort is stable),
  // so a stable counting pass by stratum gives (stratum, time, row) without
  // a second sort.
  const order = strata ? byStratum(byTime, strata) : byTime;
  const X = new Float64Array(n * p);
  const mean = new Float64Array(p);
  const X0 = input.X;
  const p0 = input.p;
  for (let i = 0; i < n; i++) for (let k = 0; k < p; k++) mean[k] += X0[i * p0 + kept[k]];
  for (let k = 0; k < p; k++) mean[k] /= n;
  const st = new Int32Array(n);
  const tm = new Float64Array(n);
  const ev = new Uint8Array(n);
  const gt = new Float64Array(n);
  const eta = new Float64Array(n);
  order.forEach((r, i) => {
    for (let k = 0; k < p; k++) X[i * p + k] = X0[r * p0 + kept[k]] - mean[k];
    st[i] = strata ? strata[r] : 0;
    tm[i] = time[r];
    ev[i] = event[r];
    gt[i] = ttimes[r] - gmean;
    eta[i] = fit.linearPredictors[r];
  });
  const nStrata = st[n - 1] + 1;

  // used[s][k]: the stratum's events if column k varies in it, else 0.
  const used = new Float64Array(nStrata * p);
  {
    let start = 0;
    while (start < n) {
      let end = start;
      let deaths = 0;
      while (end < n && st[end] === st[start]) deaths += ev[end++];
      for (let k = 0; k < p; k++)
        for (let i = start + 1; i < end; i++)
          if (X[i * p + k] !== X[start * p + k]) {
            used[st[start] * p + k] = deaths;
            break;
          }
      start = end;
    }
  }

  const q = 2 * p;
  const u = new Float64Array(q);
  const imat = new Float64Array(q * q);
  const schoen = new Float64Array(nevent * p);
  // Its own function so that V8 optimises the hot loop on its own feedback
  // (inside this long function it was compiled, deoptimised and compiled
  // again on each of the first calls).
  zphPass(
    { n, p, X, st, tm, ev, gt, eta, efron: fit.ties === ('efron' satisfies CoxTies) },
    u,
    imat,
    schoen,
  );
  // Fill the symmetric blocks from zph1's upper triangles.
  for (let i = 0; i < p; i++)
    for (let j = 0; j < i; j++) {
      imat[i * q + j] = imat[j * q + i];
      imat[i * q + j + p] = imat[j * q + i + p];
      imat[(i + p) * q + j + p] = imat[(j + p) * q + i + p];
    }
  for (let i = 0; i < p; i++)
    for (let j = 0; j < p; j++) imat[(i + p) * q + j] = imat[j * q + i + p];

  const test = (cols: number[]): CoxZphRow & { term: string } => {
    const kk = [...Array.from({ length: p }, (_, i) => i), ...cols.map((c) => c + p)];
    const m = kk.length;
    const sub = new Float64Array(m * m);
    kk.forEach((r, x) => kk.forEach((c, y) => (sub[x * m + y] = imat[r * q + c])));
    const uu = new Float64Array(m);
    cols.forEach((c, x) => (uu[p + x] = u[c + p]));
    const chisq = quadraticSolve(sub, m, uu, TOLER);
    return { term: '', chisq, df: cols.length, p: pchisqUpper(chisq, cols.length) };
  };
  const terms = asgn.map((cols, t) => ({ ...test(cols), term: termNames[t] }));
  const global = { ...test(Array.from({ length: p }, (_, i) => i)), term: 'GLOBAL' };

  // Scaled Schoenfeld residuals.
  const usedT = Float64Array.from(used);
  for (const cols of asgn)
    if (cols.length > 1)
      for (let s = 0; s < nStrata; s++) {
        let mx = 0;
        for (const c of cols) mx = Math.max(mx, used[s * p + c]);
        if (cols.some((c) => used[s * p + c] === 0)) for (const c of cols) usedT[s * p + c] = mx;
      }
  const vmean = new Float64Array(p * p);
  for (let i = 0; i < p; i++)
    for (let j = 0; j < p; j++) {
      let wt = 0;
      for (let s = 0; s < nStrata; s++) wt += Math.min(usedT[s * p + i], usedT[s * p + j]);
      vmean[i * p + j] = imat[i * q + j] / (wt === 0 ? 1 : wt);
    }
  const nt = asgn.length;
  // temp: p × nterm; 1 for a one-column term, β̂ along a several-column term.
  const T = new Float64Array(p * nt);
  asgn.forEach((cols, t) => {
    for (const c of cols) T[c * nt + t] = cols.length === 1 ? 1 : beta[c];
  });
  // schoen × T over each term's own columns (T is zero elsewhere; the
  // columns in the same ascending order, so the sums are the same).
  const R = new Float64Array(nevent * nt);
  for (let e = 0; e < nevent; e++)
    for (let t = 0; t < nt; t++) {
      let s = 0;
      for (const c of asgn[t]) s += schoen[e * p + c] * T[c * nt + t];
      R[e * nt + t] = s;
    }
  const Vt = new Float64Array(nt * nt);
  for (let x = 0; x < nt; x++)
    for (let y = 0; y < nt; y++) {
      let s = 0;
      for (let i = 0; i < p; i++)
        for (let j = 0; j < p; j++) s += T[i * nt + x] * vmean[i * p + j] * T[j * nt + y];
      Vt[x * nt + y] = s;
    }
  const firstCols = asgn.map((cols) => cols[0]);
  const evStrata = new Int32Array(nevent);
  const evTime = new Float64Array(nevent);
  const evX = new Float64Array(nevent);
  {
    let e = 0;
    for (let i = 0; i < n; i++)
      if (ev[i]) {
        evStrata[e] = st[i];
        evTime[e] = tm[i];
        evX[e] = gt[i] + gmean;
        e++;
      }
  }
  // Rows grouped by stratum: R's sgrp gives each stratum as many rows as its
  // largest `used`, which is its events when any column varies in it.
  let row = 0;
  for (let s = 0; s < nStrata; s++) {
    let count = 0;
    for (let t = 0; t < nt; t++) count = Math.max(count, usedT[s * p + firstCols[t]]);
    const ks = firstCols.flatMap((c, t) => (usedT[s * p + c] > 0 ? [t] : []));
    const m = ks.length;
    if (m > 0) {
      const F = new Float64Array(m * m);
      ks.forEach((x, a1) => ks.forEach((y, b1) => (F[a1 * m + b1] = Vt[x * nt + y])));
      cholesky2(F, m, TOLER);
      const v = new Float64Array(m);
      for (let e = row; e < row + count; e++) {
        ks.forEach((t, x) => (v[x] = R[e * nt + t]));
        chsolve2(F, m, v);
        for (let t = 0; t < nt; t++) R[e * nt + t] = NaN;
        ks.forEach((t, x) => (R[e * nt + t] = v[x]));
      }
    }
    row += count;
  }
  const residuals = asgn.map((cols, t) => {
    const values = new Float64Array(nevent);
    const shift = cols.length === 1 ? beta[cols[0]] : 1;
    for (let e = 0; e < nevent; e++) values[e] = R[e * nt + t] + shift;
    return { term: termNames[t], values };
  });
  return {
    terms,
    global,
    time: evTime,
    x: evX,
    strata: strata ? evStrata : null,
    residuals,
  };
}

/** The rows of `byTime` (in time order) regrouped by stratum, keeping their order within each. */
function byStratum(byTime: number[], strata: Int32Array): number[] {
  let count = 0;
  for (const r of byTime) if (strata[r] >= count) count = strata[r] + 1;
  const next = new Int32Array(count + 1);
  for (const r of byTime) next[strata[r] + 1]++;
  for (let s = 0; s < count; s++) next[s + 1] += next[s];
  const order = new Array<number>(byTime.length);
  for (const r of byTime) order[next[strata[r]]++] = r;
  return order;
}

interface PassRows {
  n: number;
  p: number;
  /** n × p, re-centred, in (stratum, time) order. */
  X: Float64Array;
  st: Int32Array;
  tm: Float64Array;
  ev: Uint8Array;
  /** g(t) − its mean over the events. */
  gt: Float64Array;
  eta: Float64Array;
  efron: boolean;
}

/**
 * zph1's pass, backwards over the times: the score u (2p: the terms and
 * their products with g(t)), the information imat (2p × 2p, upper
 * triangles of its blocks) and the Schoenfeld residuals (one row per event).
 */
function zphPass(rows: PassRows, u: Float64Array, imat: Float64Array, schoen: Float64Array): void {
  const { n, p, X, st, tm, ev, gt, eta, efron } = rows;
  const q = 2 * p;
  const nevent = schoen.length / p;
  const a = new Float64Array(p);
  const a2 = new Float64Array(p);
  const cmat = new Float64Array(p * p);
  const cmat2 = new Float64Array(p * p);
  const vsum = new Float64Array(p * p);
  let denom = 0;
  let slot = nevent;
  let ip = n - 1;
  let cstrat = -1;
  while (ip >= 0) {
    if (st[ip] !== cstrat) {
      cstrat = st[ip];
      denom = 0;
      a.fill(0);
      cmat.fill(0);
    }
    const dtime = tm[ip];
    const w = gt[ip];
    let ndead = 0;
    let denom2 = 0;
    for (; ip >= 0 && tm[ip] === dtime && st[ip] === cstrat; ip--) {
      const risk = Math.exp(eta[ip]);
      const base = ip * p;
      if (!ev[ip]) {
        denom += risk;
        for (let i = 0; i < p; i++) {
          // (risk · xᵢ) · xⱼ, as the expression evaluated left to right.
          const rx = risk * X[base + i];
          a[i] += rx;
          for (let j = 0; j <= i; j++) cmat[i * p + j] += rx * X[base + j];
        }
      } else {
        ndead++;
        denom2 += risk;
        slot--;
        for (let i = 0; i < p; i++) {
          schoen[slot * p + i] = X[base + i];
          u[i] += X[base + i];
          u[i + p] += w * X[base + i];
          // (risk · xᵢ) · xⱼ, as the expression evaluated left to right.
          const rx = risk * X[base + i];
          a2[i] += rx;
          for (let j = 0; j <= i; j++) cmat2[i * p + j] += rx * X[base + j];
        }
      }
    }
    if (ndead === 0) continue;
    const add = (i: number, j: number, v: number) => {
      imat[j * q + i] += v;
      imat[j * q + i + p] += v * w;
      imat[(j + p) * q + i + p] += v * w * w;
    };
    if (!efron) {
      denom += denom2;
      for (let i = 0; i < p; i++) {
        a[i] += a2[i];
        const m = a[i] / denom;
        u[i] -= ndead * m;
        u[i + p] -= w * ndead * m;
        for (let j = 0; j <= i; j++) {
          cmat[i * p + j] += cmat2[i * p + j];
          add(i, j, (ndead * (cmat[i * p + j] - m * a[j])) / denom);
        }
        for (let k = 0; k < ndead; k++) schoen[(slot + k) * p + i] -= m;
      }
    } else {
      for (let i = 0; i < p; i++) {
        let tmean = 0;
        for (let k = 0; k < ndead; k++) {
          const f = (k + 1) / ndead;
          tmean += (a[i] + a2[i] * f) / (denom + denom2 * f);
        }
        for (let k = 0; k < ndead; k++) schoen[(slot + k) * p + i] -= tmean / ndead;
      }
      // The deaths' information terms share this time's w: summed over
      // the deaths first, then added to the three blocks once.
      vsum.fill(0);
      for (let k = 0; k < ndead; k++) {
        denom += denom2 / ndead;
        for (let i = 0; i < p; i++) {
          a[i] += a2[i] / ndead;
          const m = a[i] / denom;
          u[i] -= m / 1;
          u[i + p] -= w * m;
          for (let j = 0; j <= i; j++) {
            cmat[i * p + j] += cmat2[i * p + j] / ndead;
            vsum[i * p + j] += (cmat[i * p + j] - m * a[j]) / denom;
          }
        }
      }
      for (let i = 0; i < p; i++) for (let j = 0; j <= i; j++) add(i, j, vsum[i * p + j]);
    }
    a2.fill(0);
    cmat2.fill(0);
  }
}
