// retypeTable: text → number/date checked against pandas (to_numeric and
// to_datetime with an explicit format; tests/fixtures/retype/make-retype.py),
// the numeric ↔ numeric and → text rules by hand on tiny tables.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MAX_EXAMPLES, retypeTable } from '../../../src/lib/engine/data/retype';
import type { DateFormat } from '../../../src/lib/engine/data/infer';
import {
  EngineError,
  type Column,
  type ColumnType,
  type DataTable,
  type NumericColumnType,
} from '../../../src/lib/engine/data/table';

interface Case {
  name: string;
  type: ColumnType;
  dateFormat?: DateFormat;
  values: string[];
  expected: (number | 'invalid' | null)[];
}
const reference = JSON.parse(
  readFileSync('tests/fixtures/retype/pandas-reference.json', 'utf8'),
) as { cases: Case[] };

/** A string column holding every value in its dictionary (markers such as NA included). */
function textTable(values: string[], name = 'x'): DataTable {
  const dictionary = [...new Set(values)];
  const codes = Int32Array.from(values, (v) => dictionary.indexOf(v));
  return {
    rowCount: values.length,
    columns: [{ kind: 'string', name, type: 'text', codes, dictionary }],
  };
}

function numberTable(type: NumericColumnType, values: number[]): DataTable {
  return {
    rowCount: values.length,
    columns: [
      { kind: 'number', name: 'x', type, values: Float64Array.from(values) },
      { kind: 'number', name: 'y', type: 'integer', values: Float64Array.from(values, () => 1) },
    ],
  };
}

function numbers(column: Column): number[] {
  if (column.kind !== 'number') throw new Error('expected a numeric column');
  return [...column.values];
}

describe('retypeTable: text to numbers and dates (pandas reference)', () => {
  for (const c of reference.cases) {
    it(c.name, () => {
      const { table, report } = retypeTable(textTable(c.values), {
        column: 'x',
        type: c.type,
        dateFormat: c.dateFormat,
      });
      const column = table.columns[0];
      expect(column.type).toBe(c.type);
      const got = numbers(column);
      c.expected.forEach((e, i) => {
        if (typeof e === 'number') expect(got[i], `${c.values[i]}`).toBe(e);
        else expect(got[i], `${c.values[i]}`).toBeNaN();
      });
      const invalid = c.values.filter((_, i) => c.expected[i] === 'invalid');
      expect(report.invalid).toBe(invalid.length);
      expect(report.converted).toBe(c.expected.filter((e) => typeof e === 'number').length);
      expect(report.examples).toEqual([...new Set(invalid)].slice(0, MAX_EXAMPLES));
      expect(report).toMatchObject({ column: 'x', from: 'text', to: c.type });
    });
  }
});

describe('retypeTable: choices and rules', () => {
  it('guesses the date format most values are written in', () => {
    const { table, report } = retypeTable(textTable(['31/12/2023', '01/02/2024', 'soon']), {
      column: 'x',
      type: 'date',
    });
    expect(numbers(table.columns[0])).toEqual([Date.UTC(2023, 11, 31), Date.UTC(2024, 1, 1), NaN]);
    expect(report).toMatchObject({ converted: 2, invalid: 1, examples: ['soon'] });
  });

  it('reads formatted numbers and decimal commas as the ingest does', () => {
    const dot = retypeTable(textTable(['$1,234.50', '12%', '¥ 80']), {
      column: 'x',
      type: 'decimal',
    });
    expect(numbers(dot.table.columns[0])).toEqual([1234.5, 0.12, 80]);
    const comma = retypeTable(textTable(['1.234,5', '0,25']), { column: 'x', type: 'decimal' });
    expect(numbers(comma.table.columns[0])).toEqual([1234.5, 0.25]);
  });

  it('text to boolean takes the boolean words and 0/1; codes -1 stay missing, not invalid', () => {
    const t = textTable(['Yes', 'no', '1', '0', '是', 'maybe']);
    const codes = (t.columns[0] as Extract<Column, { kind: 'string' }>).codes;
    const withMissing: DataTable = {
      rowCount: 7,
      columns: [
        {
          ...(t.columns[0] as Extract<Column, { kind: 'string' }>),
          codes: Int32Array.from([...codes, -1]),
        },
      ],
    };
    const { table, report } = retypeTable(withMissing, { column: 'x', type: 'boolean' });
    expect(numbers(table.columns[0])).toEqual([1, 0, 1, 0, 1, NaN, NaN]);
    expect(report).toMatchObject({ converted: 5, invalid: 1, examples: ['maybe'] });
  });

  it('keeps at most MAX_EXAMPLES distinct invalid examples but counts every invalid row', () => {
    const values = ['a', 'b', 'c', 'a', 'd', 'e', 'f', 'g', '1'];
    const { report } = retypeTable(textTable(values), { column: 'x', type: 'integer' });
    expect(report.invalid).toBe(8);
    expect(report.converted).toBe(1);
    expect(report.examples).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('numbers to text render as String() does; missing stays missing; other columns untouched', () => {
    const source = numberTable('decimal', [1.5, NaN, 1.5, 20]);
    const { table, report } = retypeTable(source, { column: 'x', type: 'categorical' });
    const c = table.columns[0];
    expect(
      c.kind === 'string' && [...c.codes].map((k) => (k < 0 ? null : c.dictionary[k])),
    ).toEqual(['1.5', null, '1.5', '20']);
    expect(report).toMatchObject({ converted: 3, invalid: 0, examples: [] });
    expect(table.columns[1]).toBe(source.columns[1]);
    expect(source.columns[0].type).toBe('decimal');
  });

  it('between numeric types: whole numbers only for integer, 0/1 for boolean', () => {
    const toInt = retypeTable(numberTable('decimal', [2, 2.5, NaN]), {
      column: 'x',
      type: 'integer',
    });
    expect(numbers(toInt.table.columns[0])).toEqual([2, NaN, NaN]);
    expect(toInt.report).toMatchObject({ converted: 1, invalid: 1, examples: ['2.5'] });
    const toBool = retypeTable(numberTable('integer', [0, 1, 2]), { column: 'x', type: 'boolean' });
    expect(numbers(toBool.table.columns[0])).toEqual([0, 1, NaN]);
    expect(toBool.report.invalid).toBe(1);
    const fromBool = retypeTable(numberTable('boolean', [0, 1]), { column: 'x', type: 'integer' });
    expect(numbers(fromBool.table.columns[0])).toEqual([0, 1]);
  });

  it('date-time to date keeps the day; yyyymmdd integers become dates; dates are no numbers', () => {
    const t = Date.UTC(2024, 0, 5, 13, 45);
    const toDate = retypeTable(numberTable('datetime', [t]), { column: 'x', type: 'date' });
    expect(numbers(toDate.table.columns[0])).toEqual([Date.UTC(2024, 0, 5)]);
    const compact = retypeTable(numberTable('integer', [20240105, 42]), {
      column: 'x',
      type: 'date',
    });
    expect(numbers(compact.table.columns[0])).toEqual([Date.UTC(2024, 0, 5), NaN]);
    expect(compact.report.examples).toEqual(['42']);
    const back = retypeTable(numberTable('date', [Date.UTC(2024, 0, 5)]), {
      column: 'x',
      type: 'integer',
    });
    expect(back.report).toMatchObject({ converted: 0, invalid: 1, examples: ['2024-01-05'] });
  });

  it('names a missing column and an unknown type', () => {
    expect(() => retypeTable(textTable(['1']), { column: 'nope', type: 'integer' })).toThrow(
      new EngineError('column.not-found', { column: 'nope' }),
    );
    expect(() =>
      retypeTable(textTable(['1']), { column: 'x', type: 'money' as ColumnType }),
    ).toThrow(EngineError);
  });
});

describe('retypeTable: numbers to dates', () => {
  // pandas 1.5: pd.to_datetime(45296, unit='D', origin='1899-12-30') is
  // 2024-01-05; pd.to_datetime('20240105', format='%Y%m%d') is the same day.
  it('reads yyyymmdd numbers and Excel serial days, and counts the rest', () => {
    const { table, report } = retypeTable(numberTable('integer', [20240105, 45296, 7, NaN]), {
      column: 'x',
      type: 'date',
    });
    const day = Date.UTC(2024, 0, 5);
    expect(numbers(table.columns[0])).toEqual([day, day, NaN, NaN]);
    expect(report).toMatchObject({ converted: 2, invalid: 1, examples: ['7'] });
  });
});
