// A fitted churn model applied to a table: each row's probability and
// linear predictor, its top reasons, its risk decile and band. Pure; runs in
// the compute worker (a Score cell) and in Node (the headless runner).
//
// A network's reasons are its integrated gradients (./network/reasons.ts):
// the row's logit less the average customer's, split over the design
// columns by the network's own gradients along the way from that customer
// to the row, and summed per term as below. For a logistic model they are
// exact; for a network they add up to the logit's difference within the
// midpoint rule's error (the completeness gap, small at the default steps).
//
// Reasons. A row's linear predictor, less the average customer's, splits
// exactly into one contribution per term of the model:
//   numeric or boolean feature j     βⱼ·(xᵢⱼ − x̄ⱼ)
//   categorical feature              Σₖ βₖ·(dᵢₖ − d̄ₖ) over its dummies: the
//                                    row's level against the reference, less
//                                    the average customer's mix of levels
//   interaction a:b                  Σ β_c·(x_ia·x_ib − x̄_a·x̄_b) over its
//                                    columns: the average customer is the
//                                    point of the features' means, so an
//                                    interaction column is read against the
//                                    product of its factors' means
// with the means of the training rows (FeatureSpec.mean / means). The top
// reasons are the terms with the largest |contribution| (ties: the earlier
// term; a term contributing exactly 0 is no reason). They are kept as Int32
// term indices and Float64 contributions, row-major (row i's r-th reason at
// i·k + r); their texts ("+ late_payments_12m = 3", "− channel = online vs
// agent") are language-neutral, since they go into exported files, and are
// built in a separate pass, once per distinct (term, value).
//
// Speed: the table is coded in blocks of BLOCK rows by design.ts's designOf
// (the same coding, missing-value and unseen-level rules as fitting, in
// bounded memory), and each block is scored in one loop over typed arrays
// that allocates nothing per row. The linear predictor adds up as train.ts's
// predict does (offset, then β₀, β₁, …), so probabilities are the same to
// the last bit.

import {
  EngineError,
  getColumn,
  NO_PROGRESS,
  type Column,
  type DataTable,
  type Progress,
} from '../data/table';
import type { ChurnModel } from './churnModel';
import { designOf } from './design';
import { logits, prepareNetwork } from './network/forward';
import { baselineLogit, integratedGradientsInto } from './network/reasons';
import type { NetworkModel } from './network/types';
import type { Design, FeatureSpec, LogisticModel, Pipeline } from './types';

/** Rows coded at a time: a block's design matrix stays a few megabytes. */
export const BLOCK = 8192;

export interface ScoreTableOptions {
  /** A category level the model never saw: refuse (default), or score it as the reference level and count it. */
  unseen?: 'error' | 'reference';
  /** Reasons kept per row (default 3). */
  reasons?: number;
  /** A network's integrated-gradient steps (./network/reasons.ts; default its DEFAULT_STEPS). */
  steps?: number;
}

/** One term a reason can name: a feature (all its dummies together) or an interaction. */
export interface ReasonTerm {
  /** The pipeline's term: 'age', 'channel', 'tenure:Contract'. */
  term: string;
  /** Its features, as indices into pipeline.features (one, or two for an interaction). */
  features: number[];
}

export interface Scores {
  /** Table rows (every array below has one entry, or `reasons` entries, per table row). */
  rows: number;
  /** P(positive class), offset included; NaN where a feature (or the row) could not be scored. */
  probability: Float64Array;
  /** The linear predictor η (log-odds), offset included; NaN where not scored. */
  linear: Float64Array;
  /** Reasons per row. */
  reasons: number;
  terms: ReasonTerm[];
  /** Row i's r-th reason: index into `terms`, or −1 for none. */
  reasonTerm: Int32Array;
  /** Its contribution to the log-odds (NaN for none). */
  reasonContribution: Float64Array;
  /** The linear predictor of the average customer, from which contributions are measured. */
  baseline: number;
  /** Rows scored, and rows without a score because a feature was missing (by column). */
  scored: number;
  missing: number;
  missingBy: Record<string, number>;
  /** Levels the model never saw, scored as the reference (unseen: 'reference'). */
  unseen: { column: string; level: string; rows: number }[];
}

/**
 * One block's linear predictors and per-term contributions, row by row: the
 * part of scoring that depends on the model's kind.
 */
interface BlockScorer {
  /** The average customer's linear predictor (offset included). */
  baseline: number;
  /** Codes a block: afterwards `row` reads its rows. */
  block(design: Design, reasons: boolean): void;
  /** Row i's linear predictor; with `contribution`, each term's share of it, filled in. */
  row(i: number, contribution: Float64Array | null): number;
}

/** Logistic: η = offset + Σ βⱼxᵢⱼ, and a term's share Σ βⱼxᵢⱼ − Σ βⱼx̄ⱼ over its columns (header). */
function logisticScorer(
  model: LogisticModel,
  termOf: Int32Array,
  centre: Float64Array,
  T: number,
): BlockScorer {
  const p = model.pipeline.coefficients.length;
  const beta = Float64Array.from(model.beta, (b) => b ?? 0);
  let baseline = model.offset;
  for (let j = 0; j < p; j++) baseline += beta[j] * centre[j];
  // The second sum is the same for every row.
  const constant = new Float64Array(T);
  for (let j = 1; j < p; j++) constant[termOf[j]] += beta[j] * centre[j];
  // layout() gives each term a run of adjacent columns, in order: term t ends before column end[t].
  const end = new Int32Array(T);
  for (let j = 1; j < p; j++) end[termOf[j]] = j + 1;
  const offset = model.offset;
  let X: Float64Array = new Float64Array(0);
  return {
    baseline,
    block(design) {
      X = design.X;
    },
    // In train.ts's predict's order of additions (offset, then β₀x₀, β₁x₁, …), so
    // probabilities are the same to the last bit; the products are the contributions'.
    row(i, out) {
      const base = i * p;
      let eta = offset + X[base] * beta[0];
      if (out === null) {
        for (let j = 1; j < p; j++) eta += X[base + j] * beta[j];
        return eta;
      }
      // Term by term over its run: each share is summed in a register, not scattered.
      let j = 1;
      for (let t = 0; t < T; t++) {
        let share = -constant[t];
        for (const stop = end[t]; j < stop; j++) {
          const product = X[base + j] * beta[j];
          eta += product;
          share += product;
        }
        out[t] = share;
      }
      return eta;
    },
  };
}

/** Network: η = logit + offset, and a term's share the sum of its columns' integrated gradients. */
function networkScorer(
  model: NetworkModel,
  termOf: Int32Array,
  T: number,
  steps?: number,
): BlockScorer {
  const net = prepareNetwork(model);
  const q = net.inputs;
  let attributions = new Float64Array(0);
  let logit = new Float64Array(0);
  return {
    baseline: baselineLogit(net) + model.offset,
    block(design, reasons) {
      if (logit.length < design.n) logit = new Float64Array(design.n);
      if (!reasons) {
        logits(design, net, logit);
        return;
      }
      if (attributions.length < design.n * q) attributions = new Float64Array(design.n * q);
      integratedGradientsInto(design, net, attributions, { steps, logits: logit });
    },
    row(i, out) {
      if (out !== null) {
        out.fill(0, 0, T);
        const base = i * q;
        for (let j = 0; j < q; j++) out[termOf[j + 1]] += attributions[base + j];
      }
      return logit[i] + model.offset;
    },
  };
}

/** Every table row scored by `model`; see the file header for the reasons. */
export async function scoreTable(
  table: DataTable,
  model: ChurnModel,
  options: ScoreTableOptions = {},
  progress: Progress = NO_PROGRESS,
): Promise<Scores> {
  const k = options.reasons ?? 3;
  if (!Number.isInteger(k) || k < 0 || k > 20)
    throw new EngineError('score.invalid-reasons', { reasons: String(k) });
  const { pipeline } = model;
  const { terms, termOf, centre } = layout(pipeline);
  const T = terms.length;
  const scorer =
    model.format === 'lifecycle-lab.logistic'
      ? logisticScorer(model, termOf, centre, T)
      : networkScorer(model, termOf, T, options.steps);
  const baseline = scorer.baseline;

  const n = table.rowCount;
  const probability = new Float64Array(n).fill(NaN);
  const linear = new Float64Array(n).fill(NaN);
  const reasonTerm = new Int32Array(n * k).fill(-1);
  const reasonContribution = new Float64Array(n * k).fill(NaN);
  const missingBy: Record<string, number> = {};
  const unseen = new Map<string, { column: string; level: string; rows: number }>();
  let scored = 0;

  const contribution = new Float64Array(T);
  const topTerm = new Int32Array(k);
  const topSize = new Float64Array(k);
  const blockRows = new Uint32Array(Math.min(BLOCK, n));
  for (let start = 0; start < n; start += BLOCK) {
    const end = Math.min(n, start + BLOCK);
    const rows = end - start === blockRows.length ? blockRows : new Uint32Array(end - start);
    for (let i = 0; i < rows.length; i++) rows[i] = start + i;
    const design = designOf(table, pipeline, { rows, target: false, unseen: options.unseen });
    for (const [column, count] of Object.entries(design.missingBy))
      missingBy[column] = (missingBy[column] ?? 0) + count;
    for (const u of design.unseen) {
      const key = `${u.column}\u0000${u.level}`;
      const entry = unseen.get(key);
      if (entry) entry.rows += u.rows;
      else unseen.set(key, { ...u });
    }
    scorer.block(design, k > 0);
    const used = design.rows;
    for (let i = 0; i < design.n; i++) {
      const row = used[i];
      const eta = scorer.row(i, k > 0 ? contribution : null);
      linear[row] = eta;
      probability[row] = 1 / (1 + Math.exp(-eta));
      if (k === 0) continue;
      // Top k by |contribution|: insertion into k slots; a strict > keeps the earlier term on ties.
      let size = 0;
      for (let t = 0; t < T; t++) {
        const a = Math.abs(contribution[t]);
        if (!(a > 0)) continue;
        if (size === k && a <= topSize[k - 1]) continue;
        let at = size < k ? size++ : k - 1;
        while (at > 0 && topSize[at - 1] < a) {
          topSize[at] = topSize[at - 1];
          topTerm[at] = topTerm[at - 1];
          at--;
        }
        topSize[at] = a;
        topTerm[at] = t;
      }
      const out = row * k;
      for (let r = 0; r < size; r++) {
        reasonTerm[out + r] = topTerm[r];
        reasonContribution[out + r] = contribution[topTerm[r]];
      }
    }
    scored += design.n;
    // A network's reasons take seconds per 100,000 rows: progress, and a turn for a cancel.
    await progress.report(end, n);
  }
  return {
    rows: n,
    probability,
    linear,
    reasons: k,
    terms,
    reasonTerm,
    reasonContribution,
    baseline,
    scored,
    missing: n - scored,
    missingBy,
    unseen: [...unseen.values()],
  };
}

/** Per design column: its reason term (−1 for the intercept) and the average customer's value. */
function layout(pipeline: Pipeline): {
  terms: ReasonTerm[];
  termOf: Int32Array;
  centre: Float64Array;
} {
  const p = pipeline.coefficients.length;
  const termOf = new Int32Array(p).fill(-1);
  const centre = new Float64Array(p);
  centre[0] = 1;
  const terms: ReasonTerm[] = [];
  const centres: number[][] = [];
  let j = 1;
  pipeline.features.forEach((f, i) => {
    const c = f.kind === 'categorical' ? f.means : [f.mean];
    centres.push(c);
    for (const v of c) {
      termOf[j] = terms.length;
      centre[j++] = v;
    }
    terms.push({ term: f.column, features: [i] });
  });
  const index = new Map(pipeline.features.map((f, i) => [f.column, i]));
  for (const { a, b } of pipeline.interactions) {
    const ia = index.get(a)!;
    const ib = index.get(b)!;
    for (const cb of centres[ib])
      for (const ca of centres[ia]) {
        termOf[j] = terms.length;
        centre[j++] = ca * cb;
      }
    terms.push({ term: `${a}:${b}`, features: [ia, ib] });
  }
  if (j !== p) throw new Error(`score: the pipeline lays out ${j} columns for ${p} coefficients`);
  return { terms, termOf, centre };
}

/**
 * The reasons as dictionary-encoded text columns, one per reason slot
 * (codes −1 where a row has no such reason), sharing one dictionary. A
 * text is built once per distinct (term, value) and reused.
 */
export function reasonTexts(
  table: DataTable,
  model: ChurnModel,
  scores: Scores,
): { dictionary: string[]; codes: Int32Array[] } {
  const { features } = model.pipeline;
  const columns = features.map((f) => getColumn(table, f.column));
  const dictionary: string[] = [];
  const known = new Map<string, number>();
  // Per term, a cache from the row's value (a number, or a dictionary code) — or pair of values — to a text's code.
  const caches = scores.terms.map(() => new Map<number, number | Map<number, number>>());
  // The column of each term that is one numeric feature ('' for the others).
  const numericKey = scores.terms.map((term) => {
    const f = features[term.features[0]];
    return term.features.length === 1 && f.kind === 'numeric' ? f.column : '';
  });
  // A term of one categorical or boolean feature has one text per code (dictionary code, or
  // 0 / 1): those are kept in an array by the code, a load instead of a map's look-up.
  const byCode = scores.terms.map((term, t) => {
    if (term.features.length !== 1 || numericKey[t]) return null;
    const c = columns[term.features[0]];
    return new Int32Array(c.kind === 'string' ? c.dictionary.length : 2).fill(-1);
  });
  const k = scores.reasons;
  const codes = Array.from({ length: k }, () => new Int32Array(scores.rows).fill(-1));
  const valueOf = (c: Column, row: number) => (c.kind === 'string' ? c.codes[row] : c.values[row]);
  for (let row = 0; row < scores.rows; row++)
    for (let r = 0; r < k; r++) {
      const t = scores.reasonTerm[row * k + r];
      if (t < 0) continue;
      const term = scores.terms[t];
      const positive = scores.reasonContribution[row * k + r] > 0;
      const cache = caches[t];
      const v0 = valueOf(columns[term.features[0]], row);
      const direct = byCode[t];
      // (A boolean feature scored from a column holding other numbers takes the map below.)
      const slot =
        direct !== null && Number.isInteger(v0) && v0 >= 0 && v0 < direct.length ? v0 : -1;
      if (slot >= 0 && direct![slot] >= 0) {
        codes[r][row] = direct![slot];
        continue;
      }
      if (numericKey[t]) {
        // A continuous feature has about one value per row: its texts are cached by the value
        // as written (hundredths, and the sign), a small integer key, not by the raw double.
        const a = Math.abs(v0);
        if ((a >= 1 || Number.isInteger(v0)) && a < 1e6) {
          const hundredths = Math.round(v0 * 100);
          const key = hundredths * 2 + (positive ? 1 : 0);
          let code = cache.get(key) as number | undefined;
          if (code === undefined) {
            code = dictionary.length;
            dictionary.push(`${positive ? '+' : '\u2212'} ${numericKey[t]} = ${hundredths / 100}`);
            cache.set(key, code);
          }
          codes[r][row] = code;
          continue;
        }
      }
      let code: number | undefined;
      let inner: Map<number, number> | undefined;
      if (term.features.length === 1) code = cache.get(v0) as number | undefined;
      else {
        inner = cache.get(v0) as Map<number, number> | undefined;
        if (!inner) cache.set(v0, (inner = new Map()));
        code = inner.get(valueOf(columns[term.features[1]], row));
      }
      if (code === undefined) {
        const single = term.features.length === 1 ? features[term.features[0]] : null;
        // A number's text is its prefix and its value: the one text built per row for a
        // continuous feature, so it is built without the general path's array and join.
        const text =
          single?.kind === 'numeric'
            ? `${positive ? '+' : '\u2212'} ${single.column} = ${formatValue(v0)}`
            : `${positive ? '+' : '\u2212'} ${term.features
                .map((fi) => factorText(features[fi], columns[fi], row, term.features.length === 1))
                .join(' \u00d7 ')}`;
        // Two values written alike (52.351 and 52.349 as 52.35) share one text.
        code = known.get(text);
        if (code === undefined) {
          code = dictionary.length;
          dictionary.push(text);
          known.set(text, code);
        }
        if (inner) inner.set(valueOf(columns[term.features[1]], row), code);
        else if (slot >= 0) direct![slot] = code;
        else cache.set(v0, code);
      }
      codes[r][row] = code;
    }
  return { dictionary, codes };
}

/** One row's r-th reason as text ('' for none); for a preview, where building every text is not needed. */
export function reasonText(
  table: DataTable,
  model: ChurnModel,
  scores: Scores,
  row: number,
  r: number,
): string {
  const t = scores.reasonTerm[row * scores.reasons + r];
  if (t < 0) return '';
  const { features } = model.pipeline;
  const term = scores.terms[t];
  const sign = scores.reasonContribution[row * scores.reasons + r] > 0 ? '+' : '\u2212';
  return `${sign} ${term.features
    .map((fi) =>
      factorText(
        features[fi],
        getColumn(table, features[fi].column),
        row,
        term.features.length === 1,
      ),
    )
    .join(' \u00d7 ')}`;
}

/** "age = 41", "claim_denied = true", "channel = online vs agent" (main effect) or "channel = online" (in an interaction). */
function factorText(f: FeatureSpec, column: Column, row: number, alone: boolean): string {
  if (column.kind === 'string') {
    const level = column.dictionary[column.codes[row]];
    if (f.kind !== 'categorical') return `${f.column} = ${level}`;
    // A level the model never saw was scored as the reference: say both.
    if (level !== f.reference && !f.levels.includes(level))
      return `${f.column} = ${level} (${f.reference})`;
    return alone && level !== f.reference
      ? `${f.column} = ${level} vs ${f.reference}`
      : `${f.column} = ${level}`;
  }
  const v = column.values[row];
  if (f.kind === 'boolean') return `${f.column} = ${v ? 'true' : 'false'}`;
  return `${f.column} = ${formatValue(v)}`;
}

/**
 * A value as written in a reason: an integer as it is; from 1 up, to two
 * decimals (money, rates); below 1, to four significant digits. A reason
 * explains a score, it does not carry the data: the value itself is in its
 * own column.
 */
function formatValue(v: number): string {
  if (Number.isInteger(v)) return String(v);
  const a = Math.abs(v);
  if (a >= 1 && a < 1e15) return String(Math.round(v * 100) / 100);
  return String(Number(v.toPrecision(4)));
}

/**
 * Risk decile of each row: 1 for the tenth of scored rows with the highest
 * probabilities … 10 for the lowest; 0 where the probability is NaN. A row's
 * decile is ⌊10·h / m⌋ + 1, h the number of scored rows with a strictly
 * higher probability and m the rows scored, so tied rows share a decile and,
 * without ties, deciles hold ⌊m/10⌋ or ⌈m/10⌉ rows.
 */
export function deciles(probability: Float64Array): Uint8Array {
  // The scored values, copied by a loop (a typed array's filter calls back per element:
  // 0.15 s a million rows, as long as the sort).
  const values = new Float64Array(probability.length);
  let m = 0;
  for (let i = 0; i < probability.length; i++) {
    const v = probability[i];
    if (!Number.isNaN(v)) values[m++] = v;
  }
  const out = new Uint8Array(probability.length);
  if (m === 0) return out;
  // h(v) ≥ H exactly when v is below the H-th largest value, so a row's decile is 1 plus the
  // number of cuts d = 1 … 9 with v below the ⌈d·m/10⌉-th largest: nine comparisons a row.
  const places: number[] = [];
  for (let d = 1; d <= 9; d++) places.push(m - Math.ceil((d * m) / 10));
  const cuts = orderStatistics(values.subarray(0, m), places);
  for (let i = 0; i < probability.length; i++) {
    const v = probability[i];
    if (Number.isNaN(v)) continue;
    let decile = 1;
    for (let d = 0; d < 9; d++) if (v < cuts[d]) decile++;
    out[i] = decile;
  }
  return out;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * The values a sort of `values` (no NaN; reordered) would put at each of
 * `places`, without sorting them all: a non-negative double's high 32 bits
 * grow with its value, so one pass counts the values per bucket of high
 * words, and only the buckets holding a place are collected and sorted
 * (a few thousand values of a million, against a sort of all: 0.1 s).
 * With a negative value or −0 (a sign bit breaks that order), all are sorted.
 */
function orderStatistics(values: Float64Array, places: readonly number[]): Float64Array {
  const out = new Float64Array(places.length);
  const m = values.length;
  const words = new Uint32Array(values.buffer, values.byteOffset, 2 * m);
  let lo = 0xffffffff;
  let hi = 0;
  for (let i = 0; i < m; i++) {
    const w = words[2 * i + 1];
    if (w < lo) lo = w;
    if (w > hi) hi = w;
  }
  if (!LITTLE_ENDIAN || hi >= 0x80000000) {
    values.sort();
    places.forEach((place, k) => (out[k] = values[place]));
    return out;
  }
  let shift = 0;
  while ((hi - lo) / 2 ** shift >= 1 << 16) shift++;
  const counts = new Int32Array(((hi - lo) >>> shift) + 2);
  for (let i = 0; i < m; i++) counts[((words[2 * i + 1] - lo) >>> shift) + 1]++;
  for (let b = 1; b < counts.length; b++) counts[b] += counts[b - 1]; // counts[b]: values below bucket b
  // Each place's bucket (the last bucket starting at or before it) and those buckets' values, sorted.
  const bucketOf = places.map((place) => {
    let b = 0;
    while (counts[b + 1] <= place) b++;
    return b;
  });
  // Each wanted bucket's values go to its own stretch of `picked`, from start[slot].
  const slotOf = new Int32Array(counts.length).fill(-1);
  const start: number[] = [];
  let size = 0;
  for (const b of bucketOf)
    if (slotOf[b] < 0) {
      slotOf[b] = start.length;
      start.push(size);
      size += counts[b + 1] - counts[b];
    }
  const picked = new Float64Array(size);
  const next = Int32Array.from(start);
  for (let i = 0; i < m; i++) {
    const slot = slotOf[(words[2 * i + 1] - lo) >>> shift];
    if (slot >= 0) picked[next[slot]++] = values[i];
  }
  for (let slot = 0; slot < start.length; slot++)
    picked.subarray(start[slot], slot + 1 < start.length ? start[slot + 1] : size).sort();
  places.forEach((place, k) => {
    const b = bucketOf[k];
    out[k] = picked[start[slotOf[b]] + place - counts[b]];
  });
  return out;
}

/** Band codes of riskBands, ordered as deciles are (1 is the highest risk). */
export const BAND = { none: 0, high: 1, medium: 2, low: 3 } as const;
export const BAND_NAMES = ['', 'high', 'medium', 'low'] as const;

/** Risk band of each row: high from `high` on, medium from `medium` on, low below; none where NaN. */
export function riskBands(
  probability: Float64Array,
  cuts: { high: number; medium: number },
): Uint8Array {
  const { high, medium } = cuts;
  if (!(medium >= 0 && medium <= high && high <= 1))
    throw new EngineError('score.invalid-bands', { high: String(high), medium: String(medium) });
  const out = new Uint8Array(probability.length);
  for (let i = 0; i < probability.length; i++) {
    const v = probability[i];
    out[i] = Number.isNaN(v)
      ? BAND.none
      : v >= high
        ? BAND.high
        : v >= medium
          ? BAND.medium
          : BAND.low;
  }
  return out;
}
