// Competing risks: the cumulative incidence of each cause (Aalen–Johansen),
// per group, with its variance, and Gray's test comparing the groups' curves
// for each cause. Pure; runs in Node and in the worker.
//
// The numbers are cmprsk 2.2's cuminc(ftime, fstatus, group, cencode):
//   - the estimate F_k(t) = Σ_{s ≤ t} S(s−)·d_k(s)/n(s), S the all-cause
//     Kaplan–Meier (the same as survfit's multi-state pstate);
//   - its variance is cmprsk's (Fortran cinc, Gray's delta-method variance
//     with the tie correction 1 − (d − 1)/(n − 1)), not survfit's
//     infinitesimal-jackknife std.err;
//   - Gray's test (Fortran crstm with ρ = 0, one stratum): the score of the
//     first ng − 1 groups and its covariance, stat = sᵀV⁻¹s on ng − 1 df;
//     NaN when V is singular (cuminc reports −1).
// tests/fixtures/r/make-competing.R produces the reference values.

import { cellText, EngineError, getColumn, type Column, type DataTable } from '../data/table';
import { pchisqUpper } from '../stats/distributions';
import { MAX_GROUPS } from './prepare';

export interface IncidenceCurve {
  group: string | null;
  cause: string;
  /** Rows in the group. */
  n: number;
  /** Events of this cause in the group. */
  events: number;
  /** The distinct times with an event of this cause, ascending. */
  time: Float64Array;
  /** F(t) just after each time (right-continuous); 0 before the first. */
  estimate: Float64Array;
  /** cmprsk's variance of the estimate at each time. */
  variance: Float64Array;
  /** The largest follow-up time in the group: the curve is flat from the last event to here. */
  maxTime: number;
}

export interface GrayTest {
  cause: string;
  stat: number;
  df: number;
  p: number;
}

export interface CumulativeIncidence {
  causes: string[];
  groups: string[];
  /** Cause-major: for each cause, one curve per group (one curve without groups). */
  curves: IncidenceCurve[];
  /** One per cause with two or more groups; empty otherwise. */
  tests: GrayTest[];
}

/**
 * cinc for one group and cause on times sorted ascending: cause[i] is 0
 * (censored), 1 (the cause of interest) or 2 (another cause).
 */
function cinc(
  time: Float64Array,
  cause: Uint8Array,
): {
  time: Float64Array;
  estimate: Float64Array;
  variance: Float64Array;
} {
  const n = time.length;
  const outT: number[] = [];
  const outF: number[] = [];
  const outV: number[] = [];
  let fk = 1;
  let f = 0;
  let v1 = 0;
  let v2 = 0;
  let v3 = 0;
  let rs = n;
  for (let ll = 0; ll < n;) {
    let l = ll;
    while (l + 1 < n && time[l + 1] === time[ll]) l++;
    let nd1 = 0;
    let nd2 = 0;
    for (let i = ll; i <= l; i++) {
      if (cause[i] === 1) nd1++;
      else if (cause[i] === 2) nd2++;
    }
    const nd = nd1 + nd2;
    if (nd > 0) {
      const fkn = (fk * (rs - nd)) / rs;
      if (nd1 > 0) f = f + (fk * nd1) / rs;
      if (nd2 > 0 && fkn > 0) {
        const t5 = nd2 > 1 ? 1 - (nd2 - 1) / (rs - 1) : 1;
        const t6 = (fk * fk * t5 * nd2) / (rs * rs);
        const t3 = 1 / fkn;
        const t4 = f / fkn;
        v1 += t4 * t4 * t6;
        v2 += t3 * t4 * t6;
        v3 += t3 * t3 * t6;
      }
      if (nd1 > 0) {
        const t5 = nd1 > 1 ? 1 - (nd1 - 1) / (rs - 1) : 1;
        const t6 = (fk * fk * t5 * nd1) / (rs * rs);
        const t3 = fkn > 0 ? 1 / fkn : 0;
        const t4 = 1 + t3 * f;
        v1 += t4 * t4 * t6;
        v2 += t3 * t4 * t6;
        v3 += t3 * t3 * t6;
        outT.push(time[l]);
        outF.push(f);
        outV.push(v1 + f * f * v3 - 2 * f * v2);
      }
      fk = fkn;
    }
    rs = n - l - 1;
    ll = l + 1;
  }
  return {
    time: Float64Array.from(outT),
    estimate: Float64Array.from(outF),
    variance: Float64Array.from(outV),
  };
}

/**
 * crst (one stratum, ρ = 0) on times sorted ascending, m as in cinc, groups
 * coded 0..ng−1: the scores of the first ng − 1 groups and their covariance
 * (row-major (ng − 1)²).
 */
function crst(
  y: Float64Array,
  m: Uint8Array,
  ig: Int32Array,
  ng: number,
  rho = 0,
): { s: Float64Array; v: Float64Array } {
  const n = y.length;
  const ng1 = ng - 1;
  const rs = new Float64Array(ng);
  for (let i = 0; i < n; i++) rs[ig[i]]++;
  const s = new Float64Array(ng1);
  const v = new Float64Array(ng1 * ng1); // lower triangle used, (i, j) at i·ng1 + j
  const f1m = new Float64Array(ng);
  const f1 = new Float64Array(ng);
  const skmm = new Float64Array(ng).fill(1);
  const skm = new Float64Array(ng).fill(1);
  const v3 = new Float64Array(ng);
  const v2 = new Float64Array(ng1 * ng);
  const c = new Float64Array(ng * ng);
  const a = new Float64Array(ng * ng);
  const d0 = new Float64Array(ng);
  const d1 = new Float64Array(ng);
  const d2 = new Float64Array(ng);
  let fm = 0;
  let f = 0;
  for (let ll = 0; ll < n;) {
    let lu = ll;
    while (lu + 1 < n && !(y[lu + 1] > y[ll])) lu++;
    d0.fill(0);
    d1.fill(0);
    d2.fill(0);
    for (let i = ll; i <= lu; i++) {
      const k = m[i];
      (k === 0 ? d0 : k === 1 ? d1 : d2)[ig[i]]++;
    }
    let nd1 = 0;
    let nd2 = 0;
    for (let i = 0; i < ng; i++) {
      nd1 += d1[i];
      nd2 += d2[i];
    }
    if (nd1 !== 0 || nd2 !== 0) {
      let tr = 0;
      let tq = 0;
      for (let i = 0; i < ng; i++) {
        if (rs[i] <= 0) continue;
        const td = d1[i] + d2[i];
        skm[i] = (skmm[i] * (rs[i] - td)) / rs[i];
        f1[i] = f1m[i] + (skmm[i] * d1[i]) / rs[i];
        tr += rs[i] / skmm[i];
        tq += (rs[i] * (1 - f1m[i])) / skmm[i];
      }
      f = fm + nd1 / tr;
      const fb = Math.pow(1 - fm, rho);
      for (let i = 0; i < ng; i++) {
        for (let j = i; j < ng; j++) a[i * ng + j] = 0;
        if (rs[i] <= 0) continue;
        const t1 = rs[i] / skmm[i];
        a[i * ng + i] = fb * t1 * (1 - t1 / tr);
        c[i * ng + i] += (a[i * ng + i] * nd1) / (tr * (1 - fm));
        for (let j = i + 1; j < ng; j++) {
          if (rs[j] <= 0) continue;
          a[i * ng + j] = (-fb * t1 * rs[j]) / (skmm[j] * tr);
          c[i * ng + j] += (a[i * ng + j] * nd1) / (tr * (1 - fm));
        }
      }
      for (let i = 1; i < ng; i++)
        for (let j = 0; j < i; j++) {
          a[i * ng + j] = a[j * ng + i];
          c[i * ng + j] = c[j * ng + i];
        }
      for (let i = 0; i < ng1; i++) {
        if (rs[i] <= 0) continue;
        s[i] += fb * (d1[i] - (nd1 * rs[i] * (1 - f1m[i])) / (skmm[i] * tq));
      }
      if (nd1 > 0) {
        for (let k = 0; k < ng; k++) {
          if (rs[k] <= 0) continue;
          const t4 = skm[k] > 0 ? 1 - (1 - f) / skm[k] : 1;
          const t5 = nd1 > 1 ? 1 - (nd1 - 1) / (tr * skmm[k] - 1) : 1;
          const t3 = (t5 * skmm[k] * nd1) / (tr * rs[k]);
          v3[k] += t4 * t4 * t3;
          for (let i = 0; i < ng1; i++) {
            const t1 = a[i * ng + k] - t4 * c[i * ng + k];
            v2[i * ng + k] += t1 * t4 * t3;
            for (let j = 0; j <= i; j++) {
              const t2 = a[j * ng + k] - t4 * c[j * ng + k];
              v[i * ng1 + j] += t1 * t2 * t3;
            }
          }
        }
      }
      if (nd2 !== 0) {
        for (let k = 0; k < ng; k++) {
          if (skm[k] <= 0 || d2[k] <= 0) continue;
          const t4 = (1 - f) / skm[k];
          const t5 = d2[k] > 1 ? 1 - (d2[k] - 1) / (rs[k] - 1) : 1;
          const t3 = (t5 * (skmm[k] * skmm[k] * d2[k])) / (rs[k] * rs[k]);
          v3[k] += t4 * t4 * t3;
          for (let i = 0; i < ng1; i++) {
            const t1 = t4 * c[i * ng + k];
            v2[i * ng + k] -= t1 * t4 * t3;
            for (let j = 0; j <= i; j++) {
              const t2 = t4 * c[j * ng + k];
              v[i * ng1 + j] += t1 * t2 * t3;
            }
          }
        }
      }
    }
    if (lu >= n - 1) break;
    for (let i = ll; i <= lu; i++) rs[ig[i]]--;
    fm = f;
    f1m.set(f1);
    skmm.set(skm);
    ll = lu + 1;
  }
  for (let i = 0; i < ng1; i++)
    for (let j = 0; j <= i; j++) {
      let t = v[i * ng1 + j];
      for (let k = 0; k < ng; k++) {
        t += c[i * ng + k] * c[j * ng + k] * v3[k];
        t += c[i * ng + k] * v2[j * ng + k];
        t += c[j * ng + k] * v2[i * ng + k];
      }
      v[i * ng1 + j] = t;
      v[j * ng1 + i] = t;
    }
  return { s, v };
}

/** sᵀV⁻¹s by Gaussian elimination with partial pivoting; NaN when V is singular. */
function quadraticForm(s: Float64Array, V: Float64Array): number {
  const k = s.length;
  const A = Float64Array.from(V);
  const b = Float64Array.from(s);
  let scale = 0;
  for (let i = 0; i < k * k; i++) scale = Math.max(scale, Math.abs(A[i]));
  for (let col = 0; col < k; col++) {
    let piv = col;
    for (let r = col + 1; r < k; r++)
      if (Math.abs(A[r * k + col]) > Math.abs(A[piv * k + col])) piv = r;
    if (!(Math.abs(A[piv * k + col]) > 1e-7 * scale)) return NaN;
    if (piv !== col) {
      for (let c = 0; c < k; c++)
        [A[col * k + c], A[piv * k + c]] = [A[piv * k + c], A[col * k + c]];
      [b[col], b[piv]] = [b[piv], b[col]];
    }
    for (let r = col + 1; r < k; r++) {
      const factor = A[r * k + col] / A[col * k + col];
      for (let c = col; c < k; c++) A[r * k + c] -= factor * A[col * k + c];
      b[r] -= factor * b[col];
    }
  }
  const x = new Float64Array(k);
  for (let r = k - 1; r >= 0; r--) {
    let t = b[r];
    for (let c = r + 1; c < k; c++) t -= A[r * k + c] * x[c];
    x[r] = t / A[r * k + r];
  }
  let q = 0;
  for (let i = 0; i < k; i++) q += s[i] * x[i];
  return q;
}

/**
 * Cumulative incidence per cause and group, and Gray's test per cause.
 * `cause` codes 0 = censored, 1..causes.length = causes[code − 1]; `group`
 * codes 0..groups.length − 1 (null: one group).
 */
export function cumulativeIncidence(
  time: Float64Array,
  cause: Int32Array,
  causes: readonly string[],
  group: Int32Array | null,
  groups: readonly string[],
): CumulativeIncidence {
  const n = time.length;
  // Sorted by time, ties in row order (R's order()).
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => time[a] - time[b] || a - b);
  const ts = Float64Array.from(order, (i) => time[i]);
  const cs = Int32Array.from(order, (i) => cause[i]);
  const gs = group ? Int32Array.from(order, (i) => group[i]) : new Int32Array(n);
  const ng = group ? groups.length : 1;
  const curves: IncidenceCurve[] = [];
  const tests: GrayTest[] = [];
  for (let k = 1; k <= causes.length; k++) {
    for (let g = 0; g < ng; g++) {
      let size = 0;
      for (let i = 0; i < n; i++) if (gs[i] === g) size++;
      const t = new Float64Array(size);
      const m = new Uint8Array(size);
      let events = 0;
      for (let i = 0, j = 0; i < n; i++) {
        if (gs[i] !== g) continue;
        t[j] = ts[i];
        m[j] = cs[i] === 0 ? 0 : cs[i] === k ? 1 : 2;
        if (m[j] === 1) events++;
        j++;
      }
      const curve = cinc(t, m);
      curves.push({
        group: group ? groups[g] : null,
        cause: causes[k - 1],
        n: size,
        events,
        ...curve,
        maxTime: size > 0 ? t[size - 1] : NaN,
      });
    }
    if (ng > 1) {
      const m = Uint8Array.from(cs, (c) => (c === 0 ? 0 : c === k ? 1 : 2));
      const { s, v } = crst(ts, m, gs, ng);
      const stat = quadraticForm(s, v);
      tests.push({ cause: causes[k - 1], stat, df: ng - 1, p: pchisqUpper(stat, ng - 1) });
    }
  }
  return { causes: [...causes], groups: group ? [...groups] : [], curves, tests };
}

export interface CompetingSettings {
  duration: string;
  /** The column naming each row's outcome: a cause, or the censored value. */
  cause: string;
  /** The cause column's value (its display text) for "still in force / censored". */
  censoredValue: string;
  group?: string | null;
}

export interface CumulativeIncidenceTableResult extends CumulativeIncidence {
  /** Rows left out: missing or negative duration, missing cause or group. */
  excluded: number;
}

const collator = new Intl.Collator('en', { numeric: true });

/** Distinct display texts of a column over usable rows, sorted (numbers by value). */
function codesOf(column: Column, rows: number): { code: Int32Array; names: string[] } {
  const text = new Map<string, number>();
  const code = new Int32Array(rows).fill(-1);
  const values: { name: string; value: number }[] = [];
  for (let i = 0; i < rows; i++) {
    const missing = column.kind === 'string' ? column.codes[i] < 0 : Number.isNaN(column.values[i]);
    if (missing) continue;
    const name = cellText(column, i);
    let c = text.get(name);
    if (c === undefined) {
      c = values.length;
      text.set(name, c);
      values.push({ name, value: column.kind === 'number' ? column.values[i] : NaN });
    }
    code[i] = c;
  }
  const sorted = values
    .map((v, i) => ({ ...v, i }))
    .sort((a, b) =>
      column.kind === 'number' ? a.value - b.value : collator.compare(a.name, b.name),
    );
  const renumber = new Int32Array(values.length);
  sorted.forEach((v, rank) => (renumber[v.i] = rank));
  for (let i = 0; i < rows; i++) if (code[i] >= 0) code[i] = renumber[code[i]];
  return { code, names: sorted.map((v) => v.name) };
}

/**
 * cuminc(duration, cause, group, cencode = censoredValue) on a table: causes
 * are the cause column's other values, sorted; rows with a missing or
 * negative duration, a missing cause or a missing group are left out.
 */
export function cumulativeIncidenceTable(
  table: DataTable,
  settings: CompetingSettings,
): CumulativeIncidenceTableResult {
  const duration = getColumn(table, settings.duration);
  if (duration.kind !== 'number' || (duration.type !== 'integer' && duration.type !== 'decimal'))
    throw new EngineError('survival.duration-not-numeric', {
      column: duration.name,
      type: duration.type,
    });
  const causeColumn = getColumn(table, settings.cause);
  const rows = table.rowCount;
  const causeCodes = codesOf(causeColumn, rows);
  const censoredCode = causeCodes.names.indexOf(settings.censoredValue);
  if (censoredCode < 0 && !causeCodes.names.length)
    throw new EngineError('competing.no-causes', { column: causeColumn.name });
  const causeNames = causeCodes.names.filter((_, i) => i !== censoredCode);
  if (causeNames.length === 0)
    throw new EngineError('competing.no-causes', { column: causeColumn.name });
  if (causeNames.length > MAX_GROUPS)
    throw new EngineError('competing.too-many-causes', {
      column: causeColumn.name,
      count: causeNames.length,
      max: MAX_GROUPS,
    });
  const groupColumn = settings.group ? getColumn(table, settings.group) : null;
  const groupCodes = groupColumn ? codesOf(groupColumn, rows) : null;

  const time: number[] = [];
  const cause: number[] = [];
  const group: number[] = [];
  for (let i = 0; i < rows; i++) {
    const t = duration.values[i];
    const c = causeCodes.code[i];
    if (!Number.isFinite(t) || t < 0 || c < 0) continue;
    if (groupCodes && groupCodes.code[i] < 0) continue;
    time.push(t);
    cause.push(c === censoredCode ? 0 : 1 + causeNames.indexOf(causeCodes.names[c]));
    group.push(groupCodes ? groupCodes.code[i] : 0);
  }
  if (time.length === 0) throw new EngineError('survival.no-usable-rows', { excluded: rows });
  // Keep only the groups that occur among the usable rows.
  let groups: string[] = [];
  let groupArray: Int32Array | null = null;
  if (groupCodes) {
    const present = [...new Set(group)].sort((a, b) => a - b);
    if (present.length > MAX_GROUPS)
      throw new EngineError('survival.too-many-groups', {
        column: groupColumn!.name,
        count: present.length,
        max: MAX_GROUPS,
      });
    const renumber = new Map(present.map((g, i) => [g, i]));
    groups = present.map((g) => groupCodes.names[g]);
    groupArray = Int32Array.from(group, (g) => renumber.get(g)!);
  }
  const result = cumulativeIncidence(
    Float64Array.from(time),
    Int32Array.from(cause),
    causeNames,
    groupArray,
    groups,
  );
  return { ...result, excluded: rows - time.length };
}
