import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildPipeline, designOf, targetValues } from '../../../src/lib/engine/models/design';
import type { DataTable } from '../../../src/lib/engine/data/table';
import { readDataset } from '../datasets';

// Reference: tests/fixtures/models/make-design.R — R 4.2.2 model.matrix() of
// Churn ~ tenure + Contract + InternetService + PaymentMethod + Partner +
// TotalCharges + Contract:tenure + InternetService:Contract on the Telco data,
// Contract at reference "One year", InternetService at "Fiber optic",
// PaymentMethod at R's default (its first level), Partner a logical.
const reference = JSON.parse(
  readFileSync(new URL('../../fixtures/models/design-reference.json', import.meta.url), 'utf8'),
) as { rows: number; dropped: number; columns: string[]; firstRows: number[][] };

let telco: DataTable;
beforeAll(async () => {
  telco = await readDataset('ibm__Telco-Customer-Churn.csv');
});

const choices = {
  target: { column: 'Churn', positive: 'Yes' },
  features: ['tenure', 'Contract', 'InternetService', 'PaymentMethod', 'Partner', 'TotalCharges'],
  interactions: [
    { a: 'Contract', b: 'tenure' },
    { a: 'InternetService', b: 'Contract' },
  ],
  references: {
    Contract: 'One year',
    InternetService: 'Fiber optic',
    PaymentMethod: 'Bank transfer (automatic)',
  },
};

describe('design matrix', () => {
  it("codes as R's model.matrix: columns, their order, na.omit, values", () => {
    const pipeline = buildPipeline(telco, choices);
    // Partner (Yes/No) is read as a boolean, as R's logical: PartnerTRUE.
    expect(pipeline.coefficients.map((c) => c.name)).toEqual(reference.columns);
    const design = designOf(telco, pipeline);
    expect(design.n).toBe(reference.rows);
    expect(design.dropped).toBe(reference.dropped);
    expect(design.missingBy).toEqual({ TotalCharges: reference.dropped });
    const p = design.p;
    reference.firstRows.forEach((row, i) =>
      expect(Array.from(design.X.subarray(i * p, (i + 1) * p))).toEqual(row),
    );
  });

  it('labels levels against their reference and names interactions in R order', () => {
    const pipeline = buildPipeline(telco, choices);
    const byName = new Map(pipeline.coefficients.map((c) => [c.name, c]));
    expect(byName.get('ContractTwo year')).toMatchObject({
      label: 'Contract = Two year vs One year',
      term: 'Contract',
    });
    expect(byName.get('tenure:ContractTwo year')).toMatchObject({
      label: 'tenure × Contract = Two year vs One year',
      term: 'tenure:Contract',
    });
    expect(pipeline.interactions).toEqual([
      { a: 'tenure', b: 'Contract' },
      { a: 'Contract', b: 'InternetService' },
    ]);
  });

  it('defaults the reference to the most frequent level, as SAS REF=', () => {
    const pipeline = buildPipeline(telco, { ...choices, interactions: [], references: {} });
    const contract = pipeline.features.find((f) => f.column === 'Contract');
    // Telco: Month-to-month 3875 of 7043 rows (3,875 of the 7,032 complete ones).
    expect(contract).toMatchObject({
      reference: 'Month-to-month',
      levels: ['One year', 'Two year'],
    });
    if (contract?.kind !== 'categorical') throw new Error('categorical expected');
    const counts = { 'One year': 0, 'Two year': 0 };
    const design = designOf(telco, pipeline);
    const col = pipeline.coefficients.findIndex((c) => c.name === 'ContractOne year');
    for (let i = 0; i < design.n; i++) counts['One year'] += design.X[i * design.p + col];
    expect(contract.means[0]).toBeCloseTo(counts['One year'] / design.n, 15);
  });

  it('reads the positive class from the text, for categories, booleans and 0/1 columns', () => {
    const y = targetValues(telco, { column: 'Churn', positive: 'Yes' });
    expect(y.reduce((s, v) => s + v, 0)).toBe(1869); // Telco: 1,869 churners
    const senior = targetValues(telco, { column: 'SeniorCitizen', positive: '1' });
    expect(senior.reduce((s, v) => s + v, 0)).toBe(1142);
    // Churn (Yes/No) is read as a boolean: the file's word and the display text both work.
    expect(targetValues(telco, { column: 'Churn', positive: 'true' })).toEqual(y);
    const twoYear = targetValues(telco, { column: 'Contract', positive: 'Two year' });
    expect(twoYear.reduce((s, v) => s + v, 0)).toBe(1695);
    expect(() => targetValues(telco, { column: 'Churn', positive: 'Maybe' })).toThrow(
      /model.positive-not-found/,
    );
    expect(() => targetValues(telco, { column: 'Contract', positive: 'Weekly' })).toThrow(
      /model.positive-not-found/,
    );
  });

  it('refuses what cannot be a feature, naming it', () => {
    const base = { target: choices.target };
    expect(() => buildPipeline(telco, { ...base, features: ['customerID'] })).toThrow(
      /model\.(identifier-feature|too-many-levels).*customerID/,
    );
    expect(() => buildPipeline(telco, { ...base, features: ['Churn'] })).toThrow(
      /model.target-as-feature/,
    );
    expect(() =>
      buildPipeline(telco, { ...base, features: ['Contract'], references: { Contract: 'Weekly' } }),
    ).toThrow(/model.reference-not-found.*Weekly/);
    const one = new Uint32Array([0]);
    expect(() => buildPipeline(telco, { ...base, features: ['tenure'] }, one)).toThrow(
      /model.constant-feature/,
    );
  });

  it('scores another table: unseen levels refused or coded as the reference and counted', () => {
    const pipeline = buildPipeline(telco, { ...choices, interactions: [] });
    const contract = telco.columns.find((c) => c.name === 'Contract');
    if (contract?.kind !== 'string') throw new Error('categorical expected');
    // A new month's file where "One year" is called "Annual".
    const renamed: DataTable = {
      rowCount: telco.rowCount,
      columns: telco.columns.map((c) =>
        c === contract
          ? {
              ...contract,
              dictionary: contract.dictionary.map((l) => (l === 'One year' ? 'Annual' : l)),
            }
          : c,
      ),
    };
    expect(() => designOf(renamed, pipeline)).toThrow(/model.unseen-level.*Annual/);
    const design = designOf(renamed, pipeline, { unseen: 'reference', target: false });
    expect(design.unseen).toEqual([{ column: 'Contract', level: 'Annual', rows: 1472 }]);
    expect(design.y.every((v) => v === 0)).toBe(true);
    const withoutTarget: DataTable = {
      rowCount: telco.rowCount,
      columns: telco.columns.filter((c) => c.name !== 'Churn'),
    };
    expect(designOf(withoutTarget, pipeline, { target: false }).n).toBe(reference.rows);
    expect(() => designOf(withoutTarget, pipeline)).toThrow(/column.not-found/);
  });
});
