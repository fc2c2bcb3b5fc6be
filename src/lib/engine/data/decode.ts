// Bytes → text for the ingest: encoding detection from the first bytes of a
// file, streaming decoding (UTF-32 by hand, as TextDecoder has none), where
// in the text the bytes that could not be decoded were, and the encodings the
// Data cell offers. Pure (TextDecoder exists in workers and Node); runs in the
// ingest worker and in Node tests.

import { EngineError } from './table';

export interface DetectedEncoding {
  /** A WHATWG encoding label TextDecoder accepts, or utf-32le / utf-32be. */
  encoding: string;
  /** 'bom': a byte-order mark; 'valid': the sample is valid UTF-8; 'guess': scored. */
  confidence: 'bom' | 'valid' | 'guess';
  /**
   * Set when the sample fits no single encoding: most of it is UTF-8 (so
   * `encoding` is utf-8), but some lines are not and look like `other`
   * (null when they look like none of the encodings tried).
   */
  mixed?: { other: string | null };
}

/**
 * How much of a file detectEncoding looks at. Always exactly this prefix
 * (never "the chunks read so far", whose size depends on the browser's
 * reads), so the same bytes always get the same answer.
 */
export const ENCODING_SAMPLE_BYTES = 64 * 1024;

// Frequent Chinese characters in both scripts (everyday words plus the
// vocabulary of customer tables: names, dates, money, policies, regions).
// Text decoded with the right legacy encoding is mostly made of these; the
// wrong decoder yields rare characters instead.
const COMMON_HAN = new Set(
  (
    '的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自着去之过家学对可里后小么心多天而能好都然没日于起还发成事只作当想看文无开手十用主行方又如前所本见经头面公同三已老从动两长知民样现分将外但身些与高意进把法此实回二理美点月明其种声全工己话儿者向情部正名定女问力机给等几很业最间新什打便位因重被走电四第门相次东政海口使教西再平真听世气信北少关并内加化由却代军产入先山五太水万市眼体别处总才场师书比住员九笑性通目华报立马命张活难神数件安表原车白应路期叫死常提感金何更反合放做系计或司利受光王果亲界及今京务制解各任至清物台象记边共风战干接它许八特觉望直服毛林题建南度统色字请交爱让认算论百吃义科怎元社术结六功指思非流每青管夫连远资队跟带花快条院变联言权往展该领传近留红治决周保达办运武半候七必城父强步完革深区即求品士转量空甚众技轻程告江语英基派满式李息写呢识极令黄德收脸钱党倒未持取设始版双历越史商千片容研像找友孩站广改议形委早房音火际则首单据导影失拿网香似斯专石若兵弟谁校读志飞观争究包组造落视济喜离虽坏兴切' +
    // Traditional forms of the above where they differ, as Big5 text writes them.
    '這來國個們為說時還發會對裡後麼現樣經動兩長將過實點種聲話兒機給幾業間問兒開頭無與見進學當門東氣關內車書場員報馬張難數體別處總師電義產軍萬錢黨歷單據導網專條聯權變傳運區轉眾輕語滿寫識極黃應錯錄號碼險費額戶帳區統計'
  ).split(''),
);
// Extra everyday table vocabulary in simplified form.
for (const c of '客户姓名性别男女龄保单号险费额账帐码编证身份电话邮箱地址省市县状态类型渠道金额余贷款存取续期退赔付理赔日期时间月份季度消费购买订订价格数量折扣会员积分等级流失活跃注册最近首末次') {
  COMMON_HAN.add(c);
}

// Frequent characters of Japanese text: the kana (full-width; half-width
// katakana also come out of Chinese bytes read as Shift_JIS) and common
// kanji, with the vocabulary of customer tables (names, prefectures, money).
const COMMON_KANJI = new Set(
  (
    '日一国会人年大十二本中長出三同時政事自行社見月分議後前民生連五発間対上部東者党地合市業内相方四定今回新場金員九入選立開手米力学問高代明実円関決子動京全目表戦経通外最言氏現理調体化田当八六約主題下首意法不来作性的要用制治度務強気小七成期公持野協取都和統以機平総加山思家話世受区領多県続進正安設保改数記院女初北午指権心界支第産結百派点教報済書府活原先共得解名交資予川向際査勝面委告軍文反元重近千考判認画海参売利組知案道信策集在件団別物側任引使求所次水半品昨論計死官増係感特情投示変打男基私各始島直両朝革価式確村提運終挙果西勢減台広容必応演電歳住争談能無再位置企真流格有疑口過局少放税検藤町常校料沢裁状工建語球営空職証土与急止送援供可役構木割聞身費付施切由説転食比難防補車優夫研収断井何南石足違消境神番規術護展態導鮮備宅害配副算視条幹独警宮究育席輸訪楽起万着乗店述残想線率病農州武声質念待試族象銀域助労例衛然早張映限親額監環験追審商葉義伝働形景落欧担好退準賞訴辺造英被株頭技低毎医復仕去姿味負閣韓渡失移差衆個門写評課末守若脳極種美岡影命含福蔵量望松非撃佐核観察整段横融型白深字答夜製票況音申様財港識注呼渉達良響阪帰針専推囲健' +
    '顧客番号氏性別齢郵便契約険支払購単合計録有効無効種類備考奈愛埼玉葉兵庫静茨城宮潟阜群馬栃熊鹿児沖縄滋賀媛崎良青森岩秋香歌梨徳鳥取根富福井' +
    '佐藤鈴木高橋田中伊渡辺山本村小林加吉松上清水森池阿部川前岡谷後近太郎花子一郎健翔陽菜結愛美咲輝蓮悠優恵裕洋直樹也拓'
  ).split(''),
);

// Frequent Hangul syllables: everyday Korean and the vocabulary of customer
// tables (surnames and given names, regions, column names). Chinese bytes
// read as EUC-KR give Hangul too, but evenly spread over 2,350 syllables.
const COMMON_HANGUL = new Set(
  (
    '이다의는에하고을가지기사한로도서리자인대어나를수시일정아들부여니게주전보있해상국적그장제으과면것조위라만성원구경소무요신동오우관연공비스내미방행생세간중문화학개거치없후실마물당회모되선등안까년발했결식산바음통었던저계단려분심말께속호현금영법임천르였할교드야출용본남녀' +
    '김박최강윤권황송류홍양손배백허노곽차민진엄채함변염추석설길표명반왕옥육맹탁은편예봉복태목형피두감빈온범좌팽승갈견' +
    '준연훈윤은희철빈혁재숙순애경란' +
    '울울산구천광전세종강원충북남제번호름별나이생월주소화가입해지상태액보험료계약날짜구매품량격합회등급활성여부예아니오요금'
  ).split(''),
);

/** Punctuation and full-width forms: the same in every CJK encoding's reading, so they tell nothing. */
function isNeutral(c: number): boolean {
  return (
    (c >= 0x2000 && c <= 0x206f) || (c >= 0x3000 && c <= 0x303f) || (c >= 0xff01 && c <= 0xff60)
  );
}

function isJapanese(ch: string): boolean {
  const c = ch.codePointAt(0)!;
  return (c >= 0x3041 && c <= 0x3096) || (c >= 0x30a1 && c <= 0x30fc) || COMMON_KANJI.has(ch);
}

/**
 * The legacy encodings tried, each with the characters its right reading is
 * mostly made of. A wrong reading yields rare characters instead (or
 * half-width katakana, or fails), so the right one has the larger share.
 */
const LEGACY: readonly { encoding: string; common: (ch: string) => boolean }[] = [
  { encoding: 'gb18030', common: (ch) => COMMON_HAN.has(ch) },
  { encoding: 'big5', common: (ch) => COMMON_HAN.has(ch) },
  { encoding: 'shift_jis', common: isJapanese },
  { encoding: 'euc-jp', common: isJapanese },
  { encoding: 'euc-kr', common: (ch) => COMMON_HANGUL.has(ch) },
];
/** Below this share of common characters, a reading is not taken to be right. */
const MIN_COMMON_SHARE = 0.3;

function decodes(bytes: Uint8Array, label: string): string | null {
  try {
    // stream: true, so a character cut by the end of the sample is no error.
    return new TextDecoder(label, { fatal: true }).decode(bytes, { stream: true });
  } catch {
    return null;
  }
}

/**
 * Share of the telling characters of `text` (not ASCII, not punctuation)
 * that `common` accepts; -1 if there are none.
 */
function commonShare(text: string, common: (ch: string) => boolean): number {
  let telling = 0;
  let hits = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (c < 0x80 || isNeutral(c)) continue;
    telling++;
    if (common(ch)) hits++;
  }
  return telling === 0 ? -1 : hits / telling;
}

/** Share of common characters in the reading of `lines` as `legacy`; -1 if a line does not decode. */
function legacyShare(lines: readonly Uint8Array[], legacy: (typeof LEGACY)[number]): number {
  let text = '';
  for (const line of lines) {
    const decoded = decodes(line, legacy.encoding);
    if (decoded === null) return -1;
    text += decoded;
  }
  return commonShare(text, legacy.common);
}

/** The legacy encoding whose reading of `lines` has the largest share of common characters, if any reaches MIN_COMMON_SHARE. */
function bestLegacy(lines: readonly Uint8Array[]): (typeof LEGACY)[number] | null {
  let best: (typeof LEGACY)[number] | null = null;
  let bestShare = MIN_COMMON_SHARE;
  for (const legacy of LEGACY) {
    const share = legacyShare(lines, legacy);
    // Ties go to the earlier one: the order is fixed, so the answer is too.
    if (share > bestShare || (share === bestShare && best === null)) {
      best = legacy;
      bestShare = share;
    }
  }
  return best;
}

/** The lines of `sample` (split after each line feed) that hold a byte above 0x7F. */
function nonAsciiLines(sample: Uint8Array): Uint8Array[] {
  const lines: Uint8Array[] = [];
  let start = 0;
  let high = false;
  for (let i = 0; i < sample.length; i++) {
    const b = sample[i];
    if (b > 0x7f) high = true;
    else if (b === 0x0a) {
      if (high) lines.push(sample.subarray(start, i + 1));
      start = i + 1;
      high = false;
    }
  }
  if (high) lines.push(sample.subarray(start));
  return lines;
}

function startsWith(sample: Uint8Array, bytes: readonly number[]): boolean {
  return sample.length >= bytes.length && bytes.every((b, i) => sample[i] === b);
}

/**
 * BOM-less UTF-32: every code point is below 0x110000, so of each 4 bytes the
 * top one is NUL, and the next one too for the BMP; in mostly-ASCII text the
 * low byte is not.
 */
function guessUtf32(sample: Uint8Array): string | null {
  const n = Math.min(sample.length, 4096) & ~3;
  if (n < 8) return null;
  const zeros = [0, 0, 0, 0];
  for (let i = 0; i < n; i++) if (sample[i] === 0) zeros[i & 3]++;
  const quads = n / 4;
  if (zeros[3] === quads && zeros[2] >= 0.9 * quads && zeros[0] < 0.05 * quads) return 'utf-32le';
  if (zeros[0] === quads && zeros[1] >= 0.9 * quads && zeros[3] < 0.05 * quads) return 'utf-32be';
  return null;
}

/** BOM-less UTF-16 of mostly-ASCII text: every other byte is NUL. */
function guessUtf16(sample: Uint8Array): string | null {
  const n = Math.min(sample.length, 4096) & ~1;
  if (n < 4) return null;
  let evenZeros = 0;
  let oddZeros = 0;
  for (let i = 0; i < n; i += 2) {
    if (sample[i] === 0) evenZeros++;
    if (sample[i + 1] === 0) oddZeros++;
  }
  const pairs = n / 2;
  if (oddZeros > 0.4 * pairs && evenZeros < 0.05 * pairs) return 'utf-16le';
  if (evenZeros > 0.4 * pairs && oddZeros < 0.05 * pairs) return 'utf-16be';
  return null;
}

/** NUL bytes, or more than 5 % control characters other than tab/CR/LF/FF. */
function looksBinary(sample: Uint8Array): boolean {
  let control = 0;
  for (let i = 0; i < sample.length; i++) {
    const b = sample[i];
    if (b === 0) return true;
    if (b < 32 && b !== 9 && b !== 10 && b !== 13 && b !== 12) control++;
  }
  return control > 0.05 * sample.length;
}

/**
 * The encoding of a file from its first ENCODING_SAMPLE_BYTES (a longer
 * sample is cut to that): a BOM (UTF-32's before UTF-16's, which it starts
 * with); the NUL pattern of BOM-less UTF-32 or UTF-16; valid UTF-8 (plain
 * ASCII included); else, line by line, the legacy encoding (GB18030, a
 * superset of GBK; Big5; Shift_JIS; EUC-JP; EUC-KR) whose reading of the
 * lines that are not UTF-8 has the largest share of common characters —
 * windows-1252 when none looks right (Western Excel exports). A sample
 * with valid UTF-8 lines that the legacy encoding does not read well is
 * mixed: utf-8, whose reading marks the other lines' bytes as replaced.
 * Throws file.spreadsheet for Excel workbooks, file.binary for other
 * binary content.
 */
export function detectEncoding(whole: Uint8Array): DetectedEncoding {
  const sample = whole.subarray(0, ENCODING_SAMPLE_BYTES);
  if (startsWith(sample, [0xef, 0xbb, 0xbf])) return { encoding: 'utf-8', confidence: 'bom' };
  if (startsWith(sample, [0xff, 0xfe, 0, 0])) return { encoding: 'utf-32le', confidence: 'bom' };
  if (startsWith(sample, [0, 0, 0xfe, 0xff])) return { encoding: 'utf-32be', confidence: 'bom' };
  if (startsWith(sample, [0xff, 0xfe])) return { encoding: 'utf-16le', confidence: 'bom' };
  if (startsWith(sample, [0xfe, 0xff])) return { encoding: 'utf-16be', confidence: 'bom' };
  // .xlsx is a zip archive; .xls an OLE2 compound file.
  if (
    startsWith(sample, [0x50, 0x4b, 0x03, 0x04]) ||
    startsWith(sample, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])
  ) {
    throw new EngineError('file.spreadsheet');
  }
  const wide = guessUtf32(sample) ?? guessUtf16(sample);
  if (wide) return { encoding: wide, confidence: 'guess' };
  if (looksBinary(sample)) throw new EngineError('file.binary');
  if (decodes(sample, 'utf-8') !== null) return { encoding: 'utf-8', confidence: 'valid' };

  const lines = nonAsciiLines(sample);
  const utf8 = lines.filter((line) => decodes(line, 'utf-8') !== null);
  const other = lines.filter((line) => decodes(line, 'utf-8') === null);
  const legacy = bestLegacy(other);
  // A short line of legacy bytes can be valid UTF-8 by chance (GBK 女 is
  // C5 AE, UTF-8 for Ů): such lines read well in the legacy encoding too.
  if (legacy && (utf8.length === 0 || legacyShare(utf8, legacy) >= MIN_COMMON_SHARE)) {
    return { encoding: legacy.encoding, confidence: 'guess' };
  }
  if (legacy || utf8.length > other.length) {
    return { encoding: 'utf-8', confidence: 'guess', mixed: { other: legacy?.encoding ?? null } };
  }
  return { encoding: 'windows-1252', confidence: 'guess' };
}

/**
 * UTF-16 or UTF-32 (LE/BE) when `sample` starts with its BOM or has its NUL
 * pattern (as detectEncoding decides), else null: the formats whose text a
 * byte-wise sniff cannot read (read.ts's detectFormat).
 */
export function wideEncoding(sample: Uint8Array): string | null {
  if (startsWith(sample, [0xef, 0xbb, 0xbf])) return null;
  if (startsWith(sample, [0xff, 0xfe, 0, 0])) return 'utf-32le';
  if (startsWith(sample, [0, 0, 0xfe, 0xff])) return 'utf-32be';
  if (startsWith(sample, [0xff, 0xfe])) return 'utf-16le';
  if (startsWith(sample, [0xfe, 0xff])) return 'utf-16be';
  return guessUtf32(sample) ?? guessUtf16(sample);
}

/**
 * The text of a file's first bytes in `encoding`, its BOM dropped; a
 * character cut by the end of the sample is left out, not replaced.
 */
export function decodeSample(sample: Uint8Array, encoding: string): string {
  return decoderFor(encoding, false).decode(sample, { stream: true });
}

/** What decodeStream needs of a decoder: TextDecoder's decode. */
interface StreamDecoder {
  decode(input?: Uint8Array, options?: { stream?: boolean }): string;
}

/**
 * UTF-32 (little- or big-endian), which TextDecoder lacks. Four bytes per
 * code point; one past U+10FFFF or a surrogate becomes U+FFFD, as do bytes
 * left over at the end. A leading BOM is dropped unless `keepBom`.
 */
class Utf32Decoder implements StreamDecoder {
  private carry = new Uint8Array(0);
  private atStart = true;

  constructor(
    private readonly littleEndian: boolean,
    private readonly keepBom: boolean,
  ) {}

  decode(input: Uint8Array = new Uint8Array(0), options: { stream?: boolean } = {}): string {
    let bytes = input;
    if (this.carry.length > 0) {
      bytes = new Uint8Array(this.carry.length + input.length);
      bytes.set(this.carry);
      bytes.set(input, this.carry.length);
    }
    const whole = bytes.length & ~3;
    const view = new DataView(bytes.buffer, bytes.byteOffset, whole);
    const units = new Uint16Array(whole / 2);
    let n = 0;
    for (let i = 0; i < whole; i += 4) {
      const c = view.getUint32(i, this.littleEndian);
      if (this.atStart) {
        this.atStart = false;
        if (c === 0xfeff && !this.keepBom) continue;
      }
      if (c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) {
        units[n++] = 0xfffd;
      } else if (c >= 0x10000) {
        units[n++] = 0xd800 + ((c - 0x10000) >> 10);
        units[n++] = 0xdc00 + ((c - 0x10000) & 0x3ff);
      } else {
        units[n++] = c;
      }
    }
    this.carry = bytes.slice(whole);
    let text = '';
    // In slices: fromCharCode takes its arguments on the stack.
    for (let i = 0; i < n; i += 8192) {
      text += String.fromCharCode(...units.subarray(i, Math.min(i + 8192, n)));
    }
    if (!options.stream && this.carry.length > 0) {
      this.carry = new Uint8Array(0);
      text += '\ufffd';
    }
    if (!options.stream) this.atStart = true;
    return text;
  }
}

const UTF32 = new Set(['utf-32le', 'utf-32be']);

/** The decoder for `encoding`; EngineError encoding.unsupported if there is none. */
function decoderFor(encoding: string, keepBom: boolean): StreamDecoder {
  const label = encoding.trim().toLowerCase();
  if (UTF32.has(label)) return new Utf32Decoder(label === 'utf-32le', keepBom);
  try {
    return new TextDecoder(label, { ignoreBOM: keepBom });
  } catch {
    throw new EngineError('encoding.unsupported', { encoding });
  }
}

/**
 * Whether a file in `encoding` can be cut just after any 0x0A byte (see
 * ./parts.ts): not UTF-16 or UTF-32 (0x0A can be half of a character) nor
 * ISO-2022-JP (escape sequences switch a state that a cut would lose).
 */
export function cutsAtLineFeed(encoding: string): boolean {
  let name = encoding.trim().toLowerCase();
  if (!UTF32.has(name)) {
    try {
      name = new TextDecoder(name).encoding;
    } catch {
      return false;
    }
  }
  return !(name.startsWith('utf-16') || name.startsWith('utf-32') || name === 'iso-2022-jp');
}

/**
 * Decodes a byte stream chunk by chunk. Stream mode carries a multi-byte
 * character split across chunks over to the next one; a BOM is dropped
 * unless `keepBom` (text that does not start a file, where U+FEFF is a
 * character). Invalid bytes become U+FFFD (see InvalidText).
 */
export async function* decodeStream(
  chunks: AsyncIterable<Uint8Array>,
  encoding: string,
  keepBom = false,
): AsyncGenerator<string> {
  const decoder = decoderFor(encoding, keepBom);
  for await (const chunk of chunks) {
    const text = decoder.decode(chunk, { stream: true });
    if (text.length > 0) yield text;
  }
  const tail = decoder.decode();
  if (tail.length > 0) yield tail;
}

/** Where, in decoded text, the decoder put U+FFFD for bytes it could not read. */
export interface DecodingReport {
  /** Characters replaced. */
  replaced: number;
  /** Line feeds in the text: a next piece of text starts on line lineFeeds + 1. */
  lineFeeds: number;
  /** Lines (1-based) holding a U+FFFD: how many, and the first (0 if none). */
  lines: number;
  firstLine: number;
  /** A line with no U+FFFD had characters beyond ASCII: some of the text is in the encoding read. */
  decodedNonAscii: boolean;
  /** Reading UTF-8: the bytes of the first lines holding a U+FFFD (up to SAMPLE_LINES). */
  samples: Uint8Array[];
}

export function emptyReport(): DecodingReport {
  return { replaced: 0, lineFeeds: 0, lines: 0, firstLine: 0, decodedNonAscii: false, samples: [] };
}

/** How many undecodable lines are kept to tell the encoding they are in, and how much of each. */
const SAMPLE_LINES = 8;
const SAMPLE_LINE_BYTES = 4096;
/** Any character but ASCII and U+FFFD. */
const NON_ASCII = /[\u0080-\ufffc\ufffe\uffff]/g;

/**
 * Counts the replaced characters of decoded text, piece by piece, and the
 * lines they are on, so a warning can say where a file is not in the
 * encoding it was read with (such as a UTF-8 export joined with a GBK one),
 * and whether the rest is (decodedNonAscii). Reading UTF-8, it also keeps
 * the bytes of the first such lines (bytes() passes the byte stream through
 * to see them), for decodingWarnings to tell which encoding they are in.
 * Every count is per line, so the report does not depend on how the bytes
 * were chunked.
 */
export class InvalidText {
  readonly report = emptyReport();
  private lastLine = 0;
  /** The current line of text so far holds a U+FFFD; another non-ASCII character. */
  private lineReplaced = false;
  private lineNonAscii = false;
  // The byte side (UTF-8 only): chunks not yet looked at, the line they are
  // at, the pieces of that line so far, and the lines wanted (holding a U+FFFD).
  private collecting: boolean;
  private queue: Uint8Array[] = [];
  private byteLine = 1;
  private pieces: Uint8Array[] = [];
  private pieceBytes = 0;
  private wanted: number[] = [];

  constructor(encoding: string) {
    this.collecting = /^utf-?8$/i.test(encoding.trim());
  }

  get replaced(): number {
    return this.report.replaced;
  }

  /** Passes a byte stream through, keeping its chunks until push has seen their text. */
  async *bytes(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
    for await (const chunk of chunks) {
      if (this.collecting) this.queue.push(chunk);
      yield chunk;
    }
  }

  push(text: string): void {
    const report = this.report;
    let feed = text.indexOf('\n');
    let bad = text.indexOf('\ufffd');
    // Walk the line feeds, U+FFFDs and (until one is found on a clean line)
    // other non-ASCII characters in text order.
    let other = this.nextNonAscii(text, 0);
    for (;;) {
      const next = Math.min(
        feed < 0 ? Infinity : feed,
        bad < 0 ? Infinity : bad,
        other < 0 ? Infinity : other,
      );
      if (next === Infinity) break;
      if (next === feed) {
        this.endLine();
        report.lineFeeds++;
        feed = text.indexOf('\n', feed + 1);
      } else if (next === bad) {
        report.replaced++;
        this.lineReplaced = true;
        const line = report.lineFeeds + 1;
        if (line !== this.lastLine) {
          this.lastLine = line;
          report.lines++;
          if (report.firstLine === 0) report.firstLine = line;
          if (this.collecting && report.lines <= SAMPLE_LINES) this.wanted.push(line);
        }
        bad = text.indexOf('\ufffd', bad + 1);
      } else {
        this.lineNonAscii = true;
        // The rest of this line's non-ASCII characters tell nothing more.
        other = feed < 0 ? -1 : this.nextNonAscii(text, feed + 1);
      }
    }
    // Every line feed of the chunks queued is in the text by now (a decoder
    // holds back only the bytes of a character cut at a chunk's end).
    this.drain(false);
  }

  /** The text's end: its last line, if it has no line feed, counts too. */
  finish(): DecodingReport {
    this.endLine();
    this.drain(true);
    return this.report;
  }

  private endLine(): void {
    if (this.lineNonAscii && !this.lineReplaced) this.report.decodedNonAscii = true;
    this.lineNonAscii = false;
    this.lineReplaced = false;
  }

  private nextNonAscii(text: string, from: number): number {
    if (this.report.decodedNonAscii) return -1;
    NON_ASCII.lastIndex = from;
    return NON_ASCII.exec(text)?.index ?? -1;
  }

  /** Follows the queued bytes line by line, keeping the wanted lines; at the end, the last line too. */
  private drain(end: boolean): void {
    for (const chunk of this.queue) {
      let start = 0;
      for (let f = chunk.indexOf(0x0a); f >= 0 && this.collecting; f = chunk.indexOf(0x0a, start)) {
        if (this.wanted[0] === this.byteLine) this.keep(chunk.subarray(start, f + 1));
        this.pieces = [];
        this.pieceBytes = 0;
        this.byteLine++;
        start = f + 1;
      }
      if (start < chunk.length && this.collecting) this.addPiece(chunk.subarray(start));
    }
    this.queue = [];
    if (end && this.collecting && this.wanted[0] === this.byteLine) this.keep(new Uint8Array(0));
  }

  /** Part of the current line; only the first SAMPLE_LINE_BYTES of a line are kept. */
  private addPiece(piece: Uint8Array): void {
    if (this.pieceBytes >= SAMPLE_LINE_BYTES) return;
    const take = piece.subarray(0, SAMPLE_LINE_BYTES - this.pieceBytes);
    this.pieces.push(take);
    this.pieceBytes += take.length;
  }

  /** Keeps the current line (ending with `last`) as a sample: a copy, so no whole chunk goes with it to another worker. */
  private keep(last: Uint8Array): void {
    this.addPiece(last);
    this.wanted.shift();
    const line = new Uint8Array(this.pieceBytes);
    let at = 0;
    for (const piece of this.pieces) {
      line.set(piece, at);
      at += piece.length;
    }
    this.report.samples.push(line);
    if (this.report.samples.length >= SAMPLE_LINES) this.collecting = false;
  }
}

/** The report of two pieces of text, `next` right after `before` (the parts of a file, in order). */
export function appendReport(before: DecodingReport, next: DecodingReport): DecodingReport {
  return {
    replaced: before.replaced + next.replaced,
    lineFeeds: before.lineFeeds + next.lineFeeds,
    lines: before.lines + next.lines,
    firstLine:
      before.firstLine > 0 || next.firstLine === 0
        ? before.firstLine
        : before.lineFeeds + next.firstLine,
    decodedNonAscii: before.decodedNonAscii || next.decodedNonAscii,
    samples: [...before.samples, ...next.samples].slice(0, SAMPLE_LINES),
  };
}

/**
 * The warnings of a file's decoding: none if every byte decoded. Else where
 * (encoding.invalid-bytes: how many characters and lines, the first line),
 * and what the undecodable lines look like when the sample did not already
 * say so (`said`): the file mixes encodings (encoding.mixed) if other lines
 * decoded non-ASCII text, else it is in that encoding (encoding.looks-like).
 * `hiddenLines`: leading lines the user does not see as rows (Excel's
 * `sep=` line, see ./csv.ts), left out of the line named, as out of rows.
 */
export function decodingWarnings(
  encoding: string,
  report: DecodingReport,
  said: boolean,
  hiddenLines = 0,
): { code: string; params: Record<string, string | number> }[] {
  if (report.replaced === 0) return [];
  const warnings: { code: string; params: Record<string, string | number> }[] = [];
  const other = said ? null : (bestLegacy(report.samples)?.encoding ?? null);
  if (other) {
    warnings.push({
      code: report.decodedNonAscii ? 'encoding.mixed' : 'encoding.looks-like',
      params: { encoding, other },
    });
  }
  warnings.push({
    code: 'encoding.invalid-bytes',
    params: {
      count: report.replaced,
      encoding,
      line: Math.max(report.firstLine - hiddenLines, 1),
      lines: report.lines,
    },
  });
  return warnings;
}

/**
 * A ReadableStream's chunks as an AsyncIterable (Blob.stream() is not async
 * iterable in every browser yet).
 */
export async function* streamChunks(
  stream: ReadableStream<Uint8Array>,
): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

/** Groups of the encoding override list (names in the catalogue: data.encoding.group.*). */
export type EncodingGroup =
  | 'unicode'
  | 'chinese-simplified'
  | 'chinese-traditional'
  | 'japanese'
  | 'korean'
  | 'western'
  | 'central-european'
  | 'cyrillic'
  | 'greek'
  | 'turkish'
  | 'hebrew'
  | 'arabic'
  | 'baltic'
  | 'vietnamese'
  | 'thai'
  | 'other';

/**
 * Every encoding the Data cell offers: each one the WHATWG Encoding
 * Standard gives TextDecoder (by the label TextDecoder reports back, named
 * as the standard names it), and UTF-32, decoded here. ISO-8859-1 and
 * ISO-8859-9 are windows-1252 and windows-1254 in the standard.
 */
export const ENCODINGS: readonly { label: string; name: string; group: EncodingGroup }[] = [
  { label: 'utf-8', name: 'UTF-8', group: 'unicode' },
  { label: 'utf-16le', name: 'UTF-16LE', group: 'unicode' },
  { label: 'utf-16be', name: 'UTF-16BE', group: 'unicode' },
  { label: 'utf-32le', name: 'UTF-32LE', group: 'unicode' },
  { label: 'utf-32be', name: 'UTF-32BE', group: 'unicode' },
  { label: 'gb18030', name: 'GB18030', group: 'chinese-simplified' },
  { label: 'gbk', name: 'GBK', group: 'chinese-simplified' },
  { label: 'big5', name: 'Big5', group: 'chinese-traditional' },
  { label: 'shift_jis', name: 'Shift_JIS', group: 'japanese' },
  { label: 'euc-jp', name: 'EUC-JP', group: 'japanese' },
  { label: 'iso-2022-jp', name: 'ISO-2022-JP', group: 'japanese' },
  { label: 'euc-kr', name: 'EUC-KR', group: 'korean' },
  { label: 'windows-1252', name: 'windows-1252 (ISO-8859-1)', group: 'western' },
  { label: 'iso-8859-15', name: 'ISO-8859-15', group: 'western' },
  { label: 'macintosh', name: 'macintosh', group: 'western' },
  { label: 'iso-8859-3', name: 'ISO-8859-3', group: 'western' },
  { label: 'iso-8859-10', name: 'ISO-8859-10', group: 'western' },
  { label: 'iso-8859-14', name: 'ISO-8859-14', group: 'western' },
  { label: 'windows-1250', name: 'windows-1250', group: 'central-european' },
  { label: 'iso-8859-2', name: 'ISO-8859-2', group: 'central-european' },
  { label: 'iso-8859-16', name: 'ISO-8859-16', group: 'central-european' },
  { label: 'windows-1251', name: 'windows-1251', group: 'cyrillic' },
  { label: 'koi8-r', name: 'KOI8-R', group: 'cyrillic' },
  { label: 'koi8-u', name: 'KOI8-U', group: 'cyrillic' },
  { label: 'iso-8859-5', name: 'ISO-8859-5', group: 'cyrillic' },
  { label: 'ibm866', name: 'IBM866', group: 'cyrillic' },
  { label: 'x-mac-cyrillic', name: 'x-mac-cyrillic', group: 'cyrillic' },
  { label: 'windows-1253', name: 'windows-1253', group: 'greek' },
  { label: 'iso-8859-7', name: 'ISO-8859-7', group: 'greek' },
  { label: 'windows-1254', name: 'windows-1254 (ISO-8859-9)', group: 'turkish' },
  { label: 'windows-1255', name: 'windows-1255', group: 'hebrew' },
  { label: 'iso-8859-8', name: 'ISO-8859-8', group: 'hebrew' },
  { label: 'iso-8859-8-i', name: 'ISO-8859-8-I', group: 'hebrew' },
  { label: 'windows-1256', name: 'windows-1256', group: 'arabic' },
  { label: 'iso-8859-6', name: 'ISO-8859-6', group: 'arabic' },
  { label: 'windows-1257', name: 'windows-1257', group: 'baltic' },
  { label: 'iso-8859-4', name: 'ISO-8859-4', group: 'baltic' },
  { label: 'iso-8859-13', name: 'ISO-8859-13', group: 'baltic' },
  { label: 'windows-1258', name: 'windows-1258', group: 'vietnamese' },
  { label: 'windows-874', name: 'windows-874', group: 'thai' },
  { label: 'x-user-defined', name: 'x-user-defined', group: 'other' },
];

/**
 * Whether this runtime can decode `label`: every browser has the whole
 * standard, but Node, for one, lacks ISO-8859-16 and x-user-defined.
 */
export function canDecode(label: string): boolean {
  try {
    decoderFor(label, false);
    return true;
  } catch {
    return false;
  }
}

/** An encoding's name as the override list shows it (the label itself if not listed). */
export function encodingName(label: string): string {
  return ENCODINGS.find((e) => e.label === label)?.name ?? label;
}
