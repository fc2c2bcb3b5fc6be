// String → dictionary code, for building dictionary-encoded string columns
// (the CSV ingest, merging Arrow chunk dictionaries, any column made value by
// value: dictionaryEncode). Pure; runs in the worker and in Node tests.
//
// Why not a Map<string, number>: the ingest would have to slice a string out
// of the chunk for every cell just to look it up, and for a column of a
// million distinct ids a Map was the largest single cost of the ingest. This
// open-addressing table hashes the characters where they lie, compares
// candidates in place (startsWith), and slices only a value it has not seen.
// Measured on 1,000,000 distinct ids in Node 20: about twice as fast as a Map.
//
// For a column of distinct values nearly every lookup is a cache miss on a
// table of ~2M slots, so a slot holds both the code and the hash: one
// Int32Array of [code + 1, hash] pairs, one miss per probe instead of two
// (slots, then hashes by code). Growing re-inserts from the old table in slot
// order, without rehashing strings. Node 20.20, 1M distinct ids + 1M distinct
// e-mails sliced out of 1 MB chunks (a local benchmark, medians of 11):
// 1005 ms before, 911 ms with this layout, 919 ms with the join copy of
// detachedSlice below, 811 ms with both. Tried and dropped, no faster:
// MurmurHash3 over pairs of code units; comparing in a JS loop instead of
// startsWith; a Uint8/Uint16 tag per slot in a smaller array probed first
// (slower: 1.0-1.1 s).

/**
 * An interner as plain data (its values and its slot table), to hand it to
 * another worker or another interner (see StringInterner.state, merge).
 */
export interface InternerState {
  values: string[];
  table: Int32Array;
}

export class StringInterner {
  /** Distinct values, in order of first appearance; index = code. */
  readonly values: string[];
  /**
   * Two entries per slot: code + 1 (0 = empty slot), then the value's hash.
   * At most half the slots are used.
   */
  private table: Int32Array;
  /** Values [0, interned) are in the table; the rest were deferred (see defer). */
  private interned: number;
  /** Hashes of the deferred values. */
  private deferredHashes = new Int32Array(0);

  /**
   * `expected`: how many distinct values the caller may add, when it knows
   * (merging Arrow chunk dictionaries: at most the sum of their lengths), so
   * that the table is sized once instead of growing and re-inserting ~20
   * times on the way to a million values. Or another interner's state (see
   * state()) to carry on from, taking its arrays as they are.
   */
  constructor(expected: number | InternerState = 256) {
    if (typeof expected === 'number') {
      this.values = [];
      this.table = new Int32Array(2 * slotsFor(expected));
    } else {
      this.values = expected.values;
      this.table = expected.table;
    }
    this.interned = this.values.length;
  }

  /** Values deferred since the last settle(). */
  get deferred(): number {
    return this.values.length - this.interned;
  }

  /**
   * Adds `text.slice(start, end)` (copied out unless `attached`, see
   * intern) without looking it up: its code is provisional, its position in
   * `values`, where it may repeat a value, until settle() interns every
   * value deferred since the last one. For a column of mostly distinct
   * values (ids, e-mails) this is ~2× faster than interning each value as it
   * comes: between the tokenizer's passes over the text, nearly every probe
   * of a table of a million values missed the cache (see ./ingest.ts,
   * StringSink). No other method may be called while values are deferred.
   */
  defer(text: string, start: number, end: number, attached = false): number {
    return this.deferValue(ownSlice(text, start, end, attached), hashSpan(text, start, end));
  }

  deferString(s: string): number {
    return this.deferValue(s, hashSpan(s, 0, s.length));
  }

  private deferValue(s: string, h: number): number {
    const code = this.values.length;
    const k = code - this.interned;
    if (k === this.deferredHashes.length) {
      const grown = new Int32Array(Math.max(1024, 2 * k));
      grown.set(this.deferredHashes);
      this.deferredHashes = grown;
    }
    this.values.push(s);
    this.deferredHashes[k] = h;
    return code;
  }

  /**
   * Interns the values deferred since the last settle: the code of
   * provisional code `base + k` is `codes[k]` (codes below `base` are
   * final already).
   */
  settle(): { base: number; codes: Int32Array } {
    const base = this.interned;
    const pending = this.values.splice(base);
    // The hashes' buffer stays for the next batch.
    const codes = this.internHashed(pending, this.deferredHashes.subarray(0, pending.length));
    return { base, codes };
  }

  /**
   * The values and the table, as they are (not copies). An interner made
   * from them (new StringInterner(state)) shares them: this one must then
   * no longer be used.
   */
  state(): InternerState {
    this.checkSettled();
    return { values: this.values, table: this.table };
  }

  private checkSettled(): void {
    if (this.values.length !== this.interned) throw new Error('deferred values: settle() first');
  }

  /**
   * Code of `text.slice(start, end)`, adding it when new. A new value is
   * copied out of `text` (see detachedSlice) unless `attached`: for a caller
   * whose `text` holds only values it keeps (a decoded Arrow dictionary).
   */
  intern(text: string, start: number, end: number, attached = false): number {
    this.checkSettled();
    const h = hashSpan(text, start, end);
    const table = this.table;
    // Index of a slot's first entry: even, so `& mask` keeps it even.
    const mask = table.length - 2;
    const length = end - start;
    let at = (h << 1) & mask;
    for (;;) {
      const entry = table[at];
      if (entry === 0) break;
      if (table[at + 1] === h) {
        const known = this.values[entry - 1];
        if (known.length === length && text.startsWith(known, start)) return entry - 1;
      }
      at = (at + 2) & mask;
    }
    return this.insert(ownSlice(text, start, end, attached), h, at);
  }

  /** Adds a new value with hash `h` into the empty slot at `at`; its code. */
  private insert(value: string, h: number, at: number): number {
    const code = this.values.length;
    this.values.push(value);
    this.interned++;
    this.table[at] = code + 1;
    this.table[at + 1] = h;
    if (4 * this.values.length > this.table.length) this.grow(2 * this.table.length);
    return code;
  }

  /** Code of a whole string, adding it when new. */
  internString(s: string): number {
    return this.intern(s, 0, s.length);
  }

  /**
   * Codes here of another interner's values (its state(), which is left as
   * it was), adding the new ones in their order. No string is hashed again:
   * merging the dictionaries of a file read in parts (./parts.ts) costs a
   * probe per value.
   */
  merge(other: InternerState): Int32Array {
    return this.internHashed(other.values, hashesByCode(other));
  }

  /**
   * Codes of `values` (duplicates allowed), whose hashes (hashSpan) are
   * given, adding the new ones in their order. Strings are compared only
   * when hashes are equal.
   *
   * The values are looked up in order of their home slot, not in their own
   * order: for a million mostly new values, probing in their own order
   * missed the cache (and the TLB) on nearly every one, ~150-300 ns each
   * (Node 20, this machine); walking the table from start to end instead
   * lets the hardware see the next slots coming. Codes are then given in
   * the values' own order, so they are the same either way.
   */
  internHashed(values: readonly string[], hashes: Int32Array): Int32Array {
    this.checkSettled();
    const n = values.length;
    // Room for all of them at once (so nothing below grows the table): at
    // most one re-insert of what is here.
    const needed = 2 * slotsFor(this.values.length + n);
    if (needed > this.table.length) this.grow(needed);
    const table = this.table;
    const mask = table.length - 2;
    const { order, sorted } = byHomeSlot(hashes, n, mask);
    // 1. In slot order: each value's code (>= 0), or -1 - k for the first
    //    value k equal to it that is new here. A new value k is entered in
    //    the table as -1 - k until it has a code. Only what this walk
    //    reads in order is read here: a value's string is looked at only
    //    when its hash matches.
    const found = new Int32Array(n);
    const newKeys = new Int32Array(n);
    const newSlots = new Int32Array(n);
    let fresh = 0;
    for (let i = 0; i < n; i++) {
      const h = sorted[i];
      let at = (h << 1) & mask;
      let match = 0;
      for (;;) {
        const entry = table[at];
        if (entry === 0) break;
        if (table[at + 1] === h) {
          const known = entry > 0 ? this.values[entry - 1] : values[-1 - entry];
          if (known === values[order[i]]) {
            match = entry;
            break;
          }
        }
        at = (at + 2) & mask;
      }
      const k = order[i];
      if (match === 0) {
        table[at] = -1 - k;
        table[at + 1] = h;
        newKeys[fresh] = k;
        newSlots[fresh++] = at;
        found[k] = -1 - k;
      } else {
        found[k] = match > 0 ? match - 1 : match;
      }
    }
    // 2. In the values' order: new values get the next codes. Equal values
    //    share a home slot and were met in their own order, so the first of
    //    them came first: a later one's code is already known.
    const codes = new Int32Array(n);
    for (let k = 0; k < n; k++) {
      const f = found[k];
      if (f >= 0) codes[k] = f;
      else if (f === -1 - k) {
        codes[k] = this.values.length;
        this.values.push(values[k]);
        this.interned++;
      } else codes[k] = codes[-1 - f];
    }
    // 3. In slot order again: the new values' entries get their codes.
    for (let m = 0; m < fresh; m++) table[newSlots[m]] = codes[newKeys[m]] + 1;
    return codes;
  }

  /**
   * Grows the table to `length` entries (a power of two). Walking the old
   * table in slot order writes the new one almost sequentially: a value's
   * new home slot is its old home slot plus a multiple of the old size.
   */
  private grow(length: number): void {
    const old = this.table;
    const table = new Int32Array(length);
    const mask = table.length - 2;
    for (let from = 0; from < old.length; from += 2) {
      const entry = old[from];
      if (entry === 0) continue;
      const h = old[from + 1];
      let at = (h << 1) & mask;
      while (table[at] !== 0) at = (at + 2) & mask;
      table[at] = entry;
      table[at + 1] = h;
    }
    this.table = table;
  }
}

/**
 * Dictionary-encodes `n` values: codes, and the distinct values in order of
 * first appearance (index = code); `valueAt(i)` null is missing (code -1).
 * The one way a column of strings is made from values one by one (formats
 * with typed cells, retyping, derived columns).
 */
export function dictionaryEncode(
  n: number,
  valueAt: (i: number) => string | null,
): { codes: Int32Array; dictionary: string[] } {
  const interner = new StringInterner();
  const codes = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const v = valueAt(i);
    codes[i] = v === null ? -1 : interner.internString(v);
  }
  return { codes, dictionary: interner.values };
}

/**
 * The hash of `text.slice(start, end)` that interning uses: FNV-1a over
 * UTF-16 code units, with a final mix so nearby ids spread.
 */
export function hashSpan(text: string, start: number, end: number): number {
  let h = 0x811c9dc5 | 0;
  for (let i = start; i < end; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h ^ (h >>> 15);
}

/** `text.slice(start, end)` to keep: the whole text, a plain slice when `attached`, else detachedSlice. */
function ownSlice(text: string, start: number, end: number, attached: boolean): string {
  if (start === 0 && end === text.length) return text;
  return attached ? text.slice(start, end) : detachedSlice(text, start, end);
}

/**
 * Indices 0..n-1 ordered by their values' home slot in a table with `mask`
 * (see StringInterner), roughly, and their hashes in that order: a stable
 * counting sort on the slot's top bits (at most 2^16 buckets, a counter
 * array that stays in cache), so that equal hashes keep their order and
 * each bucket spans a few dozen slots.
 */
function byHomeSlot(
  hashes: Int32Array,
  n: number,
  mask: number,
): { order: Int32Array; sorted: Int32Array } {
  const slotBits = Math.log2((mask + 2) >> 1);
  const bits = Math.min(16, slotBits);
  const shift = slotBits - bits + 1; // entry index = 2 × slot
  const counts = new Int32Array((1 << bits) + 1);
  for (let k = 0; k < n; k++) counts[(((hashes[k] << 1) & mask) >>> shift) + 1]++;
  for (let b = 1; b < counts.length; b++) counts[b] += counts[b - 1];
  const order = new Int32Array(n);
  const sorted = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    const h = hashes[k];
    const at = counts[((h << 1) & mask) >>> shift]++;
    order[at] = k;
    sorted[at] = h;
  }
  return { order, sorted };
}

/** Slots for `count` values: a power of two, at least 512, at most half of them used. */
function slotsFor(count: number): number {
  let size = 512;
  while (size < 2 * count) size *= 2;
  return size;
}

/** The hash of each value of an interner's state, by code. */
function hashesByCode({ values, table }: InternerState): Int32Array {
  const out = new Int32Array(values.length);
  for (let at = 0; at < table.length; at += 2) {
    const entry = table[at];
    if (entry !== 0) out[entry - 1] = table[at + 1];
  }
  return out;
}

/**
 * `text.slice(start, end)` as a string of its own. V8 makes a slice of 13 or
 * more characters a view that keeps its parent (a whole decoded text chunk)
 * alive; a dictionary of e-mail addresses is made of such slices. Joining two
 * pieces writes their characters into a new flat string (checked with
 * %DebugPrint); `+` would make a cons string still pointing at the slice.
 * Measured in Node 20.20 on 1M 27-character e-mails out of 1 MB chunks:
 * a plain slice 100-120 ms, this join 190-220 ms, the JSON round trip used
 * before 300-340 ms; heap (--expose-gc, after gc()) once the chunks are
 * dropped 57 MB for both copies, 115 MB for plain slices. Whole ingest of the
 * 1M-row bench file: heap after it 218 MB with either copy, 241 MB without.
 */
function detachedSlice(text: string, start: number, end: number): string {
  return end - start < 13
    ? text.slice(start, end)
    : [text[start], text.slice(start + 1, end)].join('');
}
