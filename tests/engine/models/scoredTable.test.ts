// The scored list against a straightforward reference written here: on a
// seeded table of several scoring blocks (numbers, integers, a boolean, two
// categoricals with missing values and an unseen level, two interactions,
// an offset), every added column of scoredTable equals what the definitions
// give row by row — probability and log-odds as train.ts's predict,
// reasons by sorting each row's term contributions, texts written out,
// deciles by counting higher scores, bands by the cuts. It guards the fast
// paths of score.ts and scoredTable.ts (blocks, per-term runs, typed loops).
import { beforeAll, describe, expect, it } from 'vitest';
import { Random } from '../../../src/lib/engine/data/random';
import type { Column, DataTable } from '../../../src/lib/engine/data/table';
import { buildPipeline, designOf } from '../../../src/lib/engine/models/design';
import { fitLogistic } from '../../../src/lib/engine/models/logistic';
import { BLOCK } from '../../../src/lib/engine/models/score';
import { scoredTable } from '../../../src/lib/engine/models/scoredTable';
import { predict } from '../../../src/lib/engine/models/train';
import type { LogisticModel } from '../../../src/lib/engine/models/types';

const ROWS = 2 * BLOCK + 1234;
const CHANNELS = ['agent', 'online', 'phone', 'broker'];
const REGIONS = ['north', 'south', 'east'];

/** A seeded book; `unseen` adds a channel level the model never saw. */
function book(seed: number, unseen: boolean): DataTable {
  const r = new Random(seed);
  const age = new Float64Array(ROWS);
  const late = new Float64Array(ROWS);
  const premium = new Float64Array(ROWS);
  const denied = new Float64Array(ROWS);
  const lapsed = new Float64Array(ROWS);
  const channel = new Int32Array(ROWS);
  const region = new Int32Array(ROWS);
  for (let i = 0; i < ROWS; i++) {
    age[i] = r.uniform() < 0.03 ? NaN : Math.round(r.normal(45, 12));
    late[i] = r.poisson(0.8);
    premium[i] = r.uniform() < 0.02 ? NaN : Math.exp(r.normal(6.5, 0.6));
    denied[i] = r.bernoulli(0.15);
    channel[i] = unseen && r.uniform() < 0.01 ? 4 : r.categorical([0.4, 0.3, 0.2, 0.1]);
    region[i] = r.uniform() < 0.02 ? -1 : r.int(3);
    const eta =
      -1 + 0.02 * (Number.isNaN(age[i]) ? 45 : age[i] - 45) + 0.5 * late[i] + 0.8 * denied[i];
    lapsed[i] = r.bernoulli(1 / (1 + Math.exp(-eta - (channel[i] === 1 ? 0.4 : 0))));
  }
  const number = (name: string, values: Float64Array, type: 'decimal' | 'integer' | 'boolean') =>
    ({ kind: 'number', name, type, values }) as const;
  const category = (name: string, codes: Int32Array, dictionary: string[]) =>
    ({ kind: 'string', name, type: 'categorical', codes, dictionary }) as const;
  return {
    rowCount: ROWS,
    columns: [
      number('age', age, 'integer'),
      number('late_payments', late, 'integer'),
      number('premium', premium, 'decimal'),
      number('claim_denied', denied, 'boolean'),
      category('channel', channel, [...CHANNELS, 'drone']),
      category('region', region, REGIONS),
      number('lapsed', lapsed, 'boolean'),
    ],
  };
}

let model: LogisticModel;
let scoring: DataTable;
beforeAll(async () => {
  const train = book(1, false);
  const pipeline = buildPipeline(train, {
    target: { column: 'lapsed', positive: '1' },
    features: ['age', 'late_payments', 'premium', 'claim_denied', 'channel', 'region'],
    interactions: [
      { a: 'channel', b: 'age' },
      { a: 'region', b: 'claim_denied' },
    ],
  });
  model = (await fitLogistic(designOf(train, pipeline), pipeline)).model;
  model.offset = 0.25;
  scoring = book(2, true);
});

/** A value as a reason writes it (score.ts's rule, restated). */
function written(v: number): string {
  if (Number.isInteger(v)) return String(v);
  if (Math.abs(v) >= 1) return String(Math.round(v * 100) / 100);
  return String(Number(v.toPrecision(4)));
}

/** Every row's probability and reason texts, one row at a time. */
function reference(table: DataTable, m: LogisticModel, k: number) {
  const { pipeline } = m;
  const design = designOf(table, pipeline, { target: false, unseen: 'reference' });
  const p = design.p;
  const beta = m.beta.map((b) => b ?? 0);
  // Each term's columns and the average customer's value of each column.
  const terms: { name: string; features: number[]; columns: number[] }[] = [];
  const centre: number[] = [1];
  const centres: number[][] = [];
  pipeline.features.forEach((f, i) => {
    const c = f.kind === 'categorical' ? f.means : [f.mean];
    centres.push(c);
    terms.push({ name: f.column, features: [i], columns: c.map((_, s) => centre.length + s) });
    centre.push(...c);
  });
  for (const { a, b } of pipeline.interactions) {
    const ia = pipeline.features.findIndex((f) => f.column === a);
    const ib = pipeline.features.findIndex((f) => f.column === b);
    const columns: number[] = [];
    for (const cb of centres[ib])
      for (const ca of centres[ia]) {
        columns.push(centre.length);
        centre.push(ca * cb);
      }
    terms.push({ name: `${a}:${b}`, features: [ia, ib], columns });
  }
  const n = table.rowCount;
  const probability = new Float64Array(n).fill(NaN);
  const reasons: { term: number; contribution: number }[][] = Array.from({ length: n }, () => []);
  const probs = predict(design, m);
  for (let i = 0; i < design.n; i++) {
    const row = design.rows[i];
    probability[row] = probs[i];
    const shares = terms.map((term, t) => ({
      term: t,
      contribution: term.columns.reduce(
        (sum, j) => sum + beta[j] * (design.X[i * p + j] - centre[j]),
        0,
      ),
    }));
    reasons[row] = shares
      .filter((s) => s.contribution !== 0)
      .sort((x, y) => Math.abs(y.contribution) - Math.abs(x.contribution) || x.term - y.term)
      .slice(0, k);
  }
  const column = (name: string) => table.columns.find((c) => c.name === name)!;
  const factor = (fi: number, row: number, alone: boolean): string => {
    const f = pipeline.features[fi];
    const c = column(f.column);
    if (c.kind === 'string') {
      const level = c.dictionary[c.codes[row]];
      if (f.kind !== 'categorical') return `${f.column} = ${level}`;
      if (level !== f.reference && !f.levels.includes(level))
        return `${f.column} = ${level} (${f.reference})`;
      return alone && level !== f.reference
        ? `${f.column} = ${level} vs ${f.reference}`
        : `${f.column} = ${level}`;
    }
    const v = c.values[row];
    return f.kind === 'boolean'
      ? `${f.column} = ${v ? 'true' : 'false'}`
      : `${f.column} = ${written(v)}`;
  };
  const texts = reasons.map((rs, row) =>
    rs.map(
      ({ term, contribution }) =>
        `${contribution > 0 ? '+' : '\u2212'} ${terms[term].features
          .map((fi) => factor(fi, row, terms[term].features.length === 1))
          .join(' \u00d7 ')}`,
    ),
  );
  return { probability, texts };
}

const text = (c: Column, row: number) =>
  c.kind === 'string' ? (c.codes[row] < 0 ? '' : c.dictionary[c.codes[row]]) : '';

describe('scoredTable against a row-by-row reference', () => {
  it('adds the same probabilities, deciles, bands and reasons on a seeded book of several blocks', async () => {
    const bands = { high: 0.5, medium: 0.25 };
    const { table, summary } = await scoredTable(scoring, model, {
      unseen: 'reference',
      bands,
      reasons: 3,
    });
    const ref = reference(scoring, model, 3);
    const added = (name: string) => table.columns.find((c) => c.name === name)!;
    expect(table.columns.map((c) => c.name).slice(scoring.columns.length)).toEqual([
      'probability',
      'risk_decile',
      'risk_band',
      'reason_1',
      'reason_2',
      'reason_3',
    ]);
    const probability = added('probability');
    const decile = added('risk_decile');
    const band = added('risk_band');
    if (probability.kind !== 'number' || decile.kind !== 'number') throw new Error('kinds');

    // Rows left out: a missing age or premium or region (the unseen channel is scored).
    const scored = ref.probability.filter((v) => !Number.isNaN(v)).length;
    expect(summary.scored).toBe(scored);
    expect(scored).toBeGreaterThan(0.9 * ROWS);
    expect(scored).toBeLessThan(ROWS);
    expect(summary.unseen).toEqual([
      { column: 'channel', level: 'drone', rows: expect.any(Number) },
    ]);

    // Probabilities: bit for bit train.ts's predict.
    expect(Array.from(probability.values)).toEqual(Array.from(ref.probability));

    // Deciles: 1 + ⌊10·h/m⌋, h the scored rows with a strictly higher probability.
    const sorted = ref.probability.filter((v) => !Number.isNaN(v)).sort();
    const higher = (v: number) => {
      let lo = 0;
      let hi = sorted.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (sorted[mid] <= v) lo = mid + 1;
        else hi = mid;
      }
      return sorted.length - lo;
    };
    let mismatches = 0;
    for (let row = 0; row < ROWS; row++) {
      const v = ref.probability[row];
      const want = Number.isNaN(v) ? NaN : 1 + Math.floor((10 * higher(v)) / scored);
      if (!Object.is(decile.values[row], want)) mismatches++;
      const b = Number.isNaN(v)
        ? ''
        : v >= bands.high
          ? 'high'
          : v >= bands.medium
            ? 'medium'
            : 'low';
      if (text(band, row) !== b) mismatches++;
    }
    expect(mismatches).toBe(0);

    // Reasons: the same terms, in the same order, with the same texts, on every row.
    const reasonColumns = [added('reason_1'), added('reason_2'), added('reason_3')];
    let differing = 0;
    let withThree = 0;
    for (let row = 0; row < ROWS; row++) {
      const got = reasonColumns.map((c) => text(c, row)).filter((t) => t !== '');
      if (got.join('|') !== ref.texts[row].join('|')) differing++;
      if (got.length === 3) withThree++;
    }
    expect(differing).toBe(0);
    expect(withThree).toBe(scored);
    // The texts include interactions and the unseen level written against the reference.
    const all = new Set(reasonColumns.flatMap((c) => (c.kind === 'string' ? c.dictionary : [])));
    expect([...all].some((t) => t.includes('channel = drone (agent)'))).toBe(true);
    expect([...all].some((t) => t.includes(' \u00d7 '))).toBe(true);
  });
});
