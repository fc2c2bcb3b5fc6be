// Cox trouble as EngineError (never NaN), the row handling of fitCoxTable,
// and the sample insurance book: a Cox fit recovers the generator's lapse
// hazard ratios (src/lib/engine/data/sample/insurance.ts, LAPSE_MODEL;
// docs/sample-data.md). R's behaviour cited per case: coxph's "Loglik
// converged before variable 1; coefficient may be infinite" and "Ran out of
// iterations and did not converge" warnings become errors here.
import { describe, expect, it } from 'vitest';
import { EngineError, type Column, type DataTable } from '../../../src/lib/engine/data/table';
import { generateInsuranceBook, LAPSE_MODEL } from '../../../src/lib/engine/data/sample/insurance';
import { fitCoxTable, type CoxSettings } from '../../../src/lib/engine/survival/cox';
import { coxModel, coxStratumOf } from '../../../src/lib/engine/survival/coxPredict';
import { tableOf } from './coxFixture';

function num(name: string, values: number[]): Column {
  return { kind: 'number', name, type: 'integer', values: Float64Array.from(values) };
}

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof EngineError) return error.code;
    throw error;
  }
  return 'no error';
}

const rossi = tableOf('cox-rossi.csv');
const base: CoxSettings = { duration: 'time', event: 'status', features: ['fin', 'age', 'prio'] };
const withColumn = (t: DataTable, c: Column): DataTable => ({ ...t, columns: [...t.columns, c] });

describe('Cox errors', () => {
  it('no events', () => {
    const t = withColumn(rossi, num('none', new Array(rossi.rowCount).fill(0)));
    expect(codeOf(() => fitCoxTable(t, { ...base, event: 'none' }))).toBe('cox.no-events');
  });
  it('a constant feature', () => {
    const t = withColumn(rossi, num('five', new Array(rossi.rowCount).fill(5)));
    expect(codeOf(() => fitCoxTable(t, { ...base, features: ['age', 'five'] }))).toBe(
      'cox.constant-feature',
    );
  });
  it('a feature constant within every stratum', () => {
    const wexp = rossi.columns.find((c) => c.name === 'wexp')!;
    const t = withColumn(rossi, { ...wexp, name: 'wexp2' } as Column);
    let error: EngineError | null = null;
    try {
      fitCoxTable(t, { ...base, features: ['age', 'wexp2'], strata: ['wexp'] });
    } catch (e) {
      error = e as EngineError;
    }
    expect(error?.code).toBe('cox.constant-within-strata');
    expect(error?.params.column).toBe('wexp2');
  });
  it('monotone likelihood names the feature and offers a ridge penalty', () => {
    // Events at times 1–5 all have x = 1, the censored at 6–10 x = 0: coxph
    // warns "Loglik converged before variable 1; coefficient may be infinite".
    const t: DataTable = {
      rowCount: 10,
      columns: [
        num('time', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]),
        num('status', [1, 1, 1, 1, 1, 0, 0, 0, 0, 0]),
        num('x', [1, 1, 1, 1, 1, 0, 0, 0, 0, 0]),
        num('z', [3, 1, 4, 1, 5, 9, 2, 6, 5, 3]),
      ],
    };
    let error: EngineError | null = null;
    try {
      fitCoxTable(t, { duration: 'time', event: 'status', features: ['z', 'x'] });
    } catch (e) {
      error = e as EngineError;
    }
    expect(error?.code).toBe('cox.monotone-likelihood');
    expect(error?.params).toEqual({ column: 'x', suggestion: 'ridge' });
    // With the penalty offered, the fit is finite.
    const { fit } = fitCoxTable(t, {
      duration: 'time',
      event: 'status',
      features: ['z', 'x'],
      penalty: 1,
    });
    expect(fit.coefficients.every((c) => Number.isFinite(c.estimate!))).toBe(true);
  });
  it('non-convergence', () => {
    expect(codeOf(() => fitCoxTable(rossi, base, { iterMax: 2 }))).toBe('cox.not-converged');
  });
  it('an invalid penalty, a stratum as a feature, the outcome as a feature', () => {
    expect(codeOf(() => fitCoxTable(rossi, { ...base, penalty: -1 }))).toBe('cox.penalty-invalid');
    expect(codeOf(() => fitCoxTable(rossi, { ...base, strata: ['fin'] }))).toBe(
      'cox.stratum-as-feature',
    );
    expect(codeOf(() => fitCoxTable(rossi, { ...base, features: ['time'] }))).toBe(
      'cox.outcome-as-feature',
    );
  });
  it('scoring a stratum the model does not know', () => {
    const result = fitCoxTable(rossi, { ...base, features: ['age', 'prio'], strata: ['fin'] });
    const model = coxModel(result);
    const fin = rossi.columns.find((c) => c.name === 'fin') as { values: Float64Array };
    const other = withColumn(
      { ...rossi, columns: rossi.columns.filter((c) => c.name !== 'fin') },
      num(
        'fin',
        Array.from(fin.values, (v) => v + 5),
      ),
    );
    const stratumOf = coxStratumOf(model, other)!;
    expect(codeOf(() => stratumOf(0))).toBe('cox.stratum-unknown');
  });
  it('leaves out and counts rows with a missing feature or stratum (na.omit)', () => {
    const lung = tableOf('cox-lung.csv');
    const result = fitCoxTable(lung, {
      duration: 'time',
      event: 'status',
      features: ['age', 'ecog', 'karno'],
      strata: ['sex'],
    });
    expect(result.fit.n).toBe(226);
    expect(result.excluded).toBe(lung.rowCount - 226);
    expect(result.missingBy).toEqual({ ecog: 1, karno: 1 });
  });
});

describe('the sample insurance book', () => {
  it('Cox hazard ratios recover LAPSE_MODEL (95 % CIs; 3 SE)', () => {
    const { policies } = generateInsuranceBook();
    const { fit } = fitCoxTable(policies, {
      duration: 'tenure_months',
      event: 'lapsed',
      features: [
        'channel',
        'payment_frequency',
        'product',
        'late_payments_12m',
        'complaints_12m',
        'claim_denied',
        'multi_policy',
        'age',
      ],
      references: { channel: 'agent', payment_frequency: 'annual', product: 'whole life' },
    });
    const b = LAPSE_MODEL.beta;
    const expected: Record<string, number> = {
      channelbancassurance: b['channel=bancassurance'],
      channelbroker: b['channel=broker'],
      channelonline: b['channel=online'],
      payment_frequencymonthly: b['payment_frequency=monthly'],
      payment_frequencyquarterly: b['payment_frequency=quarterly'],
      productmotor: b['product=motor'],
      'productterm life': b['product=term life'],
      producthealth: b['product=health'],
      late_payments_12m: b.late_payments_12m,
      complaints_12m: b.complaints_12m,
      claim_deniedTRUE: b.claim_denied,
      multi_policyTRUE: b.multi_policy,
      age: b.age,
    };
    expect(fit.coefficients.map((c) => c.name).sort()).toEqual(Object.keys(expected).sort());
    // Within the 95 % CI for all but two, both sampling draws of the default
    // seed: multi_policy −0.29 ± 0.05 against −0.40 (z = 2.1, the draw
    // docs/sample-data.md describes) and channel = broker 0.01 ± 0.07 against
    // 0.20 (z = −2.6). Every β is within 3 SE.
    const outside: string[] = [];
    for (const c of fit.coefficients) {
      const hr = Math.exp(expected[c.name]);
      if (hr < c.lower! || hr > c.upper!) outside.push(c.name);
      expect(Math.abs(c.estimate! - expected[c.name]), c.name).toBeLessThan(3 * c.se!);
    }
    expect(outside).toEqual(['channelbroker', 'multi_policyTRUE']);
  });
});
