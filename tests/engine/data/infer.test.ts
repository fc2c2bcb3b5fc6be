import { describe, expect, it } from 'vitest';
import {
  classifyStrings,
  daysFromCivil,
  inferColumn,
  isMissing,
  parseBoolean,
  parseDate,
  parseNumber,
} from '../../../src/lib/engine/data/infer';

const utc = (iso: string) => Date.parse(iso);

describe('value parsers', () => {
  it('parseNumber reads plain, grouped, currency and percent numbers exactly', () => {
    expect(parseNumber('1889.5')).toBe(1889.5);
    expect(parseNumber('-12')).toBe(-12);
    expect(parseNumber('1e3')).toBe(1000);
    expect(parseNumber('1,234.5')).toBe(1234.5);
    expect(parseNumber('$1,234,567.89')).toBe(1234567.89);
    expect(parseNumber('-$12.50')).toBe(-12.5);
    expect(parseNumber('¥ 1,200')).toBe(1200);
    expect(parseNumber('￥980')).toBe(980);
    expect(parseNumber('12 €')).toBe(12);
    expect(parseNumber('£3')).toBe(3);
    expect(parseNumber('12%')).toBe(0.12);
    expect(parseNumber('0.1%')).toBe(0.001);
    expect(parseNumber(' 29.85 ')).toBe(29.85);
    expect(parseNumber('1.234,5', 'comma')).toBe(1234.5);
    expect(parseNumber('-0,5', 'comma')).toBe(-0.5);
    expect(parseNumber('1 234,5', 'comma')).toBe(1234.5);
  });

  it('parseNumber rejects malformed input', () => {
    for (const s of [
      '',
      ' ',
      '-',
      '.',
      'e5',
      '1,2,3',
      '12,34.5',
      '1.2.3',
      'abc',
      '1-2',
      '$',
      '%',
      'Infinity',
      '0x10',
    ]) {
      expect(parseNumber(s), s).toBeNaN();
    }
    expect(parseNumber('1,5')).toBeNaN(); // not a valid thousands group in dot style
    expect(parseNumber('1.5', 'comma')).toBeNaN();
  });

  it('parseBoolean maps the listed words, and nothing else', () => {
    for (const s of ['true', 'TRUE', 'Yes', 'y', 'Y', '是', ' True '])
      expect(parseBoolean(s), s).toBe(1);
    for (const s of ['false', 'False', 'no', 'N', '否']) expect(parseBoolean(s), s).toBe(0);
    for (const s of ['1', '0', 't', 'f', 'maybe', '']) expect(parseBoolean(s), s).toBeNaN();
  });

  it('parseDate reads each format, with optional times and zones, as UTC epoch ms', () => {
    expect(parseDate('2024-01-05', 'ymd')).toBe(utc('2024-01-05T00:00:00Z'));
    expect(parseDate('2024/1/5', 'ymd')).toBe(utc('2024-01-05T00:00:00Z'));
    expect(parseDate('1887-05-12 00:00:00', 'ymd')).toBe(utc('1887-05-12T00:00:00Z'));
    expect(parseDate('2010-12-01 08:26:00', 'ymd')).toBe(utc('2010-12-01T08:26:00Z'));
    expect(parseDate('2024-01-05T10:30:15.250+02:00', 'ymd')).toBe(utc('2024-01-05T08:30:15.250Z'));
    expect(parseDate('2024-01-05T10:30Z', 'ymd')).toBe(utc('2024-01-05T10:30:00Z'));
    expect(parseDate('31/12/2023', 'dmy')).toBe(utc('2023-12-31T00:00:00Z'));
    expect(parseDate('12/31/2023', 'mdy')).toBe(utc('2023-12-31T00:00:00Z'));
    expect(parseDate('1/5/2024 1:45 PM', 'mdy')).toBe(utc('2024-01-05T13:45:00Z'));
    expect(parseDate('05.01.2024', 'dmy')).toBe(utc('2024-01-05T00:00:00Z'));
    expect(parseDate('19970101', 'compact')).toBe(utc('1997-01-01T00:00:00Z'));
    expect(parseDate('2024年1月5日', 'cjk')).toBe(utc('2024-01-05T00:00:00Z'));
    expect(parseDate('2024-02-29', 'ymd')).toBe(utc('2024-02-29T00:00:00Z'));
    expect(parseDate('0001-01-01', 'ymd')).toBe(daysFromCivil(1, 1, 1) * 86_400_000);
    expect(parseDate('9999-12-31', 'ymd')).toBe(utc('9999-12-31T00:00:00Z'));
  });

  it('parseDate rejects impossible or malformed dates', () => {
    for (const [s, f] of [
      ['2023-02-29', 'ymd'],
      ['2024-13-01', 'ymd'],
      ['2024-01-32', 'ymd'],
      ['2024-01/05', 'ymd'],
      ['13/13/2024', 'dmy'],
      ['31/12/2023', 'mdy'],
      ['18991231', 'compact'],
      ['2024011', 'compact'],
      ['2024-01-05 25:00', 'ymd'],
      ['2024-01-05 10:60', 'ymd'],
      ['2024-01-05x', 'ymd'],
    ] as const) {
      expect(parseDate(s, f), s).toBeNaN();
    }
  });

  it('daysFromCivil agrees with Date.UTC over four centuries', () => {
    for (let y = 1900; y <= 2300; y += 7) {
      for (let m = 1; m <= 12; m++)
        expect(daysFromCivil(y, m, 1) * 86_400_000).toBe(Date.UTC(y, m - 1, 1));
    }
  });

  it('isMissing recognises the missing markers and whitespace only', () => {
    for (const s of [
      '',
      ' ',
      '\t',
      'NA',
      'N/A',
      'n/a',
      'NULL',
      'null',
      'NaN',
      'nan',
      '#N/A',
      '-',
      ' NA ',
    ]) {
      expect(isMissing(s), JSON.stringify(s)).toBe(true);
    }
    // 'None' (Python's) is pandas' too: see tests/engine/data/missing-markers.test.ts.
    for (const s of ['0', 'No', 'none', 'NAN', 'x', '--']) expect(isMissing(s), s).toBe(false);
  });
});

describe('inferColumn', () => {
  it('integer, decimal and the 0/1 flag kept as integer', () => {
    expect(inferColumn('tenure', ['1', '34', '2', '']).type).toBe('integer');
    expect(inferColumn('SeniorCitizen', ['0', '1', '0']).type).toBe('integer');
    expect(inferColumn('charges', ['29.85', '1889.5', ' ']).type).toBe('decimal');
    expect(inferColumn('flat', ['10.00', '20.00']).type).toBe('decimal');
    const pct = inferColumn('rate', ['12%', '3.5%']);
    expect(pct).toMatchObject({ type: 'decimal', numberStyle: 'dot' });
  });

  it('counts missing values', () => {
    expect(inferColumn('x', ['1', 'NA', '', '2', '-']).missing).toBe(3);
  });

  it('booleans from words; Yes/No/other is categorical', () => {
    expect(inferColumn('Churn', ['Yes', 'No', 'No']).type).toBe('boolean');
    expect(inferColumn('是否流失', ['是', '否']).type).toBe('boolean');
    expect(inferColumn('MultipleLines', ['Yes', 'No', 'No phone service']).type).toBe(
      'categorical',
    );
  });

  it('decimal comma only when the delimiter is not a comma', () => {
    expect(inferColumn('betrag', ['1.234,5', '17,25'], { delimiter: ';' })).toMatchObject({
      type: 'decimal',
      numberStyle: 'comma',
    });
    // "1,250" is ambiguous: ';' files read it as 1.25, tab files as 1250.
    expect(inferColumn('a', ['1,250', '2,500'], { delimiter: ';' }).numberStyle).toBe('comma');
    expect(inferColumn('a', ['1,250', '2,500'], { delimiter: '\t' })).toMatchObject({
      type: 'integer',
      numberStyle: 'dot',
    });
    expect(inferColumn('a', ['1,5', '2,25'], { delimiter: ',' }).type).toBe('categorical');
  });

  it('dates: order resolved from the data, ambiguous defaults to month-first', () => {
    expect(inferColumn('d', ['2024-01-05', '2023-12-31'])).toMatchObject({
      type: 'date',
      dateOrder: 'ymd',
    });
    expect(inferColumn('d', ['05/01/2024', '31/12/2023'])).toMatchObject({
      type: 'date',
      dateOrder: 'dmy',
    });
    expect(inferColumn('d', ['01/05/2024', '12/31/2023'])).toMatchObject({
      type: 'date',
      dateOrder: 'mdy',
    });
    expect(inferColumn('d', ['01/05/2024', '02/03/2023'])).toMatchObject({
      type: 'date',
      dateOrder: 'mdy',
      evidence: 'date-order-ambiguous',
    });
    expect(inferColumn('d', ['2024年1月5日', '2023年12月31日']).type).toBe('date');
    expect(inferColumn('d', ['19970101', '19980630'])).toMatchObject({
      type: 'date',
      dateFormat: 'compact',
    });
    expect(inferColumn('d', ['19970101', '12345678']).type).toBe('integer');
  });

  it('datetime when some time is not midnight; all-midnight timestamps are dates', () => {
    expect(inferColumn('t', ['2010-12-01 08:26:00', '2010-12-01 00:00:00']).type).toBe('datetime');
    expect(inferColumn('t', ['1887-05-12 00:00:00', '1893-10-30 00:00:00']).type).toBe('date');
  });

  it('identifiers: leading zeros, key-like names, integer keys; else categorical or text', () => {
    expect(inferColumn('customer_id', ['00001', '00002', '00001'])).toMatchObject({
      type: 'identifier',
      evidence: 'leading-zeros',
    });
    expect(inferColumn('customerID', ['7590-VHVEG', '5575-GNVDE']).type).toBe('identifier');
    expect(inferColumn('CustomerId', ['15634602', '15647311', '15619304']).type).toBe('identifier');
    expect(inferColumn('paid', ['15634602', '15647311']).type).toBe('integer');
    expect(inferColumn('gender', ['Female', 'Male', 'Male']).type).toBe('categorical');
  });

  it('all-missing columns are numeric so later numbers fit', () => {
    expect(inferColumn('x', ['', 'NA'])).toMatchObject({
      type: 'decimal',
      evidence: 'all-missing',
      missing: 2,
    });
  });
});

describe('classifyStrings', () => {
  const many = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i));
  it('an all-distinct column is an identifier unless a value has a character that /\\s/ matches', () => {
    // Every UTF-16 code unit, against the regular expression's own judgement.
    const ids = many(100, (i) => `k${i}`);
    for (let c = 0; c <= 0xffff; c++) {
      const ch = String.fromCharCode(c);
      const { type } = classifyStrings('value', [...ids, `a${ch}b`], 101);
      expect(type, `U+${c.toString(16)}`).toBe(/\s/.test(ch) ? 'text' : 'identifier');
    }
  });
  it('categorical up to 50 distinct, or 5% of values up to 1000', () => {
    expect(
      classifyStrings(
        'region',
        many(50, (i) => `r${i}`),
        1000,
      ).type,
    ).toBe('categorical');
    expect(
      classifyStrings(
        'region',
        many(60, (i) => `r ${i}`),
        1000,
      ).type,
    ).toBe('text');
    expect(
      classifyStrings(
        'region',
        many(60, (i) => `r ${i}`),
        1200,
      ).type,
    ).toBe('categorical');
  });
  it('all distinct short tokens are identifiers, sentences are text', () => {
    expect(
      classifyStrings(
        'code2',
        many(100, (i) => `K${i}`),
        100,
      ).type,
    ).toBe('identifier');
    expect(
      classifyStrings(
        'note',
        many(100, (i) => `said ${i} things`),
        100,
      ).type,
    ).toBe('text');
  });
});

describe('parseNumber fast path', () => {
  it('returns exactly the double Number() gives, for many random plain decimals', () => {
    let seed = 12345;
    const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    for (let k = 0; k < 20000; k++) {
      const intDigits = Math.floor(random() * 10);
      const fracDigits = Math.floor(random() * (16 - intDigits));
      let s = random() < 0.3 ? '-' : '';
      for (let d = 0; d < intDigits; d++) s += Math.floor(random() * 10);
      if (fracDigits > 0 || intDigits === 0) s += '.';
      for (let d = 0; d < Math.max(fracDigits, intDigits === 0 ? 1 : 0); d++)
        s += Math.floor(random() * 10);
      expect(Object.is(parseNumber(s), Number(s)), s).toBe(true);
    }
    for (const s of [
      '0.1',
      '0.7',
      '1.005',
      '123456789012345',
      '1234567890123456',
      '9007199254740993',
      '.5',
      '5.',
      '-0',
      '+3',
    ]) {
      expect(Object.is(parseNumber(s), Number(s)), s).toBe(true);
    }
  });
});

// Excel serial days: reference values from pandas 1.5 (Debian python3),
// pd.to_datetime(n, unit='D', origin='1899-12-30') — 45296 → 2024-01-05,
// 18264 → 1950-01-01, 73050 → 2099-12-31, 45296.5 → 2024-01-05 12:00,
// 61 → 1900-03-01, 36526 → 2000-01-01.
describe('Excel serial dates', () => {
  it('parses serial days and date-times', () => {
    expect(parseDate('45296', 'excel-serial')).toBe(utc('2024-01-05T00:00:00Z'));
    expect(parseDate('18264', 'excel-serial')).toBe(utc('1950-01-01T00:00:00Z'));
    expect(parseDate('73050', 'excel-serial')).toBe(utc('2099-12-31T00:00:00Z'));
    expect(parseDate('45296.5', 'excel-serial')).toBe(utc('2024-01-05T12:00:00Z'));
    expect(parseDate('61', 'excel-serial')).toBe(utc('1900-03-01T00:00:00Z'));
    expect(parseDate('36526', 'excel-serial')).toBe(utc('2000-01-01T00:00:00Z'));
    // Before 1 March 1900 Excel counts a 29 February that never was: refused.
    expect(parseDate('60', 'excel-serial')).toBeNaN();
    expect(parseDate('abc', 'excel-serial')).toBeNaN();
  });

  it('infers a date-named column of serials as dates, and only then', () => {
    const serials = ['45296', '45297', '', '44927'];
    expect(inferColumn('policy_start_date', serials)).toMatchObject({
      type: 'date',
      evidence: 'date-excel-serial',
      dateFormat: 'excel-serial',
    });
    expect(inferColumn('签单日期', ['45296.25', '45300'])).toMatchObject({
      type: 'datetime',
      evidence: 'date-excel-serial',
    });
    // The same numbers under another name are numbers (a premium, a count).
    expect(inferColumn('annual_premium', serials).type).toBe('integer');
    // A date-named column outside 1950–2099 is not taken for serials.
    expect(inferColumn('update_date', ['12', '45296']).type).toBe('integer');
  });
});

describe('date order chosen by the user', () => {
  const ambiguous = ['01/02/2024', '03/04/2024', '12/11/2023'];
  it('reads ambiguous dates month-first by default and says so', () => {
    const inferred = inferColumn('d', ambiguous);
    expect(inferred).toMatchObject({ evidence: 'date-order-ambiguous', dateFormat: 'mdy' });
  });
  it('follows the chosen order when the data fits both', () => {
    const inferred = inferColumn('d', ambiguous, { dateOrder: 'dmy' });
    expect(inferred).toMatchObject({ evidence: 'date-order-chosen', dateFormat: 'dmy' });
    expect(parseDate(ambiguous[0], inferred.dateFormat!)).toBe(utc('2024-02-01T00:00:00Z'));
  });
  it('lets the data win when it contradicts the choice', () => {
    const inferred = inferColumn('d', ['25/12/2023', '01/02/2024'], { dateOrder: 'mdy' });
    expect(inferred).toMatchObject({ evidence: 'date-dmy', dateFormat: 'dmy' });
  });
});
