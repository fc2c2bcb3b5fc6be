// survivalInputs: which rows are used, how events and groups are read, and the
// errors the analyst sees. Small hand-made tables; expected values by hand.
import { describe, expect, it } from 'vitest';
import type { Column, DataTable } from '../../../src/lib/engine/data/table';
import { survivalInputs } from '../../../src/lib/engine/survival/prepare';

function numeric(
  name: string,
  values: number[],
  type: 'integer' | 'decimal' | 'boolean' | 'date' = 'decimal',
): Column {
  return { kind: 'number', name, type, values: Float64Array.from(values) };
}

function strings(name: string, values: (string | null)[]): Column {
  const dictionary: string[] = [];
  const codes = Int32Array.from(values, (v) => {
    if (v === null) return -1;
    let code = dictionary.indexOf(v);
    if (code < 0) code = dictionary.push(v) - 1;
    return code;
  });
  return { kind: 'string', name, type: 'categorical', codes, dictionary };
}

function table(...columns: Column[]): DataTable {
  return {
    rowCount: columns[0].kind === 'number' ? columns[0].values.length : columns[0].codes.length,
    columns,
  };
}

describe('survivalInputs', () => {
  it('excludes missing, negative and non-finite durations and missing events', () => {
    const t = table(
      numeric('tenure', [5, NaN, -1, Infinity, 3, 7, 2]),
      numeric('churned', [1, 0, 1, 1, NaN, 0, 2], 'integer'),
    );
    const inputs = survivalInputs(t, { duration: 'tenure', event: 'churned' });
    expect(Array.from(inputs.time)).toEqual([5, 7, 2]);
    // Non-zero is an event.
    expect(Array.from(inputs.event)).toEqual([1, 0, 1]);
    expect(inputs.excluded).toBe(4);
    expect(inputs.groupCodes).toBeNull();
    expect(inputs.groupNames).toEqual([]);
  });

  it('reads boolean events and numeric events with chosen values', () => {
    const t = table(
      numeric('months', [1, 2, 3, 4], 'integer'),
      numeric('lapsed', [1, 0, NaN, 1], 'boolean'),
      numeric('status', [2, 1, 0, 2], 'integer'),
    );
    const bool = survivalInputs(t, { duration: 'months', event: 'lapsed' });
    expect(Array.from(bool.event)).toEqual([1, 0, 1]);
    expect(bool.excluded).toBe(1);
    const coded = survivalInputs(t, { duration: 'months', event: 'status', eventValues: ['2'] });
    expect(Array.from(coded.event)).toEqual([1, 0, 0, 1]);
    // An empty choice (what a fresh Survival cell sends) means "non-zero is an event".
    const none = survivalInputs(t, { duration: 'months', event: 'lapsed', eventValues: [] });
    expect(Array.from(none.event)).toEqual([1, 0, 1]);
  });

  it('guesses the event value of a two-valued string column', () => {
    const t = table(
      numeric('tenure', [1, 2, 3, 4], 'integer'),
      strings('Churn', ['No', 'Yes', null, 'No']),
      strings('状态', ['在保', '退保', '在保', '在保']),
    );
    const en = survivalInputs(t, { duration: 'tenure', event: 'Churn' });
    expect(Array.from(en.event)).toEqual([0, 1, 0]);
    expect(en.excluded).toBe(1);
    const zh = survivalInputs(t, { duration: 'tenure', event: '状态', eventValues: [] });
    expect(Array.from(zh.event)).toEqual([0, 1, 0, 0]);
  });

  it('uses the chosen event values of a string column', () => {
    const t = table(
      numeric('tenure', [1, 2, 3], 'integer'),
      strings('reason', ['surrender', 'death', 'in force']),
    );
    const inputs = survivalInputs(t, {
      duration: 'tenure',
      event: 'reason',
      eventValues: ['surrender', 'death'],
    });
    expect(Array.from(inputs.event)).toEqual([1, 1, 0]);
  });

  it('groups by a string column, sorted, leaving out missing groups', () => {
    const t = table(
      numeric('tenure', [1, 2, 3, 4, 5], 'integer'),
      numeric('churned', [1, 0, 1, 1, 0], 'integer'),
      strings('contract', ['Two year', 'Month-to-month', null, 'One year', 'Month-to-month']),
    );
    const inputs = survivalInputs(t, { duration: 'tenure', event: 'churned', group: 'contract' });
    expect(inputs.groupNames).toEqual(['Month-to-month', 'One year', 'Two year']);
    expect(Array.from(inputs.groupCodes!)).toEqual([2, 0, 1, 0]);
    expect(Array.from(inputs.time)).toEqual([1, 2, 4, 5]);
    expect(inputs.excluded).toBe(1);
  });

  it('groups by a numeric column by distinct value, in numeric order', () => {
    const t = table(
      numeric('tenure', [1, 2, 3, 4, 5], 'integer'),
      numeric('churned', [1, 0, 1, 1, 0], 'integer'),
      numeric('trt', [10, 2, 2, NaN, 1.5]),
    );
    const inputs = survivalInputs(t, { duration: 'tenure', event: 'churned', group: 'trt' });
    expect(inputs.groupNames).toEqual(['1.5', '2', '10']);
    expect(Array.from(inputs.groupCodes!)).toEqual([2, 1, 1, 0]);
    expect(inputs.excluded).toBe(1);
  });

  it('refuses what it cannot use, with the reason', () => {
    const t = table(
      numeric('tenure', [1, 2, 3], 'integer'),
      numeric('start', [0, 1, 2], 'date'),
      strings('status', ['a', 'b', 'c']),
      strings('flag', ['No', 'Yes', 'No']),
      numeric('id', [1, 2, 3], 'integer'),
    );
    const fails = (settings: Parameters<typeof survivalInputs>[1], code: string) =>
      expect(() => survivalInputs(t, settings)).toThrow(expect.objectContaining({ code }));
    fails({ duration: 'start', event: 'flag' }, 'survival.duration-not-numeric');
    fails({ duration: 'status', event: 'flag' }, 'survival.duration-not-numeric');
    fails({ duration: 'tenure', event: 'status' }, 'survival.event-values-required');
    fails(
      { duration: 'tenure', event: 'flag', eventValues: ['Y'] },
      'survival.event-values-not-found',
    );
    fails(
      { duration: 'tenure', event: 'id', eventValues: ['9'] },
      'survival.event-values-not-found',
    );
    fails({ duration: 'tenure', event: 'start' }, 'survival.event-type-invalid');
    fails({ duration: 'nope', event: 'flag' }, 'column.not-found');
    const none = table(numeric('tenure', [NaN, -2], 'integer'), numeric('e', [1, 1], 'integer'));
    expect(() => survivalInputs(none, { duration: 'tenure', event: 'e' })).toThrow(
      expect.objectContaining({ code: 'survival.no-usable-rows', params: { excluded: 2 } }),
    );
  });

  it('refuses more than 20 groups', () => {
    const rows = 25;
    const t = table(
      numeric(
        'tenure',
        Array.from({ length: rows }, (_, i) => i),
        'integer',
      ),
      numeric(
        'e',
        Array.from({ length: rows }, () => 1),
        'integer',
      ),
      numeric(
        'customer',
        Array.from({ length: rows }, (_, i) => i),
        'integer',
      ),
    );
    expect(() => survivalInputs(t, { duration: 'tenure', event: 'e', group: 'customer' })).toThrow(
      expect.objectContaining({
        code: 'survival.too-many-groups',
        params: { column: 'customer', count: 25, max: 20 },
      }),
    );
  });
});
