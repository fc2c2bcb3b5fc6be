// Text encodings of the bad-input corpus (tests/fixtures/bad/make-bad-encodings.py,
// which writes every file with Python's codecs): UTF-32 recognised and
// decoded, BOM-less UTF-16 and UTF-32 by their NUL pattern, Shift_JIS,
// EUC-JP and EUC-KR told from GB18030 and Big5, a UTF-8 export joined with
// a GBK one read the same way however the bytes arrive, with the lines
// that are not UTF-8 named, and every TextDecoder encoding offered.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import {
  canDecode,
  cutsAtLineFeed,
  decodeStream,
  detectEncoding,
  ENCODING_SAMPLE_BYTES,
  ENCODINGS,
  encodingName,
  InvalidText,
} from '../../../src/lib/engine/data/decode';
import { ingestBlob, ingestDelimited } from '../../../src/lib/engine/data/ingest';
import { ingestInParts, readPart, type PartRunner } from '../../../src/lib/engine/data/parts';
import { cellText, getColumn, NO_PROGRESS } from '../../../src/lib/engine/data/table';
import { translate } from '../../../src/lib/i18n';

const BAD = new URL('../../fixtures/bad/', import.meta.url);
const bad = (name: string) => new Uint8Array(readFileSync(new URL(name, BAD)));
// Python's reading of the joined files as UTF-8 (make-bad-encodings.py).
const expected = JSON.parse(
  readFileSync(new URL('encodings-expected.json', BAD), 'utf8'),
) as Record<string, { replaced: number; lines: number; firstLine: number }>;
// Prose in each language, encoded by Python, with its text (make-bad-encodings.py).
const prose = JSON.parse(readFileSync(new URL('encodings-prose.json', BAD), 'utf8')) as {
  lang: string;
  encoding: string;
  text: string;
  base64: string;
}[];

async function* pieces(bytes: Uint8Array, size: number) {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function decodeAll(bytes: Uint8Array, encoding: string, size: number, keepBom = false) {
  let text = '';
  for await (const t of decodeStream(pieces(bytes, size), encoding, keepBom)) text += t;
  return text;
}

const ingest = (bytes: Uint8Array, size = 4096, options = {}) =>
  ingestDelimited(pieces(bytes, size), bytes.length, options, NO_PROGRESS);

async function rows(bytes: Uint8Array, size = 4096, options = {}) {
  const result = await ingest(bytes, size, options);
  const { table } = result;
  const names = table.columns.map((c) => c.name);
  const row = (i: number) => table.columns.map((c) => cellText(c, i));
  return { result, names, row };
}

// The text make-bad-encodings.py encodes as UTF-32 and BOM-less UTF-16.
const WIDE_NAMES = ['customer_id', 'name', 'city', 'premium'];
const WIDE_TEXTS = ['Åsa', '张伟', 'Zoë 😀'];

describe('UTF-32 and BOM-less UTF-16', () => {
  it('recognises UTF-32 by its BOM (not as the UTF-16 BOM it starts with) and by its NULs', () => {
    expect(detectEncoding(bad('utf32le-bom.csv'))).toEqual({
      encoding: 'utf-32le',
      confidence: 'bom',
    });
    expect(detectEncoding(bad('utf32be-bom.csv'))).toEqual({
      encoding: 'utf-32be',
      confidence: 'bom',
    });
    expect(detectEncoding(bad('utf32le-no-bom.csv'))).toEqual({
      encoding: 'utf-32le',
      confidence: 'guess',
    });
    expect(detectEncoding(bad('utf16be-no-bom.csv'))).toEqual({
      encoding: 'utf-16be',
      confidence: 'guess',
    });
  });

  it('reads each file as 3 rows × 4 columns with every character intact', async () => {
    for (const file of [
      'utf32le-bom.csv',
      'utf32be-bom.csv',
      'utf32le-no-bom.csv',
      'utf16be-no-bom.csv',
    ]) {
      for (const size of [1, 3, 4096]) {
        const { result, names, row } = await rows(bad(file), size);
        expect(names, file).toEqual(WIDE_NAMES);
        expect(result.table.rowCount, file).toBe(3);
        expect(
          [0, 1, 2].map((i) => row(i)[1]),
          file,
        ).toEqual(WIDE_TEXTS);
        expect(row(1), file).toEqual(['C002', '张伟', '北京', '99']);
        expect(
          result.warnings.map((w) => w.code),
          file,
        ).not.toContain('csv.short-rows');
        expect(
          result.warnings.map((w) => w.code),
          file,
        ).not.toContain('encoding.invalid-bytes');
      }
    }
  });

  it('decodes UTF-32 split anywhere: surrogate pairs, a kept BOM, bad code points and a cut end', async () => {
    const le = bad('utf32le-bom.csv');
    const text = new TextDecoder().decode(
      new TextEncoder().encode(
        'customer_id,name,city,premium\nC001,Åsa,Malmö,120.5\nC002,张伟,北京,99\nC003,Zoë 😀,Paris,10\n',
      ),
    );
    for (const size of [1, 2, 3, 5, 7, 64]) {
      expect(await decodeAll(le, 'utf-32le', size)).toBe(text);
      expect(await decodeAll(bad('utf32be-bom.csv'), 'utf-32be', size)).toBe(text);
      expect(await decodeAll(le, 'utf-32le', size, true)).toBe('\ufeff' + text);
    }
    // U+110000 and a lone surrogate are no characters; 2 bytes left over are none either.
    const odd = new Uint8Array([
      0x41, 0, 0, 0, 0, 0, 0x11, 0, 0, 0xd8, 0, 0, 0x42, 0, 0, 0, 0x43, 0,
    ]);
    expect(await decodeAll(odd, 'utf-32le', 3)).toBe('A\ufffd\ufffdB\ufffd');
    expect(await decodeAll(odd, 'UTF-32LE', 18)).toBe('A\ufffd\ufffdB\ufffd');
  });

  it('reads UTF-32 and UTF-16 files in one pass, never cut at a line feed byte', () => {
    expect(cutsAtLineFeed('utf-32le')).toBe(false);
    expect(cutsAtLineFeed('utf-32be')).toBe(false);
    expect(cutsAtLineFeed('utf-16le')).toBe(false);
    expect(cutsAtLineFeed('utf-16')).toBe(false);
    expect(cutsAtLineFeed('iso-2022-jp')).toBe(false);
    expect(cutsAtLineFeed('no-such-encoding')).toBe(false);
    for (const label of ['utf-8', 'gb18030', 'big5', 'shift_jis', 'euc-jp', 'euc-kr', 'latin1']) {
      expect(cutsAtLineFeed(label), label).toBe(true);
    }
  });
});

describe('Japanese and Korean exports', () => {
  it('detects Shift_JIS, EUC-JP and EUC-KR, and reads names and values as Python wrote them', async () => {
    for (const [file, encoding] of [
      ['shift-jis.csv', 'shift_jis'],
      ['euc-jp.csv', 'euc-jp'],
    ]) {
      expect(detectEncoding(bad(file))).toEqual({ encoding, confidence: 'guess' });
      const { result, names, row } = await rows(bad(file), 7);
      expect(result.encoding).toBe(encoding);
      expect(result.warnings).toContainEqual({ code: 'encoding.guessed', params: { encoding } });
      expect(names).toEqual(['顧客番号', '氏名', '都道府県', '保険料', '状態', '備考']);
      expect(result.table.rowCount).toBe(40);
      expect(row(0)).toEqual(['J001', '佐藤 花子', '東京都', '2000', '解約', 'ゴールド会員']);
      expect(row(2)).toEqual(['J003', '高橋 健太', '京都府', '2106', '有効', '住所変更あり']);
      expect(cellText(getColumn(result.table, '備考'), 4)).toBe('メール配信停止');
    }
    expect(detectEncoding(bad('euc-kr.csv'))).toEqual({ encoding: 'euc-kr', confidence: 'guess' });
    const { names, row } = await rows(bad('euc-kr.csv'), 7);
    expect(names).toEqual(['고객번호', '이름', '지역', '보험료', '상태']);
    expect(row(0)).toEqual(['K001', '김민준', '서울', '3000', '해지']);
    expect(row(1)).toEqual(['K002', '이서연', '인천', '3041', '유지']);
  });

  it('tells each language’s prose from the others’ encodings, and Western text from all of them', async () => {
    for (const c of prose) {
      const bytes = new Uint8Array(Buffer.from(c.base64, 'base64'));
      expect(detectEncoding(bytes).encoding, c.lang).toBe(c.encoding);
      if (c.lang !== 'ru') expect(await decodeAll(bytes, c.encoding, 5), c.lang).toBe(c.text);
    }
  });
});

describe('a UTF-8 export joined with a GBK one', () => {
  it('gets the same answer however the bytes arrive: only the first 64 KiB decide', async () => {
    const bytes = bad('mixed-utf8-gbk.csv');
    // The GBK rows start past the sample: the sample alone is valid UTF-8,
    // but a longer head (a larger first chunk) is not — it must not count.
    expect(bytes.indexOf(0x0a, ENCODING_SAMPLE_BYTES)).toBeLessThan(bytes.length);
    expect(detectEncoding(bytes)).toEqual({ encoding: 'utf-8', confidence: 'valid' });
    expect(detectEncoding(bytes.subarray(0, ENCODING_SAMPLE_BYTES))).toEqual(detectEncoding(bytes));
    const { replaced, lines, firstLine } = expected['mixed-utf8-gbk.csv'];
    const message = {
      code: 'encoding.invalid-bytes',
      params: { count: replaced, encoding: 'utf-8', line: firstLine, lines },
    };
    // UTF-8 text before the GBK rows: the file is said to mix encodings,
    // from the GBK rows' bytes.
    const mixed = { code: 'encoding.mixed', params: { encoding: 'utf-8', other: 'gb18030' } };
    for (const size of [1, 1000, 4096, 65_536, 65_537, 90_000, bytes.length]) {
      const result = await ingest(bytes, size);
      expect(result.encoding, String(size)).toBe('utf-8');
      expect(result.warnings, String(size)).toEqual([mixed, message]);
      expect(result.table.rowCount).toBe(3003);
    }
    // Line 2,602 is record K2601 (index 2600), a GBK row read as UTF-8.
    const { row } = await rows(bytes);
    expect(row(2599)[1]).toBe('张伟');
    expect(row(2600)[1]).toContain('\ufffd');
    expect(translate('en', 'encoding.invalid-bytes', message.params)).toBe(
      '26 characters could not be decoded as utf-8 and were replaced, on 3 lines in all; the first is line 2,602.',
    );
  });

  it('names the lines the same when the file is read in parts', async () => {
    // Past the 10,000 rows a plan is made from (a smaller file is read in one pass).
    const more = Array.from({ length: 9000 }, (_, i) => `M${i},张伟,北京,1000,有效\n`).join('');
    const file = new Blob([bad('mixed-utf8-gbk.csv'), more]);
    let ran = 0;
    const runPart: PartRunner = (request, progress) => {
      ran++;
      return readPart(request, progress, async () => undefined);
    };
    const parallel = await ingestInParts(file, {}, NO_PROGRESS, {
      parts: 4,
      minPartBytes: 16 * 1024,
      runPart,
    });
    expect(ran).toBe(4);
    const serial = await ingestBlob(file, {}, NO_PROGRESS);
    expect(parallel.warnings).toEqual(serial.warnings);
    expect(parallel.warnings[1].params).toMatchObject({ line: 2602, lines: 3 });
  });

  it('says that a sample of UTF-8 and GBK lines fits no single encoding, and where', async () => {
    const bytes = bad('mixed-utf8-gbk-early.csv');
    expect(detectEncoding(bytes)).toEqual({
      encoding: 'utf-8',
      confidence: 'guess',
      mixed: { other: 'gb18030' },
    });
    const { replaced, lines, firstLine } = expected['mixed-utf8-gbk-early.csv'];
    for (const size of [1, 100, bytes.length]) {
      const result = await ingest(bytes, size);
      expect(result.encoding).toBe('utf-8');
      expect(result.warnings).toEqual([
        { code: 'encoding.guessed', params: { encoding: 'utf-8' } },
        { code: 'encoding.mixed', params: { encoding: 'utf-8', other: 'gb18030' } },
        {
          code: 'encoding.invalid-bytes',
          params: { count: replaced, encoding: 'utf-8', line: firstLine, lines },
        },
      ]);
    }
    expect(translate('zh-CN', 'encoding.mixed', { encoding: 'utf-8', other: 'gb18030' })).toBe(
      '该文件并非单一文本编码：已按 utf-8 读取，但部分行看起来是 gb18030（如合并了以不同编码保存的导出文件）。请将整个文件保存为同一种编码后重新导入。',
    );
  });

  it('still reads a GBK file as GBK, though short GBK lines can be valid UTF-8 by chance', async () => {
    // 女 is C5 AE in GBK, which is UTF-8 for Ů: the lines of a sex column.
    const lines = ['客户,性别'];
    for (let i = 0; i < 20; i++) lines.push(`${i},${i % 2 ? '女' : '男'}`);
    const { gbk } = { gbk: Uint8Array.from(Buffer.from(GBK_SEX_COLUMN, 'base64')) };
    expect(new TextDecoder('gb18030').decode(gbk)).toBe(lines.join('\n') + '\n');
    expect(detectEncoding(gbk)).toEqual({ encoding: 'gb18030', confidence: 'guess' });
    // Forced to UTF-8, the GBK file says where its bytes are not UTF-8.
    const { replaced, lines: count, firstLine } = expected['gbk-mislabelled.csv'];
    // No line decoded non-ASCII text as UTF-8: the file is said to be GB18030.
    for (const size of [1, 4096]) {
      const forced = await ingest(bad('gbk-mislabelled.csv'), size, { encoding: 'utf-8' });
      // (Besides, its mojibake names repeat: ingest.duplicate-column-names.)
      expect(forced.warnings.filter((w) => w.code.startsWith('encoding.'))).toEqual([
        { code: 'encoding.looks-like', params: { encoding: 'utf-8', other: 'gb18030' } },
        {
          code: 'encoding.invalid-bytes',
          params: { count: replaced, encoding: 'utf-8', line: firstLine, lines: count },
        },
      ]);
    }
    // Read as GB18030, nothing is replaced: no decoding warning at all.
    const right = await ingest(bad('gbk-mislabelled.csv'), 4096, { encoding: 'gb18030' });
    expect(right.warnings).toEqual([]);
  });
});

// '客户,性别' and 20 rows alternating 男 and 女, in GBK (Python: "…".encode("gbk")).
const GBK_SEX_COLUMN = Buffer.concat([
  Buffer.from([0xbf, 0xcd, 0xbb, 0xa7, 0x2c, 0xd0, 0xd4, 0xb1, 0xf0, 0x0a]),
  ...Array.from({ length: 20 }, (_, i) =>
    Buffer.concat([
      Buffer.from(`${i},`),
      Buffer.from(i % 2 ? [0xc5, 0xae] : [0xc4, 0xd0]),
      Buffer.from('\n'),
    ]),
  ),
]).toString('base64');

describe('InvalidText', () => {
  it('counts replaced characters and their lines across pieces', () => {
    const invalid = new InvalidText('windows-1252');
    for (const piece of ['a,b\nok\n\ufffd', 'x\ufffd\n', 'fine\n', '\n\ufffd']) invalid.push(piece);
    expect(invalid.replaced).toBe(3);
    expect(invalid.finish()).toEqual({
      replaced: 3,
      lineFeeds: 5,
      lines: 2,
      firstLine: 3,
      decodedNonAscii: false,
      samples: [],
    });
  });

  it('tells a clean line with non-ASCII text, wherever the pieces are cut', () => {
    for (const pieces of [['a\n\ufffdé\n', 'b'], ['a\n\ufffd', 'é\nb'], ['é']]) {
      const invalid = new InvalidText('utf-8');
      for (const piece of pieces) invalid.push(piece);
      expect(invalid.finish().decodedNonAscii, pieces.join('|')).toBe(pieces[0] === 'é');
    }
  });

  it('reading UTF-8, keeps the bytes of the first undecodable lines, however the bytes are chunked', async () => {
    const bytes = bad('mixed-utf8-gbk-early.csv');
    const gbkLines = new TextDecoder()
      .decode(bytes)
      .split('\n')
      .map((line, i) => [i + 1, line] as const)
      .filter(([, line]) => line.includes('\ufffd'))
      .map(([n]) => n);
    expect(gbkLines).toEqual([11, 12, 13, 40, 41]);
    let first: Uint8Array[] | null = null;
    for (const size of [1, 2, 7, 100, bytes.length]) {
      const invalid = new InvalidText('utf-8');
      for await (const text of decodeStream(invalid.bytes(pieces(bytes, size)), 'utf-8')) {
        invalid.push(text);
      }
      const { samples, lines, firstLine } = invalid.finish();
      expect([lines, firstLine]).toEqual([5, 11]);
      // Each sample is its line's GBK bytes, as Python wrote them.
      expect(samples.map((s) => new TextDecoder('gb18030').decode(s))[0]).toBe(
        'K0010,李娜,南京,1370,有效\n',
      );
      first ??= samples;
      expect(samples, String(size)).toEqual(first);
    }
    expect(first).toHaveLength(5);
  });
});

describe('the encoding override list', () => {
  // The Encoding Standard's encodings (https://encoding.spec.whatwg.org/#names-and-labels),
  // less "replacement", which decodes nothing.
  const STANDARD = [
    'UTF-8',
    'IBM866',
    'ISO-8859-2',
    'ISO-8859-3',
    'ISO-8859-4',
    'ISO-8859-5',
    'ISO-8859-6',
    'ISO-8859-7',
    'ISO-8859-8',
    'ISO-8859-8-I',
    'ISO-8859-10',
    'ISO-8859-13',
    'ISO-8859-14',
    'ISO-8859-15',
    'ISO-8859-16',
    'KOI8-R',
    'KOI8-U',
    'macintosh',
    'windows-874',
    'windows-1250',
    'windows-1251',
    'windows-1252',
    'windows-1253',
    'windows-1254',
    'windows-1255',
    'windows-1256',
    'windows-1257',
    'windows-1258',
    'x-mac-cyrillic',
    'GBK',
    'gb18030',
    'Big5',
    'EUC-JP',
    'ISO-2022-JP',
    'Shift_JIS',
    'EUC-KR',
    'UTF-16BE',
    'UTF-16LE',
    'x-user-defined',
  ];

  it('offers every encoding of the standard, by the label TextDecoder reports, and UTF-32', () => {
    const labels = ENCODINGS.map((e) => e.label);
    expect(new Set(labels).size).toBe(labels.length);
    // TextDecoder's `encoding` is the standard's name in lower case.
    for (const name of STANDARD) expect(labels, name).toContain(name.toLowerCase());
    // Node lacks two of them (e2e/data-in-encodings.spec.ts sees all in Chromium).
    expect(labels.filter((label) => !canDecode(label))).toEqual(['iso-8859-16', 'x-user-defined']);
    for (const { label } of ENCODINGS) {
      if (label.startsWith('utf-32') || !canDecode(label)) continue;
      expect(new TextDecoder(label).encoding, label).toBe(label);
    }
    expect(labels).toEqual(expect.arrayContaining(['utf-32le', 'utf-32be']));
    expect(labels.length).toBe(STANDARD.length + 2);
  });

  it('names them as the standard does, and offers every label it detects', () => {
    expect(encodingName('shift_jis')).toBe('Shift_JIS');
    expect(encodingName('windows-1252')).toBe('windows-1252 (ISO-8859-1)');
    expect(encodingName('made-up')).toBe('made-up');
    const labels = ENCODINGS.map((e) => e.label);
    for (const file of ['shift-jis.csv', 'euc-jp.csv', 'euc-kr.csv', 'utf32le-bom.csv']) {
      expect(labels).toContain(detectEncoding(bad(file)).encoding);
    }
  });
});
