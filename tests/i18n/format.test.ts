import { describe, expect, it } from 'vitest';
import {
  formatDecimal,
  formatInteger,
  formatPercent,
  formatPValue,
  formatStatistic,
} from '../../src/lib/i18n/format';
import { formatNumber, translate } from '../../src/lib/i18n';

describe('formatStatistic', () => {
  it('keeps 4 significant digits without rounding the whole part, as R summary() prints', () => {
    expect(formatStatistic('en', 650.5288)).toBe('650.5');
    expect(formatStatistic('en', 76485.889288)).toBe('76,486');
    expect(formatStatistic('en', 0.20373)).toBe('0.2037');
    expect(formatStatistic('en', 0.000123456)).toBe('0.000123');
    expect(formatStatistic('en', 96.6536, 6)).toBe('96.6536');
  });

  it('shows no float noise and no "-0"', () => {
    expect(formatStatistic('en', 100.50000000000001)).toBe('100.5');
    expect(formatStatistic('en', 59.92400000000001)).toBe('59.92');
    expect(formatStatistic('en', 0.1 + 0.2)).toBe('0.3');
    // The mean of a standardised column.
    expect(formatStatistic('en', -1.2e-17)).toBe('0');
    expect(formatStatistic('en', -0)).toBe('0');
    expect(formatStatistic('en', -0.5)).toBe('-0.5');
  });

  it('writes whole numbers whole, with the locale’s separators', () => {
    expect(formatStatistic('en', 7963)).toBe('7,963');
    expect(formatStatistic('en', 1234567)).toBe('1,234,567');
    expect(formatStatistic('zh-CN', 1234567)).toBe('1,234,567');
    expect(formatStatistic('en', 100.00000000000001)).toBe('100');
    expect(formatStatistic('zh-CN', 1234.5678)).toBe('1,235');
  });

  it('names NaN and infinities in words', () => {
    expect(formatStatistic('en', NaN)).toBe('n/a');
    expect(formatStatistic('en', Infinity)).toBe('infinity');
    expect(formatStatistic('en', -Infinity)).toBe('minus infinity');
    expect(formatStatistic('zh-CN', NaN)).toBe('无');
    expect(formatStatistic('zh-CN', Infinity)).toBe('无穷大');
    expect(formatStatistic('zh-CN', -Infinity)).toBe('负无穷大');
  });
});

describe('formatDecimal, formatInteger, formatPercent, formatPValue', () => {
  it('formatDecimal caps the decimals and drops trailing zeros', () => {
    expect(formatDecimal('en', 28.571428, 1)).toBe('28.6');
    expect(formatDecimal('en', 1234.5678, 3)).toBe('1,234.568');
    expect(formatDecimal('en', 2.5, 3)).toBe('2.5');
    expect(formatDecimal('en', -0.04, 1)).toBe('0');
    expect(formatDecimal('en', NaN, 1)).toBe('n/a');
  });

  it('formatInteger rounds to a whole number', () => {
    expect(formatInteger('en', 2037)).toBe('2,037');
    expect(formatInteger('en', 2036.6)).toBe('2,037');
    expect(formatInteger('en', -0.4)).toBe('0');
  });

  it('formatPercent takes a share in [0, 1]', () => {
    expect(formatPercent('en', 0.2037)).toBe('20.4%');
    expect(formatPercent('en', 0.7963, 2)).toBe('79.63%');
    expect(formatPercent('zh-CN', 0.5)).toBe('50%');
    expect(formatPercent('en', -0.0001)).toBe('0%');
    expect(formatPercent('en', 1 / 0)).toBe('infinity');
  });

  it('formatPValue writes "< 0.001" for small p and three decimals otherwise', () => {
    expect(formatPValue('en', 1e-12)).toBe('< 0.001');
    expect(formatPValue('en', 0.0009)).toBe('< 0.001');
    expect(formatPValue('en', 0.001)).toBe('0.001');
    expect(formatPValue('en', 0.04231)).toBe('0.042');
    expect(formatPValue('en', 0.5)).toBe('0.500');
    expect(formatPValue('en', 1)).toBe('1.000');
    expect(formatPValue('zh-CN', 1e-5)).toBe('< 0.001');
    expect(formatPValue('en', 1.2)).toBe('n/a');
    expect(formatPValue('en', NaN)).toBe('n/a');
  });
});

describe('formatNumber (i18n/index.ts) delegates here', () => {
  it('a statistic without a digit count, at most that many decimals with one', () => {
    expect(formatNumber('en', 100.50000000000001)).toBe('100.5');
    expect(formatNumber('en', -1.2e-17)).toBe('0');
    expect(formatNumber('en', 7043)).toBe('7,043');
    expect(formatNumber('en', 28.571428, 1)).toBe('28.6');
    expect(formatNumber('en', NaN)).toBe('n/a');
  });

  it('fills message parameters the same way', () => {
    expect(translate('en', 'csv.ragged', { row: 12345, found: 3, expected: 2 })).toBe(
      'Row 12,345 has 3 fields; expected 2.',
    );
  });
});
