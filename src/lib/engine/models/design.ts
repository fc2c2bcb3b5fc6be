// From a table's columns to a model's design matrix, the same way at fit time
// and at scoring time. Pure; runs in Node, the worker and the page.
//
// buildPipeline reads the analyst's choices (target and positive class,
// features, interactions, reference levels) against the training rows and
// fixes everything the coding needs: each categorical's levels and reference,
// the features' training means, the coefficients' names. designOf then codes
// any table with that pipeline — the training table, or a new month's file —
// into a row-major design matrix, leaving out rows with a missing value (R's
// na.omit) and counting them.
//
// The coding is R's: treatment contrasts (one 0/1 column per level but the
// reference), levels in code-point order (R's factor() under the C collation),
// a logical as one column for TRUE, and an interaction a:b as the products of
// a's and b's columns with a's varying fastest, as model.matrix lays them out.
// The default reference is the most frequent level, as SAS's REF= first-in
// frequency; R's default (the first level) can be chosen by naming it.

import { parseBoolean } from '../data/infer';
import { EngineError, getColumn, type Column, type DataTable } from '../data/table';
import type {
  Coefficient,
  Design,
  FeatureSpec,
  InteractionSpec,
  Pipeline,
  TargetSpec,
} from './types';

/** A category with more levels than this is refused as a feature: most likely an identifier. */
export const MAX_LEVELS = 100;

/** What the analyst chose in a Model cell. */
export interface ModelChoices {
  target: TargetSpec;
  /** Feature columns, in the order the coefficient table lists them. */
  features: readonly string[];
  interactions?: readonly InteractionSpec[];
  /** Reference level per categorical feature; a feature not named gets its most frequent level. */
  references?: Readonly<Record<string, string>>;
}

export interface DesignOptions {
  /** Table rows to code (default: all), e.g. the training part. */
  rows?: Uint32Array;
  /** Read the target (fitting, evaluating); false when scoring a file without the outcome. */
  target?: boolean;
  /** A category level the pipeline does not know: refuse (default), or code it as the reference and count it. */
  unseen?: 'error' | 'reference';
}

const MISSING = 255;

/**
 * The target as 1 (the positive class), 0 (any other value) or 255 (missing),
 * per table row. The positive class is matched against each value's display
 * text, so 'Yes', 'true' and '1' all work for the columns that hold them.
 */
export function targetValues(table: DataTable, target: TargetSpec): Uint8Array {
  const column = getColumn(table, target.column);
  const out = new Uint8Array(table.rowCount);
  if (column.kind === 'string') {
    const positive = column.dictionary.indexOf(target.positive);
    if (positive < 0) throw new EngineError('model.positive-not-found', { ...target });
    for (let i = 0; i < out.length; i++) {
      const code = column.codes[i];
      out[i] = code < 0 ? MISSING : code === positive ? 1 : 0;
    }
    return out;
  }
  const positive = numericPositive(column, target.positive);
  let seen = false;
  for (let i = 0; i < out.length; i++) {
    const v = column.values[i];
    if (Number.isNaN(v)) out[i] = MISSING;
    else if (v === positive) {
      out[i] = 1;
      seen = true;
    } else out[i] = 0;
  }
  if (!seen) throw new EngineError('model.positive-not-found', { ...target });
  return out;
}

function numericPositive(column: Column, text: string): number {
  if (column.type === 'boolean') {
    // The file's own word for it works too: 'Yes' for a Yes/No column read as a boolean.
    const v = text.trim() === '1' ? 1 : text.trim() === '0' ? 0 : parseBoolean(text);
    if (!Number.isNaN(v)) return v;
  } else if (column.type === 'integer' || column.type === 'decimal') {
    const v = Number(text);
    if (text.trim() !== '' && Number.isFinite(v)) return v;
  }
  throw new EngineError('model.positive-not-found', { column: column.name, positive: text });
}

/** How a feature column enters the model, or why it cannot. */
function featureKind(column: Column): FeatureSpec['kind'] {
  if (column.kind === 'string') {
    if (column.type === 'identifier')
      throw new EngineError('model.identifier-feature', { column: column.name });
    return 'categorical';
  }
  if (column.type === 'boolean') return 'boolean';
  if (column.type === 'integer' || column.type === 'decimal') return 'numeric';
  throw new EngineError('model.date-feature', { column: column.name });
}

/** Rows of `rows` (default all) where the target and every named column have a value. */
function completeRows(
  table: DataTable,
  columns: readonly Column[],
  y: Uint8Array | null,
  rows: Uint32Array | undefined,
): { used: Uint32Array; dropped: number; missingBy: Record<string, number> } {
  const n = rows ? rows.length : table.rowCount;
  const used = new Uint32Array(n);
  const missingBy: Record<string, number> = {};
  const missing = new Uint32Array(columns.length + 1);
  let count = 0;
  for (let k = 0; k < n; k++) {
    const r = rows ? rows[k] : k;
    let complete = true;
    if (y && y[r] === MISSING) {
      missing[columns.length]++;
      complete = false;
    }
    for (let c = 0; c < columns.length; c++) {
      const column = columns[c];
      const absent =
        column.kind === 'string' ? column.codes[r] < 0 : Number.isNaN(column.values[r]);
      if (absent) {
        missing[c]++;
        complete = false;
      }
    }
    if (complete) used[count++] = r;
  }
  columns.forEach((c, i) => {
    if (missing[i] > 0) missingBy[c.name] = missing[i];
  });
  return { used: used.slice(0, count), dropped: n - count, missingBy };
}

/** Code-point order, as R sorts factor levels under LC_COLLATE=C. */
function codePointOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The pipeline for these choices, its levels, references and means read from
 * the complete cases among `rows` (default all rows): the rows the model is
 * fitted on.
 */
export function buildPipeline(
  table: DataTable,
  choices: ModelChoices,
  rows?: Uint32Array,
): Pipeline {
  // Marginality: an interaction's two features also enter as main effects.
  const names = [...choices.features];
  for (const { a, b } of choices.interactions ?? []) {
    if (a === b) throw new EngineError('model.interaction-self', { column: a });
    for (const name of [a, b]) if (!names.includes(name)) names.push(name);
  }
  // R writes an interaction's features in the order they first appear among
  // the features (Contract:tenure after tenure becomes tenure:Contract).
  const interactions = (choices.interactions ?? []).map(({ a, b }) =>
    names.indexOf(a) < names.indexOf(b) ? { a, b } : { a: b, b: a },
  );
  const seen = new Set<string>();
  for (const { a, b } of interactions) {
    const term = `${a}:${b}`;
    if (seen.has(term)) throw new EngineError('model.feature-twice', { column: term });
    seen.add(term);
  }
  if (new Set(names).size !== names.length)
    throw new EngineError('model.feature-twice', {
      column: names.find((n, i) => names.indexOf(n) !== i) ?? '',
    });
  if (names.includes(choices.target.column))
    throw new EngineError('model.target-as-feature', { column: choices.target.column });

  const y = targetValues(table, choices.target);
  const columns = names.map((name) => getColumn(table, name));
  const kinds = columns.map(featureKind);
  const { used } = completeRows(table, columns, y, rows);
  if (used.length === 0) throw new EngineError('model.no-rows', {});

  const features = columns.map((column, c): FeatureSpec => {
    if (column.kind === 'string') return categoricalSpec(column, used, choices.references);
    let sum = 0;
    let min = Infinity;
    let max = -Infinity;
    for (const r of used) {
      const v = column.values[r];
      sum += v;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    if (min === max) throw new EngineError('model.constant-feature', { column: column.name });
    return {
      kind: kinds[c] as 'numeric' | 'boolean',
      column: column.name,
      mean: sum / used.length,
    };
  });

  return {
    target: { ...choices.target },
    features,
    interactions,
    coefficients: coefficientsOf(features, interactions),
  };
}

function categoricalSpec(
  column: Extract<Column, { kind: 'string' }>,
  used: Uint32Array,
  references: Readonly<Record<string, string>> | undefined,
): FeatureSpec {
  const counts = new Float64Array(column.dictionary.length);
  for (const r of used) counts[column.codes[r]]++;
  const present = column.dictionary
    .map((text, code) => ({ text, count: counts[code] }))
    .filter((l) => l.count > 0)
    .sort((a, b) => codePointOrder(a.text, b.text));
  if (present.length < 2) throw new EngineError('model.constant-feature', { column: column.name });
  if (present.length > MAX_LEVELS)
    throw new EngineError('model.too-many-levels', {
      column: column.name,
      levels: present.length,
      limit: MAX_LEVELS,
    });
  const chosen = references?.[column.name];
  let reference = present[0];
  if (chosen !== undefined) {
    const found = present.find((l) => l.text === chosen);
    if (!found)
      throw new EngineError('model.reference-not-found', {
        column: column.name,
        level: chosen,
      });
    reference = found;
  } else {
    // Most frequent; a tie goes to the first in level order.
    for (const l of present) if (l.count > reference.count) reference = l;
  }
  const levels = present.filter((l) => l !== reference);
  return {
    kind: 'categorical',
    column: column.name,
    reference: reference.text,
    levels: levels.map((l) => l.text),
    means: levels.map((l) => l.count / used.length),
  };
}

/** One coded column of a feature: R's name suffix and the app's label. */
interface CodedColumn {
  name: string;
  label: string;
}

function codedColumns(feature: FeatureSpec): CodedColumn[] {
  switch (feature.kind) {
    case 'numeric':
      return [{ name: feature.column, label: feature.column }];
    case 'boolean':
      return [{ name: `${feature.column}TRUE`, label: `${feature.column} = true` }];
    case 'categorical':
      return feature.levels.map((level) => ({
        name: `${feature.column}${level}`,
        label: `${feature.column} = ${level} vs ${feature.reference}`,
      }));
  }
}

function coefficientsOf(
  features: readonly FeatureSpec[],
  interactions: readonly InteractionSpec[],
): Coefficient[] {
  const byColumn = new Map(features.map((f) => [f.column, codedColumns(f)]));
  const out: Coefficient[] = [{ name: '(Intercept)', label: '(Intercept)', term: '(Intercept)' }];
  for (const f of features)
    for (const c of byColumn.get(f.column)!) out.push({ ...c, term: f.column });
  for (const { a, b } of interactions) {
    const term = `${a}:${b}`;
    for (const cb of byColumn.get(b)!)
      for (const ca of byColumn.get(a)!)
        out.push({ name: `${ca.name}:${cb.name}`, label: `${ca.label} × ${cb.label}`, term });
  }
  return out;
}

/** A feature's column in a table being coded, checked against the pipeline's kind. */
interface Source {
  values: Float64Array | null;
  codes: Int32Array | null;
  /** For a categorical: the design offset (1-based within the feature) of each dictionary code; 0 = reference, -1 = unseen. */
  levelOf: Int32Array | null;
  /** First design column of the feature. */
  start: number;
}

/**
 * The design matrix of `table` under `pipeline`: the rows in `options.rows`
 * (default all) with every feature present (and the target, when read),
 * coded as buildPipeline decided. A missing column, a column of another
 * type, or (unless `unseen: 'reference'`) a category level the pipeline does
 * not know is an EngineError naming it.
 */
export function designOf(
  table: DataTable,
  pipeline: Pipeline,
  options: DesignOptions = {},
): Design {
  const readTarget = options.target ?? true;
  const y = readTarget ? targetValues(table, pipeline.target) : null;
  const columns = pipeline.features.map((f) => getColumn(table, f.column));

  const p = pipeline.coefficients.length;
  let start = 1;
  const unseenCounts = new Map<string, { column: string; level: string; rows: number }>();
  const sources: Source[] = pipeline.features.map((feature, c) => {
    const column = columns[c];
    const source: Source = { values: null, codes: null, levelOf: null, start };
    if (feature.kind === 'categorical') {
      if (column.kind !== 'string')
        throw new EngineError('model.column-type', {
          column: column.name,
          expected: 'categorical',
        });
      const levelOf = new Int32Array(column.dictionary.length).fill(-1);
      const index = new Map(feature.levels.map((level, k) => [level, k + 1]));
      column.dictionary.forEach((text, code) => {
        if (text === feature.reference) levelOf[code] = 0;
        else levelOf[code] = index.get(text) ?? -1;
      });
      source.codes = column.codes;
      source.levelOf = levelOf;
      start += feature.levels.length;
    } else {
      if (column.kind !== 'number' || column.type === 'date' || column.type === 'datetime')
        throw new EngineError('model.column-type', { column: column.name, expected: feature.kind });
      source.values = column.values;
      start += 1;
    }
    return source;
  });

  const { used, dropped, missingBy } = completeRows(table, columns, y, options.rows);
  const n = used.length;

  // Unseen levels among the complete rows: refused, or coded as the reference and counted.
  sources.forEach((s, c) => {
    if (!s.levelOf) return;
    const column = columns[c] as Extract<Column, { kind: 'string' }>;
    for (let i = 0; i < n; i++) {
      const code = s.codes![used[i]];
      if (s.levelOf[code] >= 0) continue;
      const level = column.dictionary[code];
      if (options.unseen !== 'reference')
        throw new EngineError('model.unseen-level', { column: column.name, level });
      const key = `${column.name}\u0000${level}`;
      const entry = unseenCounts.get(key) ?? { column: column.name, level, rows: 0 };
      entry.rows++;
      unseenCounts.set(key, entry);
    }
  });

  const X = new Float64Array(n * p);
  const outcome = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const r = used[i];
    const base = i * p;
    X[base] = 1;
    if (y) outcome[i] = y[r];
    for (const s of sources) {
      if (s.values) X[base + s.start] = s.values[r];
      else {
        const level = s.levelOf![s.codes![r]];
        if (level > 0) X[base + s.start + level - 1] = 1;
      }
    }
  }
  fillInteractions(X, n, p, pipeline, sources);

  return {
    n,
    p,
    X,
    y: outcome,
    rows: used,
    dropped,
    missingBy,
    unseen: [...unseenCounts.values()],
  };
}

/** Interaction columns, each the product of two main-effect columns already coded in X. */
function fillInteractions(
  X: Float64Array,
  n: number,
  p: number,
  pipeline: Pipeline,
  sources: readonly Source[],
): void {
  if (pipeline.interactions.length === 0) return;
  const width = (f: FeatureSpec) => (f.kind === 'categorical' ? f.levels.length : 1);
  const index = new Map(pipeline.features.map((f, c) => [f.column, c]));
  let column = 1 + pipeline.features.reduce((sum, f) => sum + width(f), 0);
  for (const { a, b } of pipeline.interactions) {
    const ia = index.get(a)!;
    const ib = index.get(b)!;
    const wa = width(pipeline.features[ia]);
    const wb = width(pipeline.features[ib]);
    const sa = sources[ia].start;
    const sb = sources[ib].start;
    for (let kb = 0; kb < wb; kb++)
      for (let ka = 0; ka < wa; ka++) {
        for (let i = 0; i < n; i++) {
          const base = i * p;
          X[base + column] = X[base + sa + ka] * X[base + sb + kb];
        }
        column++;
      }
  }
}
