// The JSON model file: a fitted model written and read back scores exactly as
// before; the coefficients a file's features make agree with design.ts's; a
// hostile or broken file is refused with a code that says what is wrong.
import { beforeAll, describe, expect, it } from 'vitest';
import { EngineError, type DataTable } from '../../../src/lib/engine/data/table';
import { buildPipeline, designOf } from '../../../src/lib/engine/models/design';
import { fitLogistic } from '../../../src/lib/engine/models/logistic';
import {
  coefficientsFor,
  MODEL_FILE_CHARS,
  modelFromJson,
  modelToJson,
} from '../../../src/lib/engine/models/modelFile';
import { predict } from '../../../src/lib/engine/models/train';
import type { LogisticModel } from '../../../src/lib/engine/models/types';
import { readDataset } from '../datasets';

let telco: DataTable;
let model: LogisticModel;
beforeAll(async () => {
  telco = await readDataset('ibm__Telco-Customer-Churn.csv');
  const pipeline = buildPipeline(telco, {
    target: { column: 'Churn', positive: 'Yes' },
    features: ['tenure', 'Contract', 'InternetService', 'Partner', 'MonthlyCharges'],
    interactions: [
      { a: 'Contract', b: 'tenure' },
      { a: 'InternetService', b: 'Partner' },
    ],
    references: { Contract: 'One year' },
  });
  model = (await fitLogistic(designOf(telco, pipeline), pipeline)).model;
  model.offset = -0.375;
});

/** The error a call throws, as code and params. */
function refusal(f: () => unknown): { code: string; params: Record<string, string | number> } {
  try {
    f();
  } catch (e) {
    if (e instanceof EngineError) return { code: e.code, params: e.params };
    throw e;
  }
  throw new Error('expected an EngineError');
}

// A parsed file edited by hand in a test: any shape, on purpose.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

const edited = (change: (m: Json) => void): string => {
  const m = JSON.parse(modelToJson(model));
  change(m);
  return JSON.stringify(m);
};

describe('JSON model file', () => {
  it('reads back the same model, which scores every row exactly as before', () => {
    const back = modelFromJson(modelToJson(model));
    expect(back).toEqual(model);
    const design = designOf(telco, model.pipeline);
    expect(predict(design, back)).toEqual(predict(design, model));
  });

  it('keeps an aliased coefficient as null', () => {
    const aliased = { ...model, beta: model.beta.map((b, j) => (j === 3 ? null : b)) };
    expect(modelFromJson(modelToJson(aliased)).beta[3]).toBeNull();
  });

  it("names the coefficients as design.ts does (R's model.matrix names)", () => {
    const { features, interactions, coefficients } = model.pipeline;
    expect(coefficientsFor(features, interactions)).toEqual(coefficients);
    // Spot check against R: colnames(model.matrix(Churn ~ tenure + Contract + ... +
    // Contract:tenure + InternetService:Partner)) writes tenure first, as it comes first.
    const names = coefficients.map((c) => c.name);
    expect(names).toContain('tenure:ContractMonth-to-month');
    expect(names).toContain('InternetServiceDSL:PartnerTRUE');
  });

  it('refuses what is not a model file, each with its own code', () => {
    expect(refusal(() => modelFromJson('x'.repeat(MODEL_FILE_CHARS + 1)))).toEqual({
      code: 'model-file.too-large',
      params: { limit: MODEL_FILE_CHARS },
    });
    expect(refusal(() => modelFromJson('{"format": ')).code).toBe('model-file.not-json');
    expect(refusal(() => modelFromJson('[1, 2]')).code).toBe('model-file.not-model');
    expect(refusal(() => modelFromJson('{"format": "lifecycle-lab-notebook"}')).code).toBe(
      'model-file.not-model',
    );
    expect(refusal(() => modelFromJson(edited((m) => (m.version = 2))))).toEqual({
      code: 'model-file.version',
      params: { version: 2, supported: 1 },
    });
  });

  it('refuses a broken field, naming it', () => {
    const reason = (change: (m: Json) => void) => {
      const r = refusal(() => modelFromJson(edited(change)));
      expect(r.code).toBe('model-file.invalid');
      return String(r.params.reason);
    };
    expect(reason((m) => (m.offset = 'a lot'))).toMatch(/^offset:/);
    expect(reason((m) => (m.pipeline.features[1].kind = 'ordinal'))).toMatch(
      /^pipeline\.features\.1/,
    );
    expect(reason((m) => (m.pipeline.features[0].column = 'x'.repeat(10_001)))).toMatch(
      /^pipeline\.features\.0\.column/,
    );
    expect(reason((m) => m.beta.pop())).toMatch(/^beta:/);
    expect(reason((m) => (m.pipeline.coefficients[2].name = 'ContractTwo years'))).toMatch(
      /^coefficients\.2/,
    );
    expect(
      reason((m) => m.pipeline.features[1].levels.push(m.pipeline.features[1].reference)),
    ).toMatch(/reference level/);
    expect(reason((m) => (m.pipeline.interactions[0].b = 'gender'))).toMatch(/^interactions/);
    expect(reason((m) => (m.beta[0] = null))).toMatch(/intercept/);
    // JSON has no Infinity, but 1e999 parses to it.
    const infinite = modelToJson(model).replace(/"offset": [^,]+,/, '"offset": 1e999,');
    expect(refusal(() => modelFromJson(infinite)).params.reason).toMatch(/^offset:/);
  });

  it('leaves __proto__ harmless: refused as an unknown key, nothing polluted', () => {
    const text = modelToJson(model).replace('{', '{"__proto__": {"polluted": true},');
    expect(refusal(() => modelFromJson(text)).code).toBe('model-file.invalid');
    const nested = modelToJson(model).replace(
      '"kind": "numeric"',
      '"__proto__": {"polluted": true}, "kind": "numeric"',
    );
    expect(refusal(() => modelFromJson(nested)).code).toBe('model-file.invalid');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses to write a model whose parts disagree', () => {
    expect(refusal(() => modelToJson({ ...model, beta: [1] })).code).toBe('model-file.invalid');
  });
});
