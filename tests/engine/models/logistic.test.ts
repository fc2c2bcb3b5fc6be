import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { EngineError, type DataTable } from '../../../src/lib/engine/data/table';
import { buildPipeline, designOf, type ModelChoices } from '../../../src/lib/engine/models/design';
import { fitLogistic } from '../../../src/lib/engine/models/logistic';
import type { Design, Pipeline } from '../../../src/lib/engine/models/types';
import { readDataset } from '../datasets';

// Reference: tests/fixtures/models/make-logistic.R (R 4.2.2): glm(family =
// binomial) with summary(), confint.default(), logLik(), AIC(), BIC(), and, as
// written out there from the packages' code, ResourceSelection::hoslem.test,
// car::vif and profile-likelihood bounds by uniroot on glm.fit with an offset.
// Each fit's `call` field is the R call that produced it.
interface RCoefficient {
  name: string;
  estimate: number | null;
  se: number | null;
  z: number | null;
  p: number | null;
  oddsRatio: number | null;
  waldLower: number | null;
  waldUpper: number | null;
  profileLower: number | null;
  profileUpper: number | null;
}
interface RFit {
  call: string;
  iterations: number;
  coefficients: RCoefficient[];
  n: number;
  nullDeviance: number;
  nullDf: number;
  deviance: number;
  residualDf: number;
  logLik: number;
  aic: number;
  bic: number;
  lrTest: { chi2: number; df: number; p: number };
  mcfadden: number;
  nagelkerke: number;
  hosmerLemeshow: {
    chi2: number;
    df: number;
    p: number;
    groups: { n: number; observed: number; expected: number }[];
  } | null;
  vif: { term: string; gvif: number; df: number; adjusted: number }[];
}
const R = JSON.parse(
  readFileSync(new URL('../../fixtures/models/logistic-reference.json', import.meta.url), 'utf8'),
) as { fits: Record<string, RFit> };

// The issue asks for 1e-6 relative; the fits agree to about 1e-10 (largest seen: 4e-11).
const TOL = 1e-8;
function close(actual: number | null, expected: number | null, what: string, tol = TOL): void {
  if (expected === null) {
    expect(actual, what).toBeNull();
    return;
  }
  expect(actual, what).not.toBeNull();
  const scale = Math.max(Math.abs(expected), 1e-300);
  expect(
    Math.abs((actual as number) - expected) / scale,
    `${what}: ${actual} vs R ${expected}`,
  ).toBeLessThan(tol);
}

async function fitCase(
  table: DataTable,
  choices: ModelChoices,
  options: { weights?: (design: Design) => Float64Array; profile?: boolean } = {},
) {
  const pipeline = buildPipeline(table, choices);
  const design = designOf(table, pipeline);
  const weights = options.weights?.(design);
  const result = await fitLogistic(design, pipeline, { weights, profile: options.profile });
  return { pipeline, design, ...result };
}

function compare(fit: Awaited<ReturnType<typeof fitLogistic>>['fit'], ref: RFit, profile = false) {
  expect(fit.coefficients.map((c) => c.name)).toEqual(ref.coefficients.map((c) => c.name));
  fit.coefficients.forEach((c, j) => {
    const r = ref.coefficients[j];
    expect(c.aliased, c.name).toBe(r.estimate === null);
    for (const key of ['estimate', 'se', 'z', 'oddsRatio', 'waldLower', 'waldUpper'] as const)
      close(c[key], r[key], `${c.name} ${key}`);
    // p-values relative to themselves too, far into the tail (2·pnorm(−|z|) keeps them).
    close(c.p, r.p, `${c.name} p`);
    // Profile bounds are searched to 1e-8 on the log-odds scale.
    if (profile && j > 0) {
      close(c.profileLower, r.profileLower, `${c.name} profile lower`, 5e-8);
      close(c.profileUpper, r.profileUpper, `${c.name} profile upper`, 5e-8);
    }
  });
  expect(fit.iterations).toBe(ref.iterations);
  expect(fit.converged).toBe(true);
  for (const key of [
    'nullDeviance',
    'deviance',
    'logLik',
    'aic',
    'bic',
    'mcfadden',
    'nagelkerke',
  ] as const)
    close(fit[key], ref[key], key);
  expect(fit.nullDf).toBe(ref.nullDf);
  expect(fit.residualDf).toBe(ref.residualDf);
  close(fit.lrTest.chi2, ref.lrTest.chi2, 'LR chi2');
  expect(fit.lrTest.df).toBe(ref.lrTest.df);
  close(fit.lrTest.p, ref.lrTest.p, 'LR p');
  if (ref.hosmerLemeshow) {
    const hl = fit.hosmerLemeshow;
    expect(hl).not.toBeNull();
    close(hl!.chi2, ref.hosmerLemeshow.chi2, 'HL chi2');
    expect(hl!.df).toBe(ref.hosmerLemeshow.df);
    close(hl!.p, ref.hosmerLemeshow.p, 'HL p');
    expect(hl!.groups.map((g) => g.n)).toEqual(ref.hosmerLemeshow.groups.map((g) => g.n));
    hl!.groups.forEach((g, k) => {
      expect(g.observed).toBe(ref.hosmerLemeshow!.groups[k].observed);
      close(g.expected, ref.hosmerLemeshow!.groups[k].expected, `HL expected ${k}`);
    });
  }
  expect(fit.vif.map((v) => [v.term, v.df])).toEqual(ref.vif.map((v) => [v.term, v.df]));
  fit.vif.forEach((v, k) => {
    close(v.gvif, ref.vif[k].gvif, `GVIF ${v.term}`);
    close(v.adjusted, ref.vif[k].adjusted, `GVIF adjusted ${v.term}`);
  });
}

let telco: DataTable;
let bank: DataTable;
let lapse: DataTable;
beforeAll(async () => {
  [telco, bank, lapse] = await Promise.all([
    readDataset('ibm__Telco-Customer-Churn.csv'),
    readDataset('selva86__Churn_Modelling.csv'),
    readDataset('casdatasets__eudirectlapse.csv'),
  ]);
});

const BANK: ModelChoices = {
  target: { column: 'Exited', positive: '1' },
  features: [
    'CreditScore',
    'Geography',
    'Gender',
    'Age',
    'Tenure',
    'Balance',
    'NumOfProducts',
    'HasCrCard',
    'IsActiveMember',
    'EstimatedSalary',
  ],
  interactions: [
    { a: 'Geography', b: 'Gender' },
    { a: 'Age', b: 'IsActiveMember' },
  ],
  // R's defaults would be France and Female.
  references: { Geography: 'Spain', Gender: 'Male' },
};

describe('fitLogistic against R glm(family = binomial)', () => {
  it('Telco: non-default references, logicals, an interaction, two aliased (NA) coefficients', async () => {
    const ref = R.fits.telco;
    const { fit, model } = await fitCase(telco, {
      target: { column: 'Churn', positive: 'Yes' },
      features: [
        'tenure',
        'Contract',
        'InternetService',
        'OnlineSecurity',
        'TechSupport',
        'PaymentMethod',
        'PaperlessBilling',
        'SeniorCitizen',
        'MonthlyCharges',
        'TotalCharges',
      ],
      interactions: [{ a: 'tenure', b: 'Contract' }],
      references: {
        Contract: 'Two year',
        InternetService: 'DSL',
        PaymentMethod: 'Electronic check',
        OnlineSecurity: 'No',
        TechSupport: 'No',
      },
    });
    compare(fit, ref);
    expect(fit.n).toBe(ref.n);
    // R prints NA for both "No internet service" levels: InternetServiceNo already says it.
    expect(fit.warnings).toContainEqual({
      code: 'model.aliased-coefficients',
      params: { coefficients: 'OnlineSecurityNo internet service, TechSupportNo internet service' },
    });
    expect(model.beta.filter((b) => b === null)).toHaveLength(2);
    // car::vif refuses a model with aliased coefficients; so do we.
    expect(fit.vif).toEqual([]);
  });

  it('Churn_Modelling: references Spain and Male, two interactions, profile-likelihood intervals', async () => {
    const { fit } = await fitCase(bank, BANK, { profile: true });
    compare(fit, R.fits.bank, true);
    expect(fit.warnings).toEqual([]);
  });

  it('Churn_Modelling with case weights 1 + RowNumber %% 3', async () => {
    const { fit } = await fitCase(bank, BANK, {
      // design.rows are table rows (0-based); RowNumber is row + 1.
      weights: (design) => Float64Array.from(design.rows, (r) => 1 + ((r + 1) % 3)),
    });
    compare(fit, R.fits.bankWeighted);
    expect(fit.weight).toBe(R.fits.bankWeighted.n * 2); // the weights 1, 2, 3 average 2 over 10,000 rows
  });

  it('eudirectlapse: five categoricals at chosen references', async () => {
    const { fit } = await fitCase(lapse, {
      target: { column: 'lapse', positive: '1' },
      features: [
        'polholder_age',
        'polholder_BMCevol',
        'polholder_gender',
        'policy_age',
        'policy_caruse',
        'prem_final',
        'prem_freqperyear',
        'vehicl_age',
        'vehicl_garage',
        'vehicl_region',
      ],
      references: {
        polholder_BMCevol: 'stable',
        polholder_gender: 'Female',
        policy_caruse: 'private or freelance work',
        prem_freqperyear: '4 per year',
        vehicl_garage: 'private garage',
        vehicl_region: 'Reg4',
      },
    });
    compare(fit, R.fits.lapse);
  });
});

/** A small table built in the test: numeric columns and one categorical. */
function table(columns: Record<string, number[] | string[]>): DataTable {
  return {
    rowCount: Object.values(columns)[0].length,
    columns: Object.entries(columns).map(([name, values]) =>
      typeof values[0] === 'string'
        ? {
            kind: 'string' as const,
            name,
            type: 'categorical' as const,
            dictionary: [...new Set(values as string[])],
            codes: Int32Array.from(values as string[], (v) =>
              [...new Set(values as string[])].indexOf(v),
            ),
          }
        : {
            kind: 'number' as const,
            name,
            type: 'decimal' as const,
            values: Float64Array.from(values as number[]),
          },
    ),
  };
}

async function expectEngineError(run: Promise<unknown>, code: string): Promise<EngineError> {
  const error = await run.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(EngineError);
  expect((error as EngineError).code).toBe(code);
  return error as EngineError;
}

describe('fitLogistic: trouble named', () => {
  const x = Array.from({ length: 40 }, (_, i) => Math.sin(i * 1.7) * 3);
  const outcome = x.map((v, i) => (v + Math.cos(i * 2.3) * 2 > 0 ? 1 : 0));

  function fitOf(
    columns: Record<string, number[] | string[]>,
    features: string[],
    extra: object = {},
  ) {
    const t = table({ ...columns, y: outcome });
    const pipeline: Pipeline = buildPipeline(t, {
      target: { column: 'y', positive: '1' },
      features,
    });
    return fitLogistic(designOf(t, pipeline), pipeline, extra);
  }

  it('a single-class target, with its positive class and counts', async () => {
    const t = table({ x, y: x.map(() => 0).map((v, i) => (i === 0 ? 2 : v)) });
    const pipeline = buildPipeline(t, { target: { column: 'y', positive: '2' }, features: ['x'] });
    const design = designOf(t, pipeline);
    design.y.fill(0);
    const error = await expectEngineError(fitLogistic(design, pipeline), 'model.single-class');
    expect(error.params).toEqual({ column: 'y', positive: '2', events: 0, rows: 40 });
  });

  it('more parameters than rows', async () => {
    const t = table({ x: x.slice(0, 3), z: [1, 5, 2], y: [0, 1, 0] });
    const pipeline = buildPipeline(t, {
      target: { column: 'y', positive: '1' },
      features: ['x', 'z'],
    });
    const error = await expectEngineError(
      fitLogistic(designOf(t, pipeline), pipeline),
      'model.too-many-parameters',
    );
    expect(error.params).toEqual({ parameters: 3, rows: 3 });
  });

  it('quasi-complete separation: a level with no event is named, the fit still shown (as R does)', async () => {
    // Level "c" never has the event; R: glm converges with a huge SE for groupc.
    const group = outcome.map((v, i) => (v === 0 && i % 4 === 0 ? 'c' : i % 2 ? 'a' : 'b'));
    const { fit } = await fitOf({ x, group }, ['x', 'group']);
    expect(fit.warnings).toContainEqual({
      code: 'model.quasi-separation',
      params: { features: 'group' },
    });
    const c = fit.coefficients.find((k) => k.name === 'groupc');
    expect(c!.estimate!).toBeLessThan(-10);
    expect(c!.se!).toBeGreaterThan(100);
  });

  it('complete separation: an error naming the feature', async () => {
    const separating = x.map((v, i) => (outcome[i] ? 1 + Math.abs(v) : -1 - Math.abs(v)));
    const error = await expectEngineError(
      fitOf({ x, s: separating }, ['x', 's']),
      'model.separation',
    );
    expect(error.params).toEqual({ features: 's' });
  });

  it('complete separation by a combination of features: an error naming them', async () => {
    // Neither u nor v separates alone; u + v > 0 does.
    const u = x.map((v, i) => v + Math.cos(i * 0.9) * 4);
    const v = x.map((w, i) => -Math.cos(i * 0.9) * 4 + Math.sin(i * 3.1));
    const y = u.map((a, i) => (a + v[i] > 0 ? 1 : 0));
    const t = table({ u, v, y });
    const pipeline = buildPipeline(t, {
      target: { column: 'y', positive: '1' },
      features: ['u', 'v'],
    });
    const error = await expectEngineError(
      fitLogistic(designOf(t, pipeline), pipeline),
      'model.separation',
    );
    expect(error.params).toEqual({ features: 'u, v' });
  });

  it('not converged within the iteration limit: a warning, the result still shown', async () => {
    const { fit } = await fitOf({ x }, ['x'], { maxit: 1 });
    expect(fit.converged).toBe(false);
    expect(fit.warnings).toContainEqual({ code: 'model.not-converged', params: { iterations: 1 } });
    expect(fit.coefficients[1].se).toBeGreaterThan(0);
  });

  it('a penalised fit has no standard errors, intervals or VIFs, and says so', async () => {
    const z = x.map((v, i) => v * 0.3 + Math.cos(i));
    const { fit, model } = await fitOf({ x, z }, ['x', 'z'], { penalty: 2, profile: true });
    expect(fit.warnings).toContainEqual({ code: 'model.penalised', params: { penalty: 2 } });
    for (const c of fit.coefficients) {
      expect(c.estimate).not.toBeNull();
      expect([c.se, c.z, c.p, c.waldLower, c.profileLower]).toEqual([null, null, null, null, null]);
    }
    expect(fit.vif).toEqual([]);
    expect(model.penalty).toBe(2);
  });

  it('profile intervals past the cell limit are skipped with a warning, Wald kept', async () => {
    const { fit } = await fitOf({ x }, ['x'], { profile: true, profileCellLimit: 50 });
    expect(fit.warnings).toContainEqual({
      code: 'model.profile-skipped',
      params: { rows: 40, coefficients: 2, limit: 50 },
    });
    expect(fit.coefficients[1].profileLower).toBeNull();
    expect(fit.coefficients[1].waldLower).toBeGreaterThan(0);
    const profiled = await fitOf({ x }, ['x'], { profile: true });
    const c = profiled.fit.coefficients[1];
    // The likelihood-ratio interval lies around the estimate, and differs from Wald's.
    expect(c.profileLower!).toBeLessThan(c.oddsRatio!);
    expect(c.profileUpper!).toBeGreaterThan(c.oddsRatio!);
    expect(c.profileLower).not.toBe(c.waldLower);
  });

  it('Hosmer–Lemeshow needs three groups: with two fitted values it is left out and said why', async () => {
    const binary = x.map((v) => (v > 0 ? 1 : 0));
    const { fit } = await fitOf({ b: binary }, ['b']);
    expect(fit.hosmerLemeshow).toBeNull();
    expect(fit.warnings).toContainEqual({ code: 'model.hosmer-lemeshow-ties', params: {} });
  });

  it('a feature constant on the rows fitted (e.g. a subset) is named', async () => {
    const level = x.map((_, i) => (i < 30 ? 5 : i));
    const t = table({ x, level, y: outcome });
    const pipeline = buildPipeline(t, {
      target: { column: 'y', positive: '1' },
      features: ['x', 'level'],
    });
    const rows = Uint32Array.from({ length: 30 }, (_, i) => i);
    const error = await expectEngineError(
      fitLogistic(designOf(t, pipeline, { rows }), pipeline),
      'model.constant-feature',
    );
    expect(error.params).toEqual({ column: 'level' });
  });

  it('invalid weights are refused', async () => {
    const t = table({ x, y: outcome });
    const pipeline = buildPipeline(t, { target: { column: 'y', positive: '1' }, features: ['x'] });
    const weights = new Float64Array(40).fill(1);
    weights[7] = -1;
    const error = await expectEngineError(
      fitLogistic(designOf(t, pipeline), pipeline, { weights }),
      'model.invalid-weights',
    );
    expect(error.params).toEqual({ row: 8, value: '-1' });
  });
});
