// A fitted logistic model as PMML 4.4, and PMML logistic models back into a
// LogisticModel — this app's own export and the plain RegressionModel files
// other tools write. Pure; runs in the compute worker and in Node (neither has
// a DOMParser, so XML is read with fast-xml-parser; see decision 0016).
//
// What is written (modelToPmml): a RegressionModel, functionName
// "classification", normalizationMethod "logit", with
//   - a DataDictionary: the target as a categorical string field with both
//     values (the positive class, then the negative one), numeric and boolean
//     features as continuous doubles, each categorical with all its Values,
//     the reference level included;
//   - a MiningSchema: the target usageType="target", each feature "active"
//     with invalidValueTreatment="returnInvalid" (an unseen level or a
//     non-number gives no score, as this app's Score cell refuses it by
//     default) and missingValueTreatment="returnInvalid" (a missing value gives
//     no score, as this app's NaN; PMML 4.4's value for it);
//   - an OutputField for the positive class's probability;
//   - RegressionTable 1, for the positive class: the intercept with the King–
//     Zeng prior-correction offset added (PMML has no offset), a
//     NumericPredictor per numeric or boolean coefficient, a
//     CategoricalPredictor per non-reference level, and a PredictorTerm per
//     interaction column; RegressionTable 2, for the other class, intercept 0.
//     PredictorTerm multiplies continuous fields only, so a categorical factor
//     of an interaction enters through a DerivedField in the model's
//     LocalTransformations, NormDiscrete(field, value): 1 at that level, else
//     0 — local, so the model carries every field it derives;
//   - Extensions (extender "lifecycle-lab") that other tools ignore and this
//     reader uses: features' training means and level shares (what a reason
//     reads a row against), a boolean feature's kind, each categorical's
//     reference, the intercept and offset apart, the L2 penalty.
// Aliased coefficients (R's NA) are left out: a scoring engine counts them 0.
//
// What is read (modelFromPmml): PMML 3.x or 4.x with exactly one model, a
// RegressionModel with functionName="classification" and
// normalizationMethod "logit" (one or two RegressionTables: the first is the
// positive class, a second must be the baseline — intercept 0, no predictors —
// as the logit rule ignores it) or "softmax" with exactly two tables (the
// model is their difference); NumericPredictor of exponent 1 on a continuous
// field or on a NormDiscrete DerivedField (a dummy), CategoricalPredictor,
// PredictorTerm of two such factors; DerivedFields from LocalTransformations
// or the TransformationDictionary. A categorical's reference is the
// Extension's, else its first level without a coefficient; when every level
// has one, the first level's is moved into the intercept (an exact
// reparametrisation). A field marked dataType="boolean" scores as this app's
// boolean (true = 1). Anything else — another model type (SPSS and R's pmml
// package often write logistic regression as a GeneralRegressionModel), an
// exponent other than 1, a missing-value replacement, other transformations —
// is refused with an EngineError naming it, never scored approximately.
// Without this app's Extensions, features' means are 0 and reasons read a
// row's contributions against 0 and each categorical's reference.
//
// Hostile input: the text is bounded (MODEL_FILE_CHARS), a DOCTYPE (and with
// it every entity definition) is refused before parsing, the parser limits
// nesting and refuses __proto__/constructor names, and the tree is read only
// along the paths named here, through own properties.

import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { EngineError } from '../data/table';
import { MAX_LEVELS } from './design';
import { coefficientsFor, inconsistency, MODEL_FILE_CHARS } from './modelFile';
import type { FeatureSpec, InteractionSpec, LogisticModel } from './types';

export const PMML_NAMESPACE = 'http://www.dmg.org/PMML-4_4';
const EXTENDER = 'lifecycle-lab';
const APPLICATION = 'Lifecycle Lab';
/** Field names, levels and texts longer than this are refused (as the JSON model file's bound). */
const MAX_TEXT = 10_000;

export interface PmmlOptions {
  /** Written as the Header's description, e.g. the app and notebook it came from. */
  description?: string;
}

// ───────────────────────────── writing ─────────────────────────────

/** The model as PMML 4.4 text. */
export function modelToPmml(model: LogisticModel, options: PmmlOptions = {}): string {
  const problem = inconsistency(model);
  if (problem) throw new EngineError('model-file.invalid', { reason: problem });
  const { pipeline, beta } = model;
  const { target, features } = pipeline;
  const negative = negativeLabel(target.positive);
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const line = (depth: number, text: string) => out.push('  '.repeat(depth) + text);
  const ext = (depth: number, name: string, value: string | number) =>
    line(depth, `<Extension extender="${EXTENDER}" name="${name}" value="${value}"/>`);

  line(0, `<PMML xmlns="${PMML_NAMESPACE}" version="4.4">`);
  line(1, `<Header${options.description ? ` description="${xmlText(options.description)}"` : ''}>`);
  line(2, `<Application name="${APPLICATION}"/>`);
  line(1, '</Header>');

  line(1, `<DataDictionary numberOfFields="${features.length + 1}">`);
  line(2, `<DataField name="${xmlText(target.column)}" optype="categorical" dataType="string">`);
  line(3, `<Value value="${xmlText(target.positive)}"/>`);
  line(3, `<Value value="${xmlText(negative)}"/>`);
  line(2, '</DataField>');
  for (const f of features) {
    const name = xmlText(f.column);
    if (f.kind === 'categorical') {
      line(2, `<DataField name="${name}" optype="categorical" dataType="string">`);
      ext(3, 'reference', xmlText(f.reference));
      const all = [f.reference, ...f.levels].sort(codePointOrder);
      for (const level of all) {
        const k = f.levels.indexOf(level);
        if (k < 0) line(3, `<Value value="${xmlText(level)}"/>`);
        else {
          line(3, `<Value value="${xmlText(level)}">`);
          ext(4, 'share', num(f.means[k]));
          line(3, '</Value>');
        }
      }
    } else {
      line(2, `<DataField name="${name}" optype="continuous" dataType="double">`);
      if (f.kind === 'boolean') ext(3, 'kind', 'boolean');
      ext(3, 'mean', num(f.mean));
    }
    line(2, '</DataField>');
  }
  line(1, '</DataDictionary>');

  line(
    1,
    `<RegressionModel modelName="${xmlText(`logistic ${target.column}`)}" functionName="classification" algorithmName="logisticRegression" normalizationMethod="logit">`,
  );
  ext(2, 'intercept', num(beta[0]!));
  ext(2, 'prior-offset', num(model.offset));
  if (model.penalty !== null) ext(2, 'penalty', num(model.penalty));
  line(2, '<MiningSchema>');
  line(3, `<MiningField name="${xmlText(target.column)}" usageType="target"/>`);
  for (const f of features)
    line(
      3,
      `<MiningField name="${xmlText(f.column)}" usageType="active" invalidValueTreatment="returnInvalid" missingValueTreatment="returnInvalid"/>`,
    );
  line(2, '</MiningSchema>');
  line(2, '<Output>');
  line(
    3,
    `<OutputField name="${xmlText(`probability(${target.positive})`)}" optype="continuous" dataType="double" feature="probability" value="${xmlText(target.positive)}"/>`,
  );
  line(2, '</Output>');

  // Columns per feature, as design.ts lays them out: numeric/boolean one, categorical one per level.
  const byColumn = new Map(features.map((f) => [f.column, f]));
  const taken = new Set([target.column, ...features.map((f) => f.column)]);
  const derived = new Map<string, string>(); // "column\0level" → DerivedField name
  const indicator = (column: string, level: string): string => {
    const key = `${column}\u0000${level}`;
    let name = derived.get(key);
    if (name === undefined) {
      name = `${column}=${level}`;
      for (let k = 2; taken.has(name); k++) name = `${column}=${level}#${k}`;
      taken.add(name);
      derived.set(key, name);
    }
    return name;
  };
  const factorsOf = (f: FeatureSpec): string[] =>
    f.kind === 'categorical' ? f.levels.map((level) => indicator(f.column, level)) : [f.column];
  const terms: string[] = [];
  let j = 1 + features.reduce((s, f) => s + (f.kind === 'categorical' ? f.levels.length : 1), 0);
  for (const { a, b } of pipeline.interactions) {
    const fa = factorsOf(byColumn.get(a)!);
    const fb = factorsOf(byColumn.get(b)!);
    for (const rb of fb)
      for (const ra of fa) {
        const coef = beta[j];
        if (coef !== null)
          terms.push(
            `<PredictorTerm name="${xmlText(pipeline.coefficients[j].name)}" coefficient="${num(coef)}"><FieldRef field="${xmlText(ra)}"/><FieldRef field="${xmlText(rb)}"/></PredictorTerm>`,
          );
        j++;
      }
  }
  // Only the indicators some written PredictorTerm uses are derived.
  const used = new Set<string>();
  for (const t of terms)
    for (const m of t.matchAll(/<FieldRef field="([^"]*)"\/>/g)) used.add(m[1]);
  const needed = [...derived].filter(([, name]) => used.has(xmlText(name)));
  if (needed.length > 0) {
    line(2, '<LocalTransformations>');
    for (const [key, name] of needed) {
      const [column, level] = key.split('\u0000');
      line(3, `<DerivedField name="${xmlText(name)}" optype="continuous" dataType="double">`);
      line(4, `<NormDiscrete field="${xmlText(column)}" value="${xmlText(level)}"/>`);
      line(3, '</DerivedField>');
    }
    line(2, '</LocalTransformations>');
  }

  // PMML orders a table's predictors: numeric, then categorical, then terms.
  const numeric: string[] = [];
  const categorical: string[] = [];
  j = 1;
  for (const f of features) {
    if (f.kind === 'categorical') {
      for (const level of f.levels) {
        const coef = beta[j++];
        if (coef !== null)
          categorical.push(
            `<CategoricalPredictor name="${xmlText(f.column)}" value="${xmlText(level)}" coefficient="${num(coef)}"/>`,
          );
      }
    } else {
      const coef = beta[j++];
      if (coef !== null)
        numeric.push(
          `<NumericPredictor name="${xmlText(f.column)}" exponent="1" coefficient="${num(coef)}"/>`,
        );
    }
  }
  line(
    2,
    `<RegressionTable intercept="${num(beta[0]! + model.offset)}" targetCategory="${xmlText(target.positive)}">`,
  );
  for (const p of [...numeric, ...categorical, ...terms]) line(3, p);
  line(2, '</RegressionTable>');
  line(2, `<RegressionTable intercept="0" targetCategory="${xmlText(negative)}"/>`);
  line(1, '</RegressionModel>');
  line(0, '</PMML>');
  return out.join('\n') + '\n';
}

/**
 * A name for the negative class, which the pipeline does not store (every
 * value but the positive one is negative): the usual partner of the positive
 * class's word, else "not <positive>".
 */
export function negativeLabel(positive: string): string {
  const pairs: Record<string, string> = {
    Yes: 'No',
    yes: 'no',
    YES: 'NO',
    Y: 'N',
    y: 'n',
    true: 'false',
    TRUE: 'FALSE',
    True: 'False',
    '1': '0',
    是: '否',
  };
  return Object.hasOwn(pairs, positive) ? pairs[positive] : `not ${positive}`;
}

/** Characters XML 1.0 cannot carry at all, not even as a reference. */
const UNWRITABLE =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Text for an attribute value: escaped, and tab/newline kept through attribute normalisation. */
function xmlText(text: string): string {
  if (UNWRITABLE.test(text))
    throw new EngineError('pmml.unwritable-text', { text: text.slice(0, 100) });
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/\t/g, '&#9;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;');
}

/** A number as PMML's xs:double: JavaScript's shortest round-trip form, which reads back exactly. */
function num(x: number): string {
  if (!Number.isFinite(x))
    throw new EngineError('model-file.invalid', { reason: `${x} is not finite` });
  return String(x);
}

function codePointOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// ───────────────────────────── reading ─────────────────────────────

type XmlNode = Record<string, unknown>;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseAttributeValue: false,
  parseTagValue: false,
  removeNSPrefix: true,
  trimValues: true,
  // Character references (&#10; in a name with a newline) are decoded only with this on.
  htmlEntities: true,
  // Every element as an array, so one child and many read alike.
  isArray: (_name, _path, _leaf, isAttribute) => !isAttribute,
});

/** Elements of PMML that are not models. */
const NOT_MODELS = new Set([
  'Header',
  'MiningBuildTask',
  'DataDictionary',
  'TransformationDictionary',
  'Extension',
]);

function children(node: XmlNode, name: string): XmlNode[] {
  if (!Object.hasOwn(node, name)) return [];
  const value = node[name];
  if (!Array.isArray(value)) return [];
  // An empty element without attributes parses as ''.
  return value.map((v) => (typeof v === 'object' && v !== null ? (v as XmlNode) : {}));
}

function attr(node: XmlNode, name: string): string | undefined {
  const key = `@${name}`;
  if (!Object.hasOwn(node, key)) return undefined;
  const value = node[key];
  if (typeof value !== 'string') return undefined;
  if (value.length > MAX_TEXT) invalid(`${name}: longer than ${MAX_TEXT} characters`);
  return value;
}

function required(node: XmlNode, name: string, element: string): string {
  const value = attr(node, name);
  if (value === undefined) invalid(`${element}: no ${name} attribute`);
  return value;
}

function number(text: string, what: string): number {
  const v = text.trim() === '' ? NaN : Number(text);
  if (!Number.isFinite(v)) invalid(`${what}: "${text.slice(0, 100)}" is not a finite number`);
  return v;
}

function invalid(reason: string): never {
  throw new EngineError('pmml.invalid', { reason: reason.slice(0, 500) });
}

function unsupported(what: string): never {
  throw new EngineError('pmml.unsupported', { what: what.slice(0, 500) });
}

/** This app's Extensions of an element, by name. */
function extensions(node: XmlNode): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of children(node, 'Extension')) {
    const name = attr(e, 'name');
    const value = attr(e, 'value');
    if (attr(e, 'extender') === EXTENDER && name !== undefined && value !== undefined)
      out.set(name, value);
  }
  return out;
}

interface Field {
  optype: string;
  dataType: string;
  /** Valid values in document order. */
  values: string[];
  shares: Map<string, number>;
  ext: Map<string, string>;
}

/** What a predictor multiplies: a feature, and a level for a categorical one (null for a number). */
interface Factor {
  field: string;
  level: string | null;
}

/**
 * A LogisticModel from PMML text: this app's export, or a plain
 * RegressionModel (logit) as other tools write it — the subset in the file
 * header. Errors:
 *   model-file.too-large     longer than MODEL_FILE_CHARS ({limit})
 *   pmml.doctype             has a DOCTYPE (entity definitions are not read)
 *   pmml.not-xml             not well-formed XML ({line}, {reason})
 *   pmml.not-pmml            XML, but its root is not PMML
 *   pmml.version             a PMML version other than 3.x or 4.x ({version})
 *   pmml.no-model            no model in the file
 *   pmml.unsupported-model   a model other than RegressionModel ({model})
 *   pmml.unsupported         a RegressionModel using something this reader does not score ({what})
 *   pmml.invalid             wrong or contradictory content ({reason})
 */
export function modelFromPmml(text: string): LogisticModel {
  if (text.length > MODEL_FILE_CHARS)
    throw new EngineError('model-file.too-large', { limit: MODEL_FILE_CHARS });
  if (/<!DOCTYPE/i.test(text)) throw new EngineError('pmml.doctype', {});
  const valid = XMLValidator.validate(text);
  if (valid !== true)
    throw new EngineError('pmml.not-xml', { line: valid.err.line, reason: valid.err.msg });
  let doc: XmlNode;
  try {
    doc = parser.parse(text) as XmlNode;
  } catch (e) {
    // The parser refuses names such as __proto__ and nesting beyond its limit.
    throw new EngineError('pmml.invalid', { reason: String((e as Error).message).slice(0, 500) });
  }
  const [root] = children(doc, 'PMML');
  if (!root) throw new EngineError('pmml.not-pmml', {});
  const version = attr(root, 'version') ?? '';
  if (!/^[34]\.\d+(\.\d+)?$/.test(version))
    throw new EngineError('pmml.version', { version: version.slice(0, 20) });

  const models = Object.keys(root).filter(
    (k) => !k.startsWith('@') && k !== '#text' && !NOT_MODELS.has(k),
  );
  if (models.length === 0) throw new EngineError('pmml.no-model', {});
  const regression = children(root, 'RegressionModel');
  if (regression.length === 0)
    throw new EngineError('pmml.unsupported-model', { model: models[0].slice(0, 100) });
  if (models.length > 1 || regression.length > 1) unsupported('more than one model in the file');
  const model = regression[0];

  const functionName = attr(model, 'functionName');
  if (functionName !== 'classification') unsupported(`functionName="${functionName ?? ''}"`);
  const normalization = attr(model, 'normalizationMethod') ?? 'none';
  if (normalization !== 'logit' && normalization !== 'softmax')
    unsupported(`normalizationMethod="${normalization}"`);

  // The data dictionary.
  const fields = new Map<string, Field>();
  for (const dictionary of children(root, 'DataDictionary'))
    for (const f of children(dictionary, 'DataField')) {
      const name = required(f, 'name', 'DataField');
      const values: string[] = [];
      const shares = new Map<string, number>();
      for (const v of children(f, 'Value')) {
        const value = required(v, 'value', `DataField ${name}: Value`);
        const property = attr(v, 'property') ?? 'valid';
        if (property !== 'valid') continue;
        if (!values.includes(value)) values.push(value);
        const share = extensions(v).get('share');
        if (share !== undefined) shares.set(value, number(share, `${name} = ${value}: share`));
      }
      fields.set(name, {
        optype: attr(f, 'optype') ?? '',
        dataType: attr(f, 'dataType') ?? '',
        values,
        shares,
        ext: extensions(f),
      });
    }

  // The mining schema: one target, the active fields in order.
  let targetName: string | null = null;
  const active: string[] = [];
  const optypeOf = new Map<string, string>();
  for (const schema of children(model, 'MiningSchema'))
    for (const m of children(schema, 'MiningField')) {
      const name = required(m, 'name', 'MiningField');
      if (!fields.has(name)) invalid(`MiningField ${name}: not in the DataDictionary`);
      const usage = attr(m, 'usageType') ?? 'active';
      if (usage === 'target' || usage === 'predicted') {
        if (targetName !== null) unsupported('more than one target field');
        targetName = name;
        continue;
      }
      if (usage !== 'active') continue;
      if (attr(m, 'missingValueReplacement') !== undefined)
        unsupported(`missingValueReplacement on ${name} (impute in a Prepare step instead)`);
      const outliers = attr(m, 'outliers') ?? 'asIs';
      if (outliers !== 'asIs') unsupported(`outliers="${outliers}" on ${name}`);
      if (active.includes(name)) invalid(`MiningField ${name}: listed twice`);
      active.push(name);
      const optype = attr(m, 'optype');
      if (optype !== undefined) optypeOf.set(name, optype);
    }
  if (targetName === null) invalid('MiningSchema: no target field');

  // Derived fields a predictor may name: NormDiscrete indicators only.
  const derived = new Map<string, XmlNode>();
  for (const holder of [
    ...children(root, 'TransformationDictionary'),
    ...children(model, 'LocalTransformations'),
  ])
    for (const d of children(holder, 'DerivedField'))
      derived.set(required(d, 'name', 'DerivedField'), d);

  const isContinuous = (name: string) =>
    (optypeOf.get(name) ?? fields.get(name)!.optype) === 'continuous';
  const factor = (name: string, where: string): Factor => {
    if (active.includes(name)) {
      if (!isContinuous(name)) invalid(`${where}: ${name} is categorical, not a number`);
      return { field: name, level: null };
    }
    const d = derived.get(name);
    if (d === undefined)
      invalid(`${where}: ${name} is neither an active field nor a derived field`);
    const [norm] = children(d, 'NormDiscrete');
    const expressions = Object.keys(d).filter((k) => !k.startsWith('@') && k !== 'Extension');
    if (!norm || expressions.length !== 1)
      unsupported(`derived field ${name}: only NormDiscrete (a 0/1 dummy) is read`);
    const field = required(norm, 'field', `DerivedField ${name}: NormDiscrete`);
    const level = required(norm, 'value', `DerivedField ${name}: NormDiscrete`);
    if (attr(norm, 'mapMissingTo') !== undefined)
      unsupported(`mapMissingTo in derived field ${name}`);
    if (!active.includes(field)) invalid(`derived field ${name}: ${field} is not an active field`);
    return { field, level };
  };

  // The tables: the positive class's, and the baseline.
  const tables = children(model, 'RegressionTable');
  if (tables.length === 0) invalid('RegressionModel: no RegressionTable');
  if (normalization === 'softmax' ? tables.length !== 2 : tables.length > 2)
    unsupported(
      `${tables.length} RegressionTables with normalizationMethod="${normalization}" (two classes only)`,
    );
  const positive = required(tables[0], 'targetCategory', 'RegressionTable');
  const targetField = fields.get(targetName)!;
  if (targetField.values.length > 0 && !targetField.values.includes(positive))
    invalid(`targetCategory "${positive}" is not a value of ${targetName}`);

  const readTable = (table: XmlNode, t: number) => {
    const intercept = number(required(table, 'intercept', 'RegressionTable'), 'intercept');
    const predictors: { factors: Factor[]; coefficient: number; what: string; table: number }[] =
      [];
    for (const p of children(table, 'NumericPredictor')) {
      const name = required(p, 'name', 'NumericPredictor');
      const exponent = attr(p, 'exponent') ?? '1';
      if (number(exponent, `${name}: exponent`) !== 1)
        unsupported(`NumericPredictor ${name} with exponent ${exponent}`);
      const coefficient = number(
        required(p, 'coefficient', `NumericPredictor ${name}`),
        `${name}: coefficient`,
      );
      predictors.push({
        factors: [factor(name, `NumericPredictor ${name}`)],
        coefficient,
        what: name,
        table: t,
      });
    }
    for (const p of children(table, 'CategoricalPredictor')) {
      const name = required(p, 'name', 'CategoricalPredictor');
      const value = required(p, 'value', `CategoricalPredictor ${name}`);
      if (!active.includes(name)) invalid(`CategoricalPredictor ${name}: not an active field`);
      const coefficient = number(
        required(p, 'coefficient', `CategoricalPredictor ${name}`),
        `${name}=${value}: coefficient`,
      );
      predictors.push({
        factors: [{ field: name, level: value }],
        coefficient,
        what: `${name}=${value}`,
        table: t,
      });
    }
    for (const p of children(table, 'PredictorTerm')) {
      const refs = children(p, 'FieldRef').map((r) => required(r, 'field', 'FieldRef'));
      const what = refs.join('×');
      if (refs.length !== 2)
        unsupported(`PredictorTerm ${what} of ${refs.length} fields (two-way interactions only)`);
      const coefficient = number(
        required(p, 'coefficient', `PredictorTerm ${what}`),
        `${what}: coefficient`,
      );
      const factors = refs.map((r) => factor(r, `PredictorTerm ${what}`));
      if (factors[0].field === factors[1].field)
        unsupported(`PredictorTerm ${what}: a field times itself`);
      predictors.push({ factors, coefficient, what, table: t });
    }
    return { intercept, predictors };
  };
  const first = readTable(tables[0], 0);
  let intercept = first.intercept;
  let predictors = first.predictors;
  if (tables.length === 2) {
    const second = readTable(tables[1], 1);
    if (normalization === 'logit') {
      if (second.intercept !== 0 || second.predictors.length > 0)
        unsupported('a second RegressionTable with coefficients under normalizationMethod="logit"');
    } else {
      intercept -= second.intercept;
      predictors = [
        ...predictors,
        ...second.predictors.map((p) => ({ ...p, coefficient: -p.coefficient })),
      ];
    }
  }

  // Features, in MiningSchema order.
  const features: FeatureSpec[] = active.map((name): FeatureSpec => {
    const f = fields.get(name)!;
    const mean = f.ext.has('mean') ? number(f.ext.get('mean')!, `${name}: mean`) : 0;
    if (f.ext.get('kind') === 'boolean' || f.dataType === 'boolean')
      return { kind: 'boolean', column: name, mean };
    if (isContinuous(name)) return { kind: 'numeric', column: name, mean };
    const levels = [...f.values];
    for (const p of predictors)
      for (const x of p.factors)
        if (x.field === name && x.level !== null && !levels.includes(x.level)) levels.push(x.level);
    const main = new Set(
      predictors
        .filter((p) => p.factors.length === 1 && p.factors[0].field === name)
        .map((p) => p.factors[0].level),
    );
    let reference = f.ext.get('reference');
    if (reference !== undefined && !levels.includes(reference))
      invalid(`${name}: reference "${reference}" is not one of its values`);
    reference ??= levels.find((l) => !main.has(l)) ?? levels[0];
    if (reference === undefined || levels.length < 2)
      invalid(`${name}: a categorical feature needs two or more values`);
    if (levels.length > MAX_LEVELS)
      unsupported(`${name} with ${levels.length} levels (at most ${MAX_LEVELS})`);
    const coded = levels.filter((l) => l !== reference);
    return {
      kind: 'categorical',
      column: name,
      reference,
      levels: coded,
      means: coded.map((l) => f.shares.get(l) ?? 0),
    };
  });
  const index = new Map(features.map((f, i) => [f.column, i]));

  // A factor as design coordinates: feature index and column within it (0 for a number).
  const coordinate = (x: Factor): { feature: number; column: number | 'reference' | 'false' } => {
    const i = index.get(x.field)!;
    const f = features[i];
    if (f.kind === 'categorical') {
      if (x.level === null) invalid(`${x.field} is categorical, not a number`);
      if (x.level === f.reference) return { feature: i, column: 'reference' };
      return { feature: i, column: f.levels.indexOf(x.level) };
    }
    if (x.level === null) return { feature: i, column: 0 };
    if (f.kind === 'boolean') {
      if (x.level === 'true' || x.level === '1') return { feature: i, column: 0 };
      if (x.level === 'false' || x.level === '0') return { feature: i, column: 'false' };
    }
    invalid(`${x.field} = ${x.level}: ${x.field} is a number`);
  };

  // Main effects at a reference (or a boolean's false) move into the intercept and the other levels.
  // Per design coordinate, the coefficient and the table that gave it (softmax adds the second's, negated).
  const values = new Map<string, number>();
  const givenBy = new Map<string, number>();
  const put = (key: string, value: number, what: string, table: number) => {
    if (givenBy.get(key) === table) invalid(`${what}: a coefficient given twice`);
    givenBy.set(key, table);
    values.set(key, (values.get(key) ?? 0) + value);
  };
  const shifts: { feature: number; value: number }[] = [];
  const pairs: InteractionSpec[] = [];
  for (const p of predictors) {
    const cs = p.factors.map(coordinate);
    if (cs.length === 1) {
      const [c] = cs;
      if (c.column === 'reference' || c.column === 'false')
        shifts.push({ feature: c.feature, value: p.coefficient });
      else put(`${c.feature}:${c.column}`, p.coefficient, p.what, p.table);
      continue;
    }
    if (cs.some((c) => c.column === 'reference' || c.column === 'false'))
      unsupported(`PredictorTerm ${p.what} at a reference level`);
    const [ca, cb] = cs[0].feature < cs[1].feature ? cs : [cs[1], cs[0]];
    const a = features[ca.feature].column;
    const b = features[cb.feature].column;
    if (!pairs.some((q) => q.a === a && q.b === b)) pairs.push({ a, b });
    put(`${ca.feature}:${ca.column}×${cb.feature}:${cb.column}`, p.coefficient, p.what, p.table);
  }
  for (const s of shifts) {
    intercept += s.value;
    const f = features[s.feature];
    const width = f.kind === 'categorical' ? f.levels.length : 1;
    for (let k = 0; k < width; k++) {
      const key = `${s.feature}:${k}`;
      values.set(key, (values.get(key) ?? 0) - s.value);
    }
  }
  // Interactions stay in the order their PredictorTerms come (this app writes them in the pipeline's order).

  const coefficients = coefficientsFor(features, pairs);
  const keys: string[] = ['(Intercept)'];
  features.forEach((f, i) => {
    const width = f.kind === 'categorical' ? f.levels.length : 1;
    for (let k = 0; k < width; k++) keys.push(`${i}:${k}`);
  });
  for (const { a, b } of pairs) {
    const ia = index.get(a)!;
    const ib = index.get(b)!;
    const wa =
      features[ia].kind === 'categorical'
        ? (features[ia] as { levels: string[] }).levels.length
        : 1;
    const wb =
      features[ib].kind === 'categorical'
        ? (features[ib] as { levels: string[] }).levels.length
        : 1;
    for (let kb = 0; kb < wb; kb++)
      for (let ka = 0; ka < wa; ka++) keys.push(`${ia}:${ka}×${ib}:${kb}`);
  }
  const beta: (number | null)[] = keys.map((k, j) =>
    j === 0 ? intercept : (values.get(k) ?? null),
  );

  // This app's own file: the intercept and the prior-correction offset apart again, when the file still adds up.
  let offset = 0;
  const ext = extensions(model);
  if (
    ext.has('intercept') &&
    ext.has('prior-offset') &&
    shifts.length === 0 &&
    tables.length <= 2
  ) {
    const b0 = number(ext.get('intercept')!, 'intercept extension');
    const o = number(ext.get('prior-offset')!, 'prior-offset extension');
    if (b0 + o === beta[0]) {
      beta[0] = b0;
      offset = o;
    }
  }
  const penalty = ext.has('penalty') ? number(ext.get('penalty')!, 'penalty extension') : null;

  const result: LogisticModel = {
    format: 'lifecycle-lab.logistic',
    version: 1,
    pipeline: {
      target: { column: targetName, positive },
      features,
      interactions: pairs,
      coefficients,
    },
    beta,
    offset,
    penalty,
  };
  const problem = inconsistency(result);
  if (problem) invalid(problem);
  return result;
}
