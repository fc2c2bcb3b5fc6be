// Harrell's C of a Cox fit with its standard error, as R survival 3.5's
// concordance(fit) and summary(fit)$concordance (concordancefit(y, lp,
// strata, reverse = TRUE, timefix = FALSE), timewt 'n'). Pure; runs in Node
// and in the worker.
//
// A pair is comparable when the shorter time is an event (a censoring at the
// same time as an event counts as longer); it is concordant when the row with
// the event has the higher linear predictor, tied.x when the predictors are
// equal. Two events at one time are tied.y (tied.xy when also tied in x).
// Pairs never cross strata. C = (concordant + tied.x/2) / (concordant +
// discordant + tied.x). The SE is R's infinitesimal jackknife: per row i,
// with c, d, t its concordant, discordant and tied.x pairs (as either
// member), dfbetaᵢ = (cᵢ − dᵢ)/N − (somers/N)(cᵢ + dᵢ + tᵢ), var =
// Σ dfbetaᵢ² / 4. The counts come from two Fenwick trees over the ranks of
// the predictor, rows walked from the longest time: O(n log n).

export interface CoxConcordance {
  concordant: number;
  discordant: number;
  tiedX: number;
  tiedY: number;
  tiedXY: number;
  concordance: number;
  /** sqrt(concordance(fit)$var), = fit$concordance['std']. */
  se: number;
}

class Fenwick {
  readonly tree: Float64Array;
  total = 0;
  constructor(size: number) {
    this.tree = new Float64Array(size + 1);
  }
  add(rank: number): void {
    this.total++;
    for (let i = rank + 1; i < this.tree.length; i += i & -i) this.tree[i]++;
  }
  /** Entries with rank < r. */
  below(r: number): number {
    let s = 0;
    for (let i = r; i > 0; i -= i & -i) s += this.tree[i];
    return s;
  }
}

export function coxConcordance(
  time: Float64Array,
  event: Uint8Array,
  lp: Float64Array,
  strata: Int32Array | null,
): CoxConcordance {
  const n = time.length;
  const c = new Float64Array(n);
  const d = new Float64Array(n);
  const t = new Float64Array(n);
  let C = 0;
  let D = 0;
  let TX = 0;
  let TY = 0;
  let TXY = 0;

  const rank = new Int32Array(n);
  // Rows grouped by stratum (a counting sort), each group then ordered.
  const nStrata = strata ? strata.reduce((a, b) => Math.max(a, b), 0) + 1 : 1;
  const offsets = new Int32Array(nStrata + 1);
  for (let i = 0; i < n; i++) offsets[(strata ? strata[i] : 0) + 1]++;
  for (let s = 0; s < nStrata; s++) offsets[s + 1] += offsets[s];
  const grouped = new Uint32Array(n);
  {
    const fill = offsets.slice(0, nStrata);
    for (let i = 0; i < n; i++) grouped[fill[strata ? strata[i] : 0]++] = i;
  }
  for (let g = 0; g < nStrata; g++) {
    const rows = grouped.subarray(offsets[g], offsets[g + 1]);
    if (rows.length === 0) continue;
    // Longest time first; at one time, censorings before events.
    rows.sort((a, b) => time[b] - time[a] || event[a] - event[b] || a - b);
    // Ranks of the predictor: a numeric sort and a binary search, no hashing.
    const sorted = Float64Array.from(rows, (i) => lp[i]).sort();
    let m = 0;
    for (let k = 0; k < sorted.length; k++)
      if (k === 0 || sorted[k] !== sorted[m - 1]) sorted[m++] = sorted[k];
    const distinct = sorted.subarray(0, m);
    for (const i of rows) {
      let lo = 0;
      let hi = m - 1;
      const v = lp[i];
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (distinct[mid] < v) lo = mid + 1;
        else hi = mid;
      }
      rank[i] = lo;
    }
    const risk = new Fenwick(distinct.length);
    const deaths = new Fenwick(distinct.length);
    // Per row in the risk set: the deaths above, below and at its rank when it entered.
    const enter = (i: number) => {
      const r = rank[i];
      const below = deaths.below(r);
      const atOrBelow = deaths.below(r + 1);
      c[i] -= deaths.total - atOrBelow;
      d[i] -= below;
      t[i] -= atOrBelow - below;
      risk.add(r);
    };
    let k = 0;
    while (k < rows.length) {
      const tk = time[rows[k]];
      let end = k;
      while (end < rows.length && time[rows[end]] === tk) end++;
      const tied: number[] = [];
      for (let m = k; m < end; m++) {
        const i = rows[m];
        if (event[i]) tied.push(i);
        else enter(i);
      }
      for (const i of tied) {
        const r = rank[i];
        const below = risk.below(r);
        const atOrBelow = risk.below(r + 1);
        const above = risk.total - atOrBelow;
        const same = atOrBelow - below;
        c[i] += below;
        d[i] += above;
        t[i] += same;
        C += below;
        D += above;
        TX += same;
      }
      if (tied.length > 1) {
        // Pairs of events at one time: tied.xy where the predictor ties too.
        const r = Int32Array.from(tied, (i) => rank[i]).sort();
        let same = 0;
        for (let x = 0, y = 0; x < r.length; x = y) {
          while (y < r.length && r[y] === r[x]) y++;
          same += ((y - x) * (y - x - 1)) / 2;
        }
        TXY += same;
        TY += (tied.length * (tied.length - 1)) / 2 - same;
      }
      for (const i of tied) deaths.add(rank[i]);
      for (const i of tied) enter(i);
      k = end;
    }
    // A risk-set row's pairs with the deaths that came after it entered
    // (enter() subtracted those before): the event row higher is concordant.
    for (const i of rows) {
      const r = rank[i];
      const below = deaths.below(r);
      const atOrBelow = deaths.below(r + 1);
      c[i] += deaths.total - atOrBelow;
      d[i] += below;
      t[i] += atOrBelow - below;
    }
  }
  const npair = C + D + TX;
  const somers = (C - D) / npair;
  let v = 0;
  for (let i = 0; i < n; i++) {
    const f = (c[i] - d[i]) / npair - (somers / npair) * (c[i] + d[i] + t[i]);
    v += f * f;
  }
  return {
    concordant: C,
    discordant: D,
    tiedX: TX,
    tiedY: TY,
    tiedXY: TXY,
    concordance: (somers + 1) / 2,
    se: Math.sqrt(v / 4),
  };
}
