import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { decodeStream, detectEncoding, streamChunks } from '../../../src/lib/engine/data/decode';
import { EngineError } from '../../../src/lib/engine/data/table';

const FILES = new URL('../../fixtures/files/', import.meta.url);
const fixture = (name: string) => new Uint8Array(readFileSync(new URL(name, FILES)));

async function* pieces(bytes: Uint8Array, size: number) {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function decodeAll(bytes: Uint8Array, encoding: string, size: number) {
  let text = '';
  for await (const t of decodeStream(pieces(bytes, size), encoding)) text += t;
  return text;
}

function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof EngineError) return e.code;
    throw e;
  }
  return 'no error';
}

describe('detectEncoding', () => {
  it('reads byte-order marks', () => {
    expect(detectEncoding(new Uint8Array([0xef, 0xbb, 0xbf, 0x61]))).toEqual({
      encoding: 'utf-8',
      confidence: 'bom',
    });
    expect(detectEncoding(fixture('utf16-bom.csv'))).toEqual({
      encoding: 'utf-16le',
      confidence: 'bom',
    });
    expect(detectEncoding(new Uint8Array([0xfe, 0xff, 0, 0x61]))).toEqual({
      encoding: 'utf-16be',
      confidence: 'bom',
    });
  });

  it('accepts valid UTF-8 (and ASCII), even when the sample cuts a character in two', () => {
    const bytes = new TextEncoder().encode('名字,年龄\n张三,3\n');
    expect(detectEncoding(bytes)).toEqual({ encoding: 'utf-8', confidence: 'valid' });
    expect(detectEncoding(bytes.subarray(0, 4))).toEqual({
      encoding: 'utf-8',
      confidence: 'valid',
    });
  });

  it('tells GBK (as gb18030) from Big5 by common characters', () => {
    expect(detectEncoding(fixture('gbk-chinese.csv'))).toEqual({
      encoding: 'gb18030',
      confidence: 'guess',
    });
    expect(detectEncoding(fixture('big5-chinese.csv'))).toEqual({
      encoding: 'big5',
      confidence: 'guess',
    });
  });

  it('falls back to windows-1252 for Western legacy text', () => {
    const latin1 = new Uint8Array(
      [...'name,city\nJos']
        .map((c) => c.charCodeAt(0))
        .concat([0xe9, 0x2c, 0x4d, 0xe9, 0x72, 0x69, 0x64, 0x61, 0x0a]),
    );
    expect(detectEncoding(latin1)).toEqual({ encoding: 'windows-1252', confidence: 'guess' });
  });

  it('guesses BOM-less UTF-16 from its NUL pattern', () => {
    const bytes = new Uint8Array([...'a,b\n1,2\n'].flatMap((c) => [c.charCodeAt(0), 0]));
    expect(detectEncoding(bytes).encoding).toBe('utf-16le');
  });

  it('rejects binary files and Excel workbooks', () => {
    expect(codeOf(() => detectEncoding(fixture('binary.bin')))).toBe('file.binary');
    expect(codeOf(() => detectEncoding(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x14, 0])))).toBe(
      'file.spreadsheet',
    );
    const controls = new Uint8Array(100).fill(0x41);
    for (let i = 0; i < 10; i++) controls[i * 10] = 0x01;
    expect(codeOf(() => detectEncoding(controls))).toBe('file.binary');
  });
});

describe('decodeStream', () => {
  it('decodes multi-byte characters split across every chunk size', async () => {
    const text = '客户编号,姓名\nC001,张伟\n';
    const utf8 = new TextEncoder().encode(text);
    const gbk = fixture('gbk-chinese.csv');
    const utf16 = fixture('utf16-bom.csv');
    for (const size of [1, 2, 3, 5, 7, 64]) {
      expect(await decodeAll(utf8, 'utf-8', size)).toBe(text);
      expect((await decodeAll(gbk, 'gb18030', size)).split('\n')[1]).toBe(
        'C001,张伟,男,35,"1,200.50",2023-01-05,否',
      );
      expect(await decodeAll(utf16, 'utf-16le', size)).toBe('name\tscore\nÅsa\t1.5\n李\t2\n');
    }
  });

  it('drops a UTF-8 BOM', async () => {
    expect(await decodeAll(new Uint8Array([0xef, 0xbb, 0xbf, 0x61]), 'utf-8', 1)).toBe('a');
  });

  it('rejects an unknown encoding label', async () => {
    await expect(decodeAll(new Uint8Array([0x61]), 'klingon', 1)).rejects.toMatchObject({
      code: 'encoding.unsupported',
      params: { encoding: 'klingon' },
    });
  });

  it('streamChunks iterates a Blob stream', async () => {
    const blob = new Blob(['ab', 'cd']);
    let text = '';
    for await (const t of decodeStream(streamChunks(blob.stream()), 'utf-8')) text += t;
    expect(text).toBe('abcd');
  });
});
