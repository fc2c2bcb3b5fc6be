// Scoring: probabilities as the model's own prediction, NaN where a feature
// is missing; reasons that add up to the row's log-odds against the average
// customer, the largest first, with hand-checked texts; unseen levels refused
// or counted; deciles and risk bands.
import { beforeAll, describe, expect, it } from 'vitest';
import { EngineError, type DataTable } from '../../../src/lib/engine/data/table';
import { buildPipeline, designOf } from '../../../src/lib/engine/models/design';
import { fitLogistic } from '../../../src/lib/engine/models/logistic';
import { withCoefficients } from '../../../src/lib/engine/models/modelFile';
import {
  BAND,
  deciles,
  reasonText,
  reasonTexts,
  riskBands,
  scoreTable,
} from '../../../src/lib/engine/models/score';
import { predict } from '../../../src/lib/engine/models/train';
import type { LogisticModel } from '../../../src/lib/engine/models/types';
import type { NetworkModel } from '../../../src/lib/engine/models/network/types';
import { scalingOf } from '../../../src/lib/engine/models/network/trainNetwork';
import { DEFAULT_STEPS, integratedGradients } from '../../../src/lib/engine/models/network/reasons';
import { readDataset } from '../datasets';

let telco: DataTable;
let model: LogisticModel;
beforeAll(async () => {
  telco = await readDataset('ibm__Telco-Customer-Churn.csv');
  const pipeline = buildPipeline(telco, {
    target: { column: 'Churn', positive: 'Yes' },
    features: ['tenure', 'Contract', 'InternetService', 'Partner', 'TotalCharges'],
    interactions: [
      { a: 'Contract', b: 'tenure' },
      { a: 'InternetService', b: 'Partner' },
    ],
  });
  model = (await fitLogistic(designOf(telco, pipeline), pipeline)).model;
  model.offset = -0.5;
});

function table(columns: Record<string, number[] | string[]>): DataTable {
  const names = Object.keys(columns);
  return {
    rowCount: columns[names[0]].length,
    columns: names.map((name) => {
      const values = columns[name];
      if (typeof values[0] === 'number')
        return {
          kind: 'number',
          name,
          type: name === 'claim_denied' ? 'boolean' : 'decimal',
          values: Float64Array.from(values as number[]),
        } as const;
      const dictionary = [...new Set(values as string[])];
      return {
        kind: 'string',
        name,
        type: 'categorical',
        dictionary,
        codes: Int32Array.from(values as string[], (v) => dictionary.indexOf(v)),
      } as const;
    }),
  };
}

/** A hand-set model: age (mean 40), channel (agent reference; shares .3 .2), claim_denied (mean .1), optionally age × channel. */
function handModel(interaction: boolean): LogisticModel {
  const pipeline = withCoefficients({
    target: { column: 'lapsed', positive: 'Yes' },
    features: [
      { kind: 'numeric', column: 'age', mean: 40 },
      {
        kind: 'categorical',
        column: 'channel',
        reference: 'agent',
        levels: ['online', 'phone'],
        means: [0.3, 0.2],
      },
      { kind: 'boolean', column: 'claim_denied', mean: 0.1 },
    ],
    interactions: interaction ? [{ a: 'age', b: 'channel' }] : [],
  });
  const beta = [-1, 0.1, -0.5, 0.2, 1.0, ...(interaction ? [0.01, 0] : [])];
  return { format: 'lifecycle-lab.logistic', version: 1, pipeline, beta, offset: 0, penalty: null };
}

const book = () =>
  table({
    age: [43, 40, 43, 50],
    channel: ['online', 'agent', 'online', 'drone'],
    claim_denied: [1, 0, 1, 0],
  });

describe('scoreTable', () => {
  it("gives the model's own probabilities, NaN where a feature is missing", async () => {
    const scores = await scoreTable(telco, model);
    const design = designOf(telco, model.pipeline, { target: false });
    const expected = predict(design, model);
    design.rows.forEach((row, i) => expect(scores.probability[row]).toBe(expected[i]));
    // TotalCharges is blank for 11 Telco customers (new ones, tenure 0).
    expect(scores.missing).toBe(11);
    expect(scores.missingBy).toEqual({ TotalCharges: 11 });
    expect(scores.probability.filter(Number.isNaN).length).toBe(11);
    expect(scores.scored).toBe(telco.rowCount - 11);
  });

  it('reasons add up to the log-odds against the average customer, the largest first', async () => {
    const all = await scoreTable(telco, model, { reasons: 20 });
    const top = await scoreTable(telco, model, { reasons: 3 });
    const T = all.terms.length;
    expect(all.terms.map((t) => t.term)).toEqual([
      'tenure',
      'Contract',
      'InternetService',
      'Partner',
      'TotalCharges',
      'tenure:Contract',
      'InternetService:Partner',
    ]);
    for (let row = 0; row < telco.rowCount; row += 7) {
      if (Number.isNaN(all.linear[row])) {
        expect(top.reasonTerm[row * 3]).toBe(-1);
        continue;
      }
      let sum = 0;
      const sizes: number[] = [];
      for (let r = 0; r < 20; r++) {
        const c = all.reasonContribution[row * 20 + r];
        if (r < T && all.reasonTerm[row * 20 + r] >= 0) {
          sum += c;
          sizes.push(Math.abs(c));
        } else expect(all.reasonTerm[row * 20 + r]).toBe(-1);
      }
      expect(sum).toBeCloseTo(all.linear[row] - all.baseline, 10);
      // Sorted by size, and the top three are the first three of the full list.
      expect(sizes).toEqual([...sizes].sort((a, b) => b - a));
      for (let r = 0; r < 3; r++) {
        expect(top.reasonTerm[row * 3 + r]).toBe(all.reasonTerm[row * 20 + r]);
        expect(top.reasonContribution[row * 3 + r]).toBe(all.reasonContribution[row * 20 + r]);
      }
    }
  });

  it('reads contributions as the header says, with texts in words (hand-checked)', async () => {
    const m = handModel(false);
    const t = table({ age: [43, 40], channel: ['online', 'agent'], claim_denied: [1, 0] });
    const s = await scoreTable(t, m);
    // Row 0: claim 1.0·(1 − 0.1) = 0.9; channel −0.5·(1 − 0.3) + 0.2·(0 − 0.2) = −0.39; age 0.1·3 = 0.3.
    expect(Array.from(s.reasonContribution.subarray(0, 3))).toEqual([
      expect.closeTo(0.9, 12),
      expect.closeTo(-0.39, 12),
      expect.closeTo(0.3, 12),
    ]);
    // Row 1: channel −0.5·(0 − 0.3) + 0.2·(0 − 0.2) = 0.11; claim 1.0·(0 − 0.1) = −0.1; age at its mean: no reason.
    expect(s.reasonContribution[3]).toBeCloseTo(0.11, 12);
    expect(s.reasonContribution[4]).toBeCloseTo(-0.1, 12);
    expect(s.reasonTerm[5]).toBe(-1);
    expect(s.baseline).toBeCloseTo(-1 + 0.1 * 40 - 0.5 * 0.3 + 0.2 * 0.2 + 0.1, 12);

    const { dictionary, codes } = reasonTexts(t, m, s);
    const texts = (row: number) => codes.map((c) => (c[row] < 0 ? '' : dictionary[c[row]]));
    expect(texts(0)).toEqual([
      '+ claim_denied = true',
      '\u2212 channel = online vs agent',
      '+ age = 43',
    ]);
    expect(texts(1)).toEqual(['+ channel = agent', '\u2212 claim_denied = false', '']);
    expect(reasonText(t, m, s, 0, 1)).toBe('\u2212 channel = online vs agent');
    // A decimal is written to hundredths (below 1: four significant digits).
    const d = table({
      age: [43.456, 38.504, 0.123456],
      channel: ['agent', 'agent', 'agent'],
      claim_denied: [0, 0, 0],
    });
    const ds = await scoreTable(d, m, { reasons: 1 });
    const dt = reasonTexts(d, m, ds);
    expect(Array.from(dt.codes[0], (c) => dt.dictionary[c])).toEqual([
      '+ age = 43.46',
      '\u2212 age = 38.5',
      '\u2212 age = 0.1235',
    ]);
  });

  it('names an interaction as its own term, and builds each text once', async () => {
    const m = handModel(true);
    const t = book();
    const s = await scoreTable(t, m, { unseen: 'reference' });
    const { dictionary, codes } = reasonTexts(t, m, s);
    // Row 0: age:channel 0.01·(43·1 − 40·0.3) = 0.31, after claim (0.9) and channel (−0.39), above age's 0.3.
    expect(dictionary[codes[2][0]]).toBe('+ age = 43 \u00d7 channel = online');
    // Rows 0 and 2 are the same customer: the same codes, texts built once.
    expect(codes.map((c) => c[2])).toEqual(codes.map((c) => c[0]));
    expect(new Set(dictionary).size).toBe(dictionary.length);
  });

  it('refuses an unseen level, or scores it as the reference and counts it', async () => {
    const m = handModel(false);
    await expect(scoreTable(book(), m)).rejects.toThrow(EngineError);
    await expect(scoreTable(book(), m)).rejects.toThrow(/model.unseen-level/);
    const s = await scoreTable(book(), m, { unseen: 'reference' });
    expect(s.unseen).toEqual([{ column: 'channel', level: 'drone', rows: 1 }]);
    const asAgent = (
      await scoreTable(table({ age: [50], channel: ['agent'], claim_denied: [0] }), m)
    ).probability[0];
    expect(s.probability[3]).toBe(asAgent);
    const { dictionary, codes } = reasonTexts(book(), m, s);
    expect(codes.map((c) => dictionary[c[3]])).toContain('+ channel = drone (agent)');
  });

  it('reports its progress block by block, so a long scoring can be followed and cancelled', async () => {
    const n = 20_000;
    const big = table({
      age: Array.from({ length: n }, (_, i) => 20 + (i % 50)),
      channel: Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 'online' : 'agent')),
      claim_denied: Array.from({ length: n }, (_, i) => i % 2),
    });
    const reports: [number, number][] = [];
    await scoreTable(
      big,
      handModel(false),
      {},
      {
        report: async (done, total) => void reports.push([done, total]),
      },
    );
    expect(reports).toEqual([
      [8192, n],
      [16384, n],
      [n, n],
    ]);
  });

  it('keeps 0 to 20 reasons', async () => {
    expect(
      (await scoreTable(book(), handModel(false), { reasons: 0, unseen: 'reference' })).reasonTerm
        .length,
    ).toBe(0);
    await expect(scoreTable(book(), handModel(false), { reasons: 21 })).rejects.toThrow(
      /score.invalid-reasons/,
    );
  });
});

describe('deciles and bands', () => {
  it('cuts scored rows into tenths, 1 the highest; ties share a decile; NaN has none', () => {
    const p = Float64Array.from({ length: 100 }, (_, i) => ((i * 37) % 100) / 100);
    const d = deciles(p);
    for (let i = 0; i < 100; i++) expect(d[i]).toBe(10 - Math.floor(p[i] * 10));
    const tied = deciles(
      Float64Array.from([0.9, 0.9, 0.9, 0.1, NaN, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7]),
    );
    // 10 scored rows: the three 0.9s have no row above them (decile 1); 0.7 has three above (decile 4).
    expect(Array.from(tied)).toEqual([1, 1, 1, 10, 0, 9, 8, 7, 6, 5, 4]);
  });

  it('gives each row 1 + ⌊10·h/m⌋ (h: rows scored higher) on ties, spreads, negatives and −0', () => {
    // The cuts are picked from buckets of the doubles' high words, not a sort: checked
    // against the definition, counted directly, on values that stress the buckets.
    let seed = 7;
    const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    const cases = [
      Float64Array.from({ length: 1500 }, () => random()),
      Float64Array.from({ length: 1500 }, () => Math.floor(random() * 4) / 4),
      Float64Array.from({ length: 1500 }, () => (random() < 0.1 ? NaN : random() ** 8)),
      Float64Array.from({ length: 1500 }, (_, i) => (i % 3 === 0 ? 0 : i % 3 === 1 ? 1 : 1e-300)),
      Float64Array.from({ length: 1500 }, () => random() - 0.5),
      Float64Array.from([0, -0, 0.5, -0, 1, 0.25, 0.25]),
      Float64Array.from([0.3]),
    ];
    for (const p of cases) {
      const scored = p.filter((v) => !Number.isNaN(v));
      const got = deciles(p);
      const want = Array.from(p, (v) =>
        Number.isNaN(v)
          ? 0
          : 1 + Math.floor((10 * scored.filter((w) => w > v).length) / scored.length),
      );
      expect(Array.from(got)).toEqual(want);
    }
  });

  it('bands by the cuts, and refuses cuts out of order', async () => {
    const b = riskBands(Float64Array.from([0.6, 0.5, 0.3, 0.2, 0.1, NaN]), {
      high: 0.5,
      medium: 0.2,
    });
    expect(Array.from(b)).toEqual([
      BAND.high,
      BAND.high,
      BAND.medium,
      BAND.medium,
      BAND.low,
      BAND.none,
    ]);
    expect(() => riskBands(new Float64Array(1), { high: 0.2, medium: 0.5 })).toThrow(
      /score.invalid-bands/,
    );
  });
});

describe('scoreTable with a network', () => {
  /**
   * The logistic model above without its interactions, as a network with no
   * hidden layer: on standardised inputs z = (x − c)/s its weights are βⱼsⱼ
   * and its bias β₀ + Σ βⱼcⱼ, so it is the same model.
   */
  async function twins(): Promise<{ logistic: LogisticModel; network: NetworkModel }> {
    const pipeline = buildPipeline(telco, {
      target: { column: 'Churn', positive: 'Yes' },
      features: ['tenure', 'Contract', 'InternetService', 'Partner', 'TotalCharges'],
    });
    const design = designOf(telco, pipeline);
    const logistic = (await fitLogistic(design, pipeline)).model;
    logistic.offset = -0.5;
    const scaling = scalingOf(design);
    const beta = logistic.beta.map((b) => b ?? 0);
    const kernel = beta.slice(1).map((b, j) => b * scaling.scale[j]);
    const bias = beta[0] + beta.slice(1).reduce((sum, b, j) => sum + b * scaling.center[j], 0);
    const network: NetworkModel = {
      format: 'lifecycle-lab.network',
      version: 1,
      pipeline,
      scaling,
      architecture: { kind: 'logistic', hidden: [], dropout: 0, l2: 0 },
      layers: [{ inputs: kernel.length, units: 1, activation: 'linear', kernel, bias: [bias] }],
      offset: -0.5,
    };
    return { logistic, network };
  }

  it('gives a linear network the logistic model’s probabilities and reasons', async () => {
    const { logistic, network } = await twins();
    const a = await scoreTable(telco, logistic);
    const b = await scoreTable(telco, network);
    expect(b.scored).toBe(a.scored);
    for (let i = 0; i < a.rows; i++) {
      if (Number.isNaN(a.probability[i])) {
        expect(b.probability[i]).toBeNaN();
        continue;
      }
      expect(b.probability[i]).toBeCloseTo(a.probability[i], 12);
    }
    // Integrated gradients of a linear model are its exact contributions, so
    // the reasons name the same terms with the same shares (the baseline is
    // the training rows' mean in both, there being no interaction).
    expect(b.baseline).toBeCloseTo(a.baseline, 10);
    for (let k = 0; k < a.reasonTerm.length; k++) {
      if (a.reasonTerm[k] < 0) continue;
      expect(b.reasonTerm[k]).toBe(a.reasonTerm[k]);
      expect(b.reasonContribution[k]).toBeCloseTo(a.reasonContribution[k], 9);
    }
  });

  it('reads a hidden network’s reasons from its integrated gradients, summed per term', async () => {
    const { network } = await twins();
    const q = network.layers[0].inputs;
    // A hidden tanh layer of 3 units with fixed weights, then the output.
    const hidden = {
      inputs: q,
      units: 3,
      activation: 'tanh' as const,
      kernel: Array.from({ length: q * 3 }, (_, k) => Math.sin(k + 1) / 2),
      bias: [0.1, -0.2, 0.3],
    };
    const deep: NetworkModel = {
      ...network,
      architecture: { kind: 'mlp', hidden: [{ units: 3, activation: 'tanh' }], dropout: 0, l2: 0 },
      layers: [
        hidden,
        { inputs: 3, units: 1, activation: 'linear', kernel: [1.5, -1, 0.7], bias: [0] },
      ],
    };
    const scores = await scoreTable(telco, deep, { reasons: 20 });
    const design = designOf(telco, deep.pipeline, { rows: Uint32Array.of(0, 1, 2) });
    const ig = integratedGradients(design, deep, DEFAULT_STEPS);
    const termOf = deep.pipeline.coefficients.slice(1).map((c) => c.term);
    for (let r = 0; r < 3; r++) {
      const row = design.rows[r];
      const byTerm = new Map<string, number>();
      termOf.forEach((t, j) => byTerm.set(t, (byTerm.get(t) ?? 0) + ig.attributions[r * q + j]));
      for (let k = 0; k < scores.reasons; k++) {
        const t = scores.reasonTerm[row * scores.reasons + k];
        if (t < 0) continue;
        expect(scores.reasonContribution[row * scores.reasons + k]).toBeCloseTo(
          byTerm.get(scores.terms[t].term)!,
          12,
        );
      }
      expect(scores.linear[row]).toBeCloseTo(ig.logits[r] + deep.offset, 12);
    }
  });
});
