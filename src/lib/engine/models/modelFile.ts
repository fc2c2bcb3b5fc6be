// A fitted logistic model as this app's JSON model file, and back. Pure; runs
// in the compute worker (importing a file), on the page (exporting) and in
// Node (the headless runner, tests).
//
// A model file is read as hostile until parsed, as notebooks are
// (../../notebook/schema.ts): the text's size is bounded before JSON.parse,
// the format tag and version are checked first so that a newer app's file gets
// its own message, then every field is checked against a strict schema with
// bounded strings and arrays, and the model is rebuilt from the schema's
// output, so a key such as `__proto__` is refused as unknown and never reaches
// the app's objects. Last, the pieces are checked against each other (the
// coefficients are the ones the features and interactions make, one β per
// coefficient), because a hand-edited file can be well-formed and still
// score nonsense. Every failure is an EngineError whose code says which of
// these went wrong and whose `reason` names the field.
//
// The JSON is the LogisticModel itself (./types.ts), pretty-printed; numbers
// are written by JSON.stringify, whose shortest round-trip form reads back to
// the same float64, so a model read back scores exactly as the one written.

import { z } from 'zod';
import { EngineError } from '../data/table';
import { MAX_LEVELS } from './design';
import type { Coefficient, FeatureSpec, InteractionSpec, LogisticModel, Pipeline } from './types';

export const MODEL_FORMAT = 'lifecycle-lab.logistic';
export const MODEL_VERSION = 1;

/** The largest model file read, in characters (the Model file cell keeps the same bound). */
export const MODEL_FILE_CHARS = 2_000_000;

const LIMIT = {
  /** A column name, level, label. */
  string: 10_000,
  features: 1_000,
  interactions: 1_000,
  /** Two 100-level categoricals interacting make 99·99 columns; room for several. */
  coefficients: 100_000,
} as const;

const name = z.string().max(LIMIT.string);
const finite = z.number().refine(Number.isFinite, 'must be a finite number');
const share = finite.refine((v) => v >= 0 && v <= 1, 'must be between 0 and 1');

const feature = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('numeric'), column: name, mean: finite }),
  z.strictObject({ kind: z.literal('boolean'), column: name, mean: share }),
  z.strictObject({
    kind: z.literal('categorical'),
    column: name,
    reference: name,
    levels: z.array(name).min(1).max(MAX_LEVELS),
    means: z.array(share).max(MAX_LEVELS),
  }),
]);

const coefficient = z.strictObject({ name, label: name, term: name });

/** A Pipeline as a file holds it; ./network/networkFile.ts reads a network's with the same schema. */
export const pipelineSchema = z.strictObject({
  target: z.strictObject({ column: name, positive: name }),
  features: z.array(feature).max(LIMIT.features),
  interactions: z.array(z.strictObject({ a: name, b: name })).max(LIMIT.interactions),
  coefficients: z.array(coefficient).min(1).max(LIMIT.coefficients),
});

const model = z.strictObject({
  format: z.literal(MODEL_FORMAT),
  version: z.literal(MODEL_VERSION),
  pipeline: pipelineSchema,
  beta: z.array(finite.nullable()).max(LIMIT.coefficients),
  offset: finite,
  penalty: finite.refine((v) => v >= 0, 'must be 0 or more').nullable(),
});

/** The model as this app's JSON model file. */
export function modelToJson(m: LogisticModel): string {
  // A model that would not read back is a bug upstream; refuse to write it rather than export a broken file.
  const problem = inconsistency(m);
  if (problem) throw new EngineError('model-file.invalid', { reason: problem });
  return JSON.stringify(m, null, 2);
}

/**
 * A model from a JSON model file's text, or an EngineError:
 *   model-file.too-large   longer than MODEL_FILE_CHARS ({limit})
 *   model-file.not-json    not JSON at all
 *   model-file.not-model   JSON, but not this app's model file (no format tag)
 *   model-file.version     a newer format version than this app reads ({version}, {supported})
 *   model-file.invalid     a field is wrong, or the fields disagree ({reason}: path and what is wrong)
 */
export function modelFromJson(text: string): LogisticModel {
  if (text.length > MODEL_FILE_CHARS)
    throw new EngineError('model-file.too-large', { limit: MODEL_FILE_CHARS });
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new EngineError('model-file.not-json', {});
  }
  if (!isRecord(value) || value.format !== MODEL_FORMAT)
    throw new EngineError('model-file.not-model', {});
  const version = value.version;
  if (typeof version === 'number' && Number.isInteger(version) && version > MODEL_VERSION)
    throw new EngineError('model-file.version', { version, supported: MODEL_VERSION });
  const parsed = model.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue.path.map(String).join('.');
    throw new EngineError('model-file.invalid', {
      reason: `${path || '(file)'}: ${issue.message}`.slice(0, 500),
    });
  }
  const m = parsed.data as LogisticModel;
  const problem = inconsistency(m);
  if (problem) throw new EngineError('model-file.invalid', { reason: problem });
  return m;
}

/**
 * Why the model's parts disagree, or null: features named once and not the
 * target, categorical levels distinct and apart from the reference with one
 * mean each, interactions of two different features named among them, the
 * coefficients exactly those the features and interactions make (in R's
 * model.matrix order), one β per coefficient, the intercept estimated.
 * Shared with the PMML reader (./pmml.ts).
 */
export function inconsistency(m: LogisticModel): string | null {
  const { features, interactions, coefficients, target } = m.pipeline;
  const columns = new Set<string>();
  for (const f of features) {
    if (columns.has(f.column)) return `features: "${f.column}" appears twice`;
    if (f.column === target.column) return `features: "${f.column}" is the target`;
    columns.add(f.column);
    if (f.kind === 'categorical') {
      if (new Set(f.levels).size !== f.levels.length)
        return `features.${f.column}: a level appears twice`;
      if (f.levels.includes(f.reference))
        return `features.${f.column}: the reference level "${f.reference}" is also a coded level`;
      if (f.means.length !== f.levels.length)
        return `features.${f.column}: ${f.levels.length} levels but ${f.means.length} means`;
    }
  }
  const terms = new Set<string>();
  for (const { a, b } of interactions) {
    if (a === b || !columns.has(a) || !columns.has(b))
      return `interactions: ${a}:${b} must join two different features of the model`;
    if (terms.has(`${a}:${b}`) || terms.has(`${b}:${a}`))
      return `interactions: ${a}:${b} appears twice`;
    terms.add(`${a}:${b}`);
  }
  const expected = coefficientsFor(features, interactions);
  if (expected.length !== coefficients.length)
    return `coefficients: ${coefficients.length} given, the features make ${expected.length}`;
  for (let j = 0; j < expected.length; j++)
    if (expected[j].name !== coefficients[j].name || expected[j].term !== coefficients[j].term)
      return `coefficients.${j}: "${coefficients[j].name}" where the features make "${expected[j].name}"`;
  if (m.beta.length !== coefficients.length)
    return `beta: ${m.beta.length} values for ${coefficients.length} coefficients`;
  if (m.beta[0] === null) return 'beta.0: the intercept has no estimate';
  return null;
}

/**
 * The coefficients a pipeline's features and interactions make: R's names
 * (treatment contrasts: `channelonline`; a logical: `claim_deniedTRUE`; an
 * interaction's columns with its first feature varying fastest), the app's
 * labels and terms — the same as ./design.ts's buildPipeline makes them (a
 * test holds the two together). Here so that a PMML file, which carries no
 * such names, can be turned into a Pipeline.
 */
export function coefficientsFor(
  features: readonly FeatureSpec[],
  interactions: readonly InteractionSpec[],
): Coefficient[] {
  const coded = new Map(
    features.map((f): [string, { name: string; label: string }[]] => {
      switch (f.kind) {
        case 'numeric':
          return [f.column, [{ name: f.column, label: f.column }]];
        case 'boolean':
          return [f.column, [{ name: `${f.column}TRUE`, label: `${f.column} = true` }]];
        case 'categorical':
          return [
            f.column,
            f.levels.map((level) => ({
              name: `${f.column}${level}`,
              label: `${f.column} = ${level} vs ${f.reference}`,
            })),
          ];
      }
    }),
  );
  const out: Coefficient[] = [{ name: '(Intercept)', label: '(Intercept)', term: '(Intercept)' }];
  for (const f of features)
    for (const c of coded.get(f.column)!) out.push({ ...c, term: f.column });
  for (const { a, b } of interactions) {
    const term = `${a}:${b}`;
    for (const cb of coded.get(b) ?? [])
      for (const ca of coded.get(a) ?? [])
        out.push({ name: `${ca.name}:${cb.name}`, label: `${ca.label} × ${cb.label}`, term });
  }
  return out;
}

/** A Pipeline's coefficients filled in from its features and interactions. */
export function withCoefficients(p: Omit<Pipeline, 'coefficients'>): Pipeline {
  return { ...p, coefficients: coefficientsFor(p.features, p.interactions) };
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
