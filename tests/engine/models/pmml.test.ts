// PMML 4.4: a fitted model written and read back is the same model and
// scores every row identically; a RegressionModel written in another tool's
// style (tests/fixtures/models/pmml/other-tool-logit.pmml, hand-checked) is
// read and scores as its coefficients say; what is outside the supported
// subset, malformed or hostile is refused with a code that says so.
// (No XSD validation: the PMML 4.4 schema is not available offline here.)
import { readFileSync } from 'node:fs';
import { XMLParser } from 'fast-xml-parser';
import { beforeAll, describe, expect, it } from 'vitest';
import { EngineError, type DataTable } from '../../../src/lib/engine/data/table';
import { buildPipeline, designOf } from '../../../src/lib/engine/models/design';
import { fitLogistic } from '../../../src/lib/engine/models/logistic';
import { MODEL_FILE_CHARS } from '../../../src/lib/engine/models/modelFile';
import { modelFromPmml, modelToPmml } from '../../../src/lib/engine/models/pmml';
import { predict } from '../../../src/lib/engine/models/train';
import type { LogisticModel } from '../../../src/lib/engine/models/types';
import { readDataset } from '../datasets';

const otherTool = readFileSync(
  new URL('../../fixtures/models/pmml/other-tool-logit.pmml', import.meta.url),
  'utf8',
);

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
      { a: 'Contract', b: 'InternetService' },
    ],
    references: { Contract: 'One year' },
  });
  model = (await fitLogistic(designOf(telco, pipeline), pipeline)).model;
  // As after undersampling with prior correction.
  model.offset = -1.0986122886681098;
});

function refusal(f: () => unknown): { code: string; params: Record<string, string | number> } {
  try {
    f();
  } catch (e) {
    if (e instanceof EngineError) return { code: e.code, params: e.params };
    throw e;
  }
  throw new Error('expected an EngineError');
}

/** A small table to score, built column by column. */
function table(columns: Record<string, number[] | string[]>): DataTable {
  const names = Object.keys(columns);
  const rowCount = columns[names[0]].length;
  return {
    rowCount,
    columns: names.map((name) => {
      const values = columns[name];
      if (typeof values[0] === 'number')
        return {
          kind: 'number',
          name,
          type: 'decimal',
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

describe('PMML export', () => {
  it('reads back as the same model, scoring every row identically', () => {
    const text = modelToPmml(model, { description: 'Lifecycle Lab: test' });
    const back = modelFromPmml(text);
    expect(back).toEqual(model);
    const design = designOf(telco, model.pipeline);
    expect(predict(design, back)).toEqual(predict(design, model));
  });

  it('keeps aliased coefficients out, and reads them back as aliased', () => {
    const aliased = { ...model, beta: model.beta.map((b, j) => (j === 4 || j === 9 ? null : b)) };
    const back = modelFromPmml(modelToPmml(aliased));
    expect(back.beta).toEqual(aliased.beta);
  });

  it('writes the PMML 4.4 structure a scoring engine expects', () => {
    const text = modelToPmml({ ...model, penalty: 0.5 });
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(text);
    const pmml = doc.PMML;
    expect(pmml.xmlns).toBe('http://www.dmg.org/PMML-4_4');
    expect(pmml.version).toBe('4.4');
    const target = pmml.DataDictionary.DataField[0];
    expect(target).toMatchObject({ name: 'Churn', optype: 'categorical', dataType: 'string' });
    expect(target.Value.map((v: { value: string }) => v.value)).toEqual(['Yes', 'No']);
    const contract = pmml.DataDictionary.DataField.find(
      (f: { name: string }) => f.name === 'Contract',
    );
    // Every level, the reference among them, in level order.
    expect(contract.Value.map((v: { value: string }) => v.value)).toEqual([
      'Month-to-month',
      'One year',
      'Two year',
    ]);
    const rm = pmml.RegressionModel;
    expect(rm).toMatchObject({
      functionName: 'classification',
      normalizationMethod: 'logit',
    });
    expect(rm.MiningSchema.MiningField[0]).toEqual({ name: 'Churn', usageType: 'target' });
    expect(rm.MiningSchema.MiningField[1]).toMatchObject({
      usageType: 'active',
      invalidValueTreatment: 'returnInvalid',
      missingValueTreatment: 'returnInvalid',
    });
    const [positive, negative] = rm.RegressionTable;
    expect(positive.targetCategory).toBe('Yes');
    // The prior-correction offset is in the intercept a scoring engine reads.
    expect(Number(positive.intercept)).toBe(model.beta[0]! + model.offset);
    expect(negative).toEqual({ intercept: '0', targetCategory: 'No' });
    // tenure × Contract: a numeric times a dummy, the dummy a NormDiscrete DerivedField.
    const term = positive.PredictorTerm.find(
      (t: { name: string }) => t.name === 'tenure:ContractMonth-to-month',
    );
    expect(term.FieldRef.map((r: { field: string }) => r.field)).toEqual([
      'tenure',
      'Contract=Month-to-month',
    ]);
    const derived = rm.LocalTransformations.DerivedField.find(
      (d: { name: string }) => d.name === 'Contract=Month-to-month',
    );
    expect(derived.NormDiscrete).toEqual({ field: 'Contract', value: 'Month-to-month' });
    expect(modelFromPmml(text).penalty).toBe(0.5);
  });

  it('escapes names XML would misread, and refuses what XML cannot hold', () => {
    const renamed: LogisticModel = JSON.parse(JSON.stringify(model));
    const odd = 'tenure <months> & "so on"\n';
    renamed.pipeline.features[0].column = odd;
    renamed.pipeline.interactions[0].a = odd;
    renamed.pipeline.coefficients = renamed.pipeline.coefficients.map((c) => ({
      ...c,
      name: c.name.replace(/^tenure/, odd),
      label: c.label.replace(/^tenure/, odd),
      term: c.term.replace(/^tenure/, odd),
    }));
    expect(modelFromPmml(modelToPmml(renamed))).toEqual(renamed);
    renamed.pipeline.target.positive = 'Yes\u0001';
    expect(refusal(() => modelToPmml(renamed)).code).toBe('pmml.unwritable-text');
  });
});

describe('PMML from another tool', () => {
  it('reads a plain RegressionModel logit file and scores it as its coefficients say', () => {
    const m = modelFromPmml(otherTool);
    expect(m.pipeline.target).toEqual({ column: 'churned', positive: '1' });
    expect(m.pipeline.features).toEqual([
      { kind: 'numeric', column: 'age', mean: 0 },
      {
        kind: 'categorical',
        column: 'channel',
        reference: 'agent',
        levels: ['online', 'phone'],
        means: [0, 0],
      },
    ]);
    expect(m.pipeline.coefficients.map((c) => c.name)).toEqual([
      '(Intercept)',
      'age',
      'channelonline',
      'channelphone',
      'age:channelonline',
      'age:channelphone',
    ]);
    expect(m.beta).toEqual([-2, 0.03, 0.5, -0.25, 0.01, null]);
    const rows = table({ age: [40, 50, 30], channel: ['online', 'phone', 'agent'] });
    const p = predict(designOf(rows, m.pipeline, { target: false }), m);
    // By hand: 1 / (1 + exp(−η)), η = −2 + 0.03·40 + 0.5 + 0.01·40 = 0.1; −2 + 1.5 − 0.25 = −0.75; −2 + 0.9 = −1.1.
    expect(p[0]).toBeCloseTo(0.52497918747894, 14);
    expect(p[1]).toBeCloseTo(0.320821300824607, 14);
    expect(p[2]).toBeCloseTo(0.24973989440488234, 14);
  });

  it('reads softmax over two tables as their difference, and a boolean field as a boolean', () => {
    const softmax = otherTool
      .replace('normalizationMethod="logit"', 'normalizationMethod="softmax"')
      .replace(
        '<RegressionTable intercept="0.0" targetCategory="0"/>',
        '<RegressionTable intercept="0.5" targetCategory="0"><NumericPredictor name="age" coefficient="0.01"/></RegressionTable>',
      );
    const m = modelFromPmml(softmax);
    expect(m.beta[0]).toBe(-2.5);
    expect(m.beta[1]).toBeCloseTo(0.02, 15);

    const boolean = otherTool
      .replace(
        '<DataField name="customer_id"',
        '<DataField name="complained" optype="categorical" dataType="boolean"><Value value="true"/><Value value="false"/></DataField><DataField name="customer_id"',
      )
      .replace(
        '<MiningField name="age"/>',
        '<MiningField name="age"/><MiningField name="complained"/>',
      )
      .replace(
        '<CategoricalPredictor name="channel"',
        '<CategoricalPredictor name="complained" value="false" coefficient="0.25"/><CategoricalPredictor name="complained" value="true" coefficient="1.25"/><CategoricalPredictor name="channel"',
      );
    const b = modelFromPmml(boolean);
    expect(b.pipeline.features[1]).toEqual({ kind: 'boolean', column: 'complained', mean: 0 });
    // false's 0.25 moves into the intercept; true is 1.25 − 0.25 against false.
    expect(b.beta.slice(0, 3)).toEqual([-1.75, 0.03, 1]);
  });
});

describe('PMML refused', () => {
  const code = (text: string) => refusal(() => modelFromPmml(text)).code;

  it('malformed or not PMML', () => {
    expect(refusal(() => modelFromPmml('<PMML version="4.4"><Header></PMML>'))).toMatchObject({
      code: 'pmml.not-xml',
      params: { line: 1 },
    });
    expect(code('not xml at all')).toBe('pmml.not-xml');
    expect(code('<notebook version="4.4"/>')).toBe('pmml.not-pmml');
    expect(code(otherTool.replace('version="4.3"', 'version="5.0"'))).toBe('pmml.version');
    expect(code('x'.repeat(MODEL_FILE_CHARS + 1))).toBe('model-file.too-large');
  });

  it('entities and __proto__: a DOCTYPE is refused, nothing is polluted', () => {
    const laughs =
      '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><PMML version="4.4">&lol2;</PMML>';
    expect(code(laughs)).toBe('pmml.doctype');
    const proto = otherTool.replace('<Header', '<__proto__ polluted="yes"/><Header');
    expect(code(proto)).toBe('pmml.invalid');
    const protoAttr = otherTool.replace('<Header', '<Header __proto__="yes"');
    // An attribute named __proto__ is an own key of the parsed element, read by no one.
    expect(modelFromPmml(protoAttr)).toEqual(modelFromPmml(otherTool));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('models and features outside the subset, named', () => {
    const tree =
      '<PMML version="4.4"><DataDictionary/><TreeModel functionName="classification"/></PMML>';
    expect(refusal(() => modelFromPmml(tree))).toEqual({
      code: 'pmml.unsupported-model',
      params: { model: 'TreeModel' },
    });
    expect(code('<PMML version="4.4"><DataDictionary/></PMML>')).toBe('pmml.no-model');
    const what = (text: string) => {
      const r = refusal(() => modelFromPmml(text));
      expect(r.code).toBe('pmml.unsupported');
      return String(r.params.what);
    };
    expect(
      what(otherTool.replace('name="age" coefficient', 'name="age" exponent="2" coefficient')),
    ).toMatch(/exponent 2/);
    expect(
      what(otherTool.replace('normalizationMethod="logit"', 'normalizationMethod="probit"')),
    ).toMatch(/probit/);
    expect(
      what(otherTool.replace('functionName="classification"', 'functionName="regression"')),
    ).toMatch(/regression/);
    expect(
      what(
        otherTool.replace(
          '<MiningField name="age"/>',
          '<MiningField name="age" missingValueReplacement="40"/>',
        ),
      ),
    ).toMatch(/missingValueReplacement on age/);
    expect(
      what(
        otherTool.replace(
          '<FieldRef field="age"/>',
          '<FieldRef field="age"/><FieldRef field="age"/>',
        ),
      ),
    ).toMatch(/3 fields/);
  });

  it('contradictions and bad numbers, named', () => {
    const reason = (text: string) => {
      const r = refusal(() => modelFromPmml(text));
      expect(r.code).toBe('pmml.invalid');
      return String(r.params.reason);
    };
    expect(reason(otherTool.replace('coefficient="0.03"', 'coefficient="lots"'))).toMatch(
      /age: coefficient/,
    );
    expect(
      reason(otherTool.replace('<FieldRef field="age"/>', '<FieldRef field="tenure"/>')),
    ).toMatch(/tenure is neither/);
    expect(reason(otherTool.replace('targetCategory="1"', 'targetCategory="yes"'))).toMatch(
      /targetCategory "yes"/,
    );
    expect(
      reason(
        otherTool.replace(
          '<NumericPredictor name="channel_phone"',
          '<CategoricalPredictor name="channel" value="phone" coefficient="1"/><NumericPredictor name="channel_phone"',
        ),
      ),
    ).toMatch(/given twice/);
    expect(
      reason(otherTool.replace('<MiningField name="churned" usageType="target"/>', '')),
    ).toMatch(/no target/);
  });
});
