import { describe, expect, it } from 'vitest';
import { checkExpression, deriveColumn } from '../../../src/lib/engine/prepare';
import { col, snapshot, table, values } from './helpers';

const t = () =>
  table(
    col('premium', 'decimal', [10, 12.5, null]),
    col('tenure', 'integer', [3, 24, 13]),
    col('start_date', 'date', ['2020-03-15', '2021-12-31', null]),
    col('plan', 'categorical', ['gold', null, 'basic']),
    col('paid up', 'boolean', [1, 0, null]),
  );
const derive = (expression: string, name = 'out') => deriveColumn(t(), { name, expression });

describe('deriveColumn', () => {
  it('computes with Arquero expressions and infers the result type', () => {
    const input = t();
    const before = snapshot(input);
    const annual = deriveColumn(input, { name: 'annual', expression: 'd => d.premium * 12' });
    expect(values(annual.table, 'annual')).toEqual([120, 150, null]);
    expect(annual.table.columns.at(-1)!.type).toBe('integer'); // whole values
    expect(derive('d => d.premium / 4').report.type).toBe('decimal');
    expect(snapshot(input)).toEqual(before);

    const year = derive('d => op.year(d.start_date)');
    expect(values(year.table, 'out')).toEqual([2020, 2021, null]);
    expect(year.report.type).toBe('integer');

    const band = derive("(d) => d.tenure > 12 ? 'long' : 'short'");
    expect(values(band.table, 'out')).toEqual(['short', 'long', 'long']);
    expect(band.table.columns.at(-1)!.type).toBe('categorical');

    expect(values(derive('d => d.tenure >= 13').table, 'out')).toEqual([0, 1, 1]);
    expect(derive('d => d.tenure >= 13').report.type).toBe('boolean');
    expect(values(derive("d => d['paid up'] && d.tenure > 1").table, 'out')).toEqual([1, 0, null]);
    expect(values(derive('d => op.upper(d.plan)').table, 'out')).toEqual(['GOLD', null, 'BASIC']);
    const date = derive(
      'd => op.datetime(op.year(d.start_date) + 1, op.month(d.start_date), op.date(d.start_date))',
    );
    expect(date.report.type).toBe('date');
    expect(values(date.table, 'out')).toEqual([
      Date.UTC(2021, 2, 15),
      Date.UTC(2022, 11, 31),
      null,
    ]);
    expect(values(derive('d => 1 / (d.tenure - 3)').table, 'out')).toEqual([null, 1 / 21, 0.1]); // Infinity → missing
  });

  it('replaces a column of the same name in place', () => {
    const out = derive('d => d.tenure * 2', 'tenure');
    expect(out.table.columns.map((c) => c.name)).toEqual([
      'premium',
      'tenure',
      'start_date',
      'plan',
      'paid up',
    ]);
    expect(values(out.table, 'tenure')).toEqual([6, 48, 26]);
    expect(out.report.replaced).toBe(1);
  });

  it.each([
    "d => fetch('x')",
    'd => globalThis.location',
    'd => window',
    'd => this.constructor',
    'd => (function(){ return self })()',
    "d => d.constructor.constructor('return self')()",
    'd => d.premium.constructor',
    "d => d['constructor']",
    'd => d.__proto__',
    'd => d.prototype',
    "d => op.constructor('return 1')",
    "d => op['year'](d.start_date)",
    'd => op.year.call(null, d.start_date)',
    "d => ''.constructor.constructor('return process')()",
    'd => d.plan.length',
    'd => ({}).constructor',
    'd => [].constructor',
    'd => d.x = 1',
    'd => new Date()',
    'd => `${self}`',
    'd => d.a.constructor.constructor`return globalThis`',
    'd => (x => x)(1)',
    'd => { return d.premium }',
    '(d, $) => $.x',
    'd => d.premium; globalThis.x = 1',
    'd => import("x")',
    'd => op.nonexistent(d.premium)',
    'd => d?.premium',
    'function (d) { return d.premium }',
    'd => d.premium * 12 && eval("1")',
  ])('rejects %s', (expression) => {
    expect(() => derive(expression)).toThrow('prepare.expression-invalid');
  });

  it('reports the reason and the columns read', () => {
    expect([...checkExpression("d => d.premium + d['paid up'] + op.abs(d.tenure)")]).toEqual([
      'premium',
      'paid up',
      'tenure',
    ]);
    try {
      derive('d => window');
      expect.unreachable();
    } catch (error) {
      expect((error as { params: { message: string } }).params.message).toContain('window');
    }
    expect(() => derive('d => d.missing_column * 2')).toThrow('column.not-found');
    expect(() => derive("d => d.tenure > 12 ? 'long' : 1")).toThrow('prepare.expression-invalid');
    expect(() => deriveColumn(t(), { name: ' ', expression: 'd => 1' })).toThrow(
      'prepare.invalid-setting',
    );
  });

  it('works without column references', () => {
    expect(values(derive('d => 7').table, 'out')).toEqual([7, 7, 7]);
  });
});
