// The column builders of the delimited ingest ("sinks"): each takes a
// column's cells one at a time, as strings or as spans of the decoded text,
// and fills a growable typed buffer — numbers, booleans and dates as a
// Float64Array (NaN missing), strings as dictionary codes (-1 missing).
// Pure; runs wherever the ingest runs (./ingest.ts, ./tableBuilder.ts).

import {
  isMissing,
  isWideWholeNumber,
  mayBeMissingSpan,
  parseBooleanSpan,
  parseIsoDateSpan,
  parsePlainNumberSpan,
  valueParser,
  type ColumnInference,
} from './infer';
import { StringInterner } from './interner';
import type { DelimitedPlan } from './ingestTypes';
import { DAY_MS } from '../units';

/** A deferred string column interns its values in batches of this many (see StringSink). */
const SETTLE_EVERY = 1 << 20;

function growFloat(a: Float64Array, needed: number): Float64Array {
  if (needed <= a.length) return a;
  const b = new Float64Array(Math.max(needed, a.length * 2));
  b.set(a);
  return b;
}

function growInt(a: Int32Array, needed: number): Int32Array {
  if (needed <= a.length) return a;
  const b = new Int32Array(Math.max(needed, a.length * 2));
  b.set(a);
  return b;
}

/**
 * A column being filled. `add` returns false when a value does not parse;
 * `addSpan` is the same for `text.slice(start, end)`, mostly without slicing.
 */
export interface Sink {
  add(s: string): boolean;
  addSpan(text: string, start: number, end: number): boolean;
}

/** A fast path reading a cell in place; NaN means "not taken" (see infer.ts). */
type SpanParser = (text: string, start: number, end: number) => number;

function spanParser(inference: ColumnInference): SpanParser | null {
  switch (inference.type) {
    case 'integer':
    case 'decimal':
      return (inference.numberStyle ?? 'dot') === 'dot' ? parsePlainNumberSpan : null;
    case 'date':
      return (inference.dateFormat ?? 'ymd') === 'ymd' ? parseIsoDateSpan : null;
    case 'boolean':
      return parseBooleanSpan;
    default:
      return null;
  }
}

/** A numeric column (numbers, booleans, dates) in a growable Float64Array; NaN is missing. */
export class NumberSink implements Sink {
  values: Float64Array;
  length = 0;
  private readonly spanParse: SpanParser | null;
  /**
   * Decimal columns: called with the first value that is a whole number
   * beyond 2^53 written in full, which the column holds rounded (the span
   * path never takes one: it has more than 15 digits).
   */
  onRounded: ((value: string) => void) | null = null;
  constructor(
    capacity: number,
    readonly inference: ColumnInference,
    readonly parse: (s: string) => number,
    /** Words the sample used for true and false, to render a demoted boolean. */
    readonly booleanWords: [string, string],
  ) {
    this.values = new Float64Array(capacity);
    this.spanParse = spanParser(inference);
  }

  addSpan(text: string, start: number, end: number): boolean {
    // Empty cells are missing; plain cells parse in place; the rest (other
    // missing markers, formatted numbers, bad values) take the full parser.
    const v =
      start === end ? NaN : this.spanParse !== null ? this.spanParse(text, start, end) : NaN;
    if (v !== v && start !== end) return this.add(text.slice(start, end));
    if (this.length === this.values.length) this.values = growFloat(this.values, this.length + 1);
    this.values[this.length++] = v;
    return true;
  }

  add(s: string): boolean {
    let v = this.parse(s);
    if (v !== v) {
      if (!isMissing(s)) return false;
      v = NaN;
    } else if (
      this.onRounded !== null &&
      Math.abs(v) > Number.MAX_SAFE_INTEGER &&
      isWideWholeNumber(s, this.inference.numberStyle ?? 'dot')
    ) {
      this.onRounded(s);
      this.onRounded = null;
    }
    if (this.length === this.values.length) this.values = growFloat(this.values, this.length + 1);
    this.values[this.length++] = v;
    return true;
  }

  render(v: number): string {
    return renderValue(this.inference, this.booleanWords, v);
  }
}

/**
 * How a value of a numeric column reads once its column is demoted to
 * strings: numbers canonically, dates in ISO form, booleans in the sample's
 * own words.
 */
export function renderValue(
  inference: ColumnInference,
  booleanWords: [string, string],
  v: number,
): string {
  switch (inference.type) {
    case 'boolean':
      return v ? booleanWords[0] : booleanWords[1];
    case 'date':
    case 'datetime': {
      const iso = new Date(v).toISOString();
      return v % DAY_MS === 0 ? iso.slice(0, 10) : iso.replace('T', ' ').replace(/\.000Z$|Z$/, '');
    }
    default:
      return String(v);
  }
}

/** How a StringSink keeps its values. */
export interface StringSinkOptions {
  /** The numeric column this one was demoted from: its values are rendered the old way. */
  demotedFrom?: NumberSink;
  /** Keep new values as slices of the text (see PartOptions.attached). */
  attached?: boolean;
  /** Intern the values in batches (see StringSink). */
  deferred?: boolean;
}

/**
 * Dictionary-encoded strings. A column demoted from a numeric type keeps
 * rendering the values that still parse the old way, so "$1.50" reads "1.5"
 * before and after the demotion point alike; only failures are kept raw.
 *
 * A column of mostly distinct values is not interned cell by cell: its
 * values are deferred (StringInterner.defer), each code meanwhile being the
 * value's position in the dictionary, where it may repeat a value, and
 * interned in batches of up to SETTLE_EVERY values (settle()). Probing a
 * table of a million values in between the tokenizer's passes over the
 * text missed the cache on nearly every cell; the bench file's ids and
 * e-mails took ~1.0 s of a 3.4 s parse that way, ~0.5 s deferred (Node 20).
 * The batches bound what a column that repeats after a distinct sample
 * holds beyond its distinct values.
 */
export class StringSink implements Sink {
  codes: Int32Array;
  length = 0;
  private readonly interner = new StringInterner();
  readonly demotedFrom: NumberSink | null;
  private readonly attached: boolean;
  private readonly deferred: boolean;
  /** Rows before this one have their final codes (see settle). */
  private settledRows = 0;
  /** Values that failed the type this column had before demotion. */
  invalid = 0;
  /** Where a numeric column was demoted: the row and the value that did not parse. */
  demotion: { row: number; value: string } | null = null;
  constructor(capacity: number, options: StringSinkOptions = {}) {
    this.codes = new Int32Array(capacity);
    this.demotedFrom = options.demotedFrom ?? null;
    this.attached = options.attached ?? false;
    this.deferred = options.deferred ?? false;
  }

  /**
   * Distinct values; index = code. Before settle(), a deferred column's
   * last values are there as they came, repeats included: codes still index
   * it, so the rows read so far can be encoded as they are.
   */
  get dictionary(): string[] {
    return this.interner.values;
  }

  addSpan(text: string, start: number, end: number): boolean {
    if (start === end) return this.push(-1);
    // A cell that could be a missing marker or has surrounding whitespace
    // (see mayBeMissingSpan), or that a demoted column re-renders, takes the
    // string path; the rest is interned in place.
    const maybeMarker = mayBeMissingSpan(text, start, end);
    if (maybeMarker || this.demotedFrom) return this.add(text.slice(start, end));
    if (this.deferred)
      return this.pushDeferred(this.interner.defer(text, start, end, this.attached));
    return this.push(this.interner.intern(text, start, end, this.attached));
  }

  add(s: string): boolean {
    if (isMissing(s)) return this.put(null);
    if (!this.demotedFrom) return this.put(s);
    const v = this.demotedFrom.parse(s);
    if (v === v) return this.put(this.demotedFrom.render(v));
    this.invalid++;
    return this.put(s);
  }

  /** Interns a deferred column's values so far (see above); their codes become final. */
  settle(): void {
    if (this.interner.deferred === 0) return;
    const { base, codes: remap } = this.interner.settle();
    const codes = this.codes;
    // Every present code since the last settle is provisional.
    for (let i = this.settledRows; i < this.length; i++) {
      const c = codes[i];
      if (c >= 0) codes[i] = remap[c - base];
    }
    this.settledRows = this.length;
  }

  /** The interner's slot table, as it is, once settled (for merging parts, see StringInterner.merge). */
  table(): Int32Array {
    return this.interner.state().table;
  }

  /** Appends a value as is; null is missing. */
  put(text: string | null): boolean {
    if (text === null) return this.push(-1);
    if (this.deferred) return this.pushDeferred(this.interner.deferString(text));
    return this.push(this.interner.internString(text));
  }

  private pushDeferred(code: number): boolean {
    this.push(code);
    if (this.interner.deferred >= SETTLE_EVERY) this.settle();
    return true;
  }

  private push(code: number): boolean {
    if (this.length === this.codes.length) this.codes = growInt(this.codes, this.length + 1);
    this.codes[this.length++] = code;
    return true;
  }
}

/**
 * One sink per column of the plan, each with room for `capacity` rows:
 * numbers for the numeric types, strings (deferred when mostly distinct)
 * for the rest. `attached`: see PartOptions.
 */
export function createSinks(
  plan: DelimitedPlan,
  capacity: number,
  { attached = false }: { attached?: boolean } = {},
): (NumberSink | StringSink)[] {
  return plan.inference.map((inference, j) => {
    const parse = valueParser(inference);
    return parse
      ? new NumberSink(capacity, inference, parse, plan.booleanWords[j])
      : new StringSink(capacity, { attached, deferred: plan.mostlyDistinct[j] });
  });
}
