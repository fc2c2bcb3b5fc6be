// Derived columns from user-written expressions in Arquero's syntax
// (`d => d.premium * 12`, `d => op.year(d.start)`). Pure; runs in the compute
// worker and in Node tests.
//
// Safety (see docs/decisions/0009-prepare-transforms.md): the text comes from a
// notebook someone may have shared, so before Arquero compiles it (Arquero
// uses new Function) we parse it with acorn and allow only a whitelist:
// one arrow function whose body is an expression made of literals, operators,
// the row parameter's columns, and calls of `op.<name>`. Arquero's own checks
// then apply as well.

import * as aq from 'arquero';
import { parseExpressionAt } from 'acorn';
import { EngineError, getColumn, type Column, type DataTable } from '../data/table';
import { classifyStrings } from '../data/infer';
import { dictionaryEncode } from '../data/interner';
import {
  invalidSetting,
  numericColumn,
  stringColumn,
  withColumns,
  type TransformResult,
} from './common';
import { DAY_MS } from '../units';

export interface DeriveSettings {
  /** Name of the new column; an existing name is replaced in place. */
  name: string;
  expression: string;
}

const MAX_EXPRESSION = 2000;
const FORBIDDEN_NAMES = new Set([
  'constructor',
  '__proto__',
  'prototype',
  '__defineGetter__',
  '__defineSetter__',
  '__lookupGetter__',
  '__lookupSetter__',
]);

/**
 * Adds (or replaces) column `name` computed row by row. Missing numbers reach
 * the expression as NaN, so arithmetic stays missing (null * 12 would be 0);
 * missing dates as an invalid Date (op.year(null) would be 1970); missing
 * text and booleans as null. A comparison with a missing value is false,
 * as in JavaScript. The result type is read off the values: numbers →
 * integer (all whole) or decimal, booleans → boolean, Dates → date (all at
 * UTC midnight) or datetime, strings → categorical / identifier / text as on
 * import. NaN, null and invalid dates become missing.
 */
export function deriveColumn(table: DataTable, settings: DeriveSettings): TransformResult {
  const name = typeof settings.name === 'string' ? settings.name.trim() : '';
  if (!name) throw invalidSetting('name', settings.name);
  const expression = settings.expression;
  const used = checkExpression(expression);
  const data: Record<string, unknown[]> = {};
  for (const columnName of used) data[columnName] = toArquero(getColumn(table, columnName));
  let out: ArrayLike<unknown>;
  try {
    // A table needs at least one column to know its row count.
    if (used.size === 0) data['\u0000rows'] = new Array(table.rowCount).fill(null);
    const derived = aq.table(data).derive({ '\u0000out': expression });
    out = derived.array('\u0000out') as ArrayLike<unknown>;
  } catch (error) {
    if (error instanceof EngineError) throw error;
    throw new EngineError('prepare.expression-invalid', { message: firstLine(error) });
  }
  const column = fromArquero(name, out);
  const replaced = table.columns.some((c) => c.name === name);
  const result = replaced
    ? withColumns(table, new Map([[name, column]]))
    : withColumns(table, new Map(), [column]);
  return { table: result, report: { type: column.type, replaced: replaced ? 1 : 0 } };
}

function firstLine(error: unknown): string {
  return String(error instanceof Error ? error.message : error).split('\n')[0];
}

function reject(message: string): never {
  throw new EngineError('prepare.expression-invalid', { message });
}

type AstNode = { type: string; start: number; end: number; [key: string]: unknown };

/**
 * Parses and whitelists the expression; returns the columns it reads.
 * Throws prepare.expression-invalid with a short English reason.
 */
export function checkExpression(expression: unknown): Set<string> {
  if (typeof expression !== 'string' || expression.trim() === '') reject('empty expression');
  if (expression.length > MAX_EXPRESSION) reject(`longer than ${MAX_EXPRESSION} characters`);
  let root: AstNode;
  try {
    root = parseExpressionAt(expression, 0, { ecmaVersion: 2022 }) as unknown as AstNode;
  } catch (error) {
    reject(firstLine(error));
  }
  if (expression.slice(root.end).trim() !== '') reject('unexpected text after the expression');
  if (root.type !== 'ArrowFunctionExpression')
    reject('write an arrow function, e.g. d => d.premium * 12');
  const params = root.params as AstNode[];
  if (params.length < 1 || params.length > 1 || params[0].type !== 'Identifier') {
    reject('the function takes one parameter, the row (d)');
  }
  const row = params[0].name as string;
  if (row === 'op') reject('the row parameter cannot be called op');
  const body = root.body as AstNode;
  if (body.type === 'BlockStatement') reject('use an expression body, without { }');
  const columns = new Set<string>();
  visit(body, row, columns, expression);
  return columns;
}

function visit(node: AstNode, row: string, columns: Set<string>, source: string): void {
  const text = () => source.slice(node.start, node.end);
  switch (node.type) {
    case 'Literal':
    case 'TemplateElement':
      return;
    case 'Identifier':
      if (node.name === 'undefined' || node.name === 'NaN' || node.name === 'Infinity') return;
      reject(`“${text()}” is not allowed; use ${row}.column or op.function(…)`);
      return;
    case 'TemplateLiteral':
      for (const e of node.expressions as AstNode[]) visit(e, row, columns, source);
      return;
    case 'UnaryExpression':
      if (node.operator === 'delete') reject('delete is not allowed');
      visit(node.argument as AstNode, row, columns, source);
      return;
    case 'BinaryExpression':
    case 'LogicalExpression':
      if (node.operator === 'in' || node.operator === 'instanceof')
        reject(`${node.operator} is not allowed`);
      visit(node.left as AstNode, row, columns, source);
      visit(node.right as AstNode, row, columns, source);
      return;
    case 'ConditionalExpression':
      visit(node.test as AstNode, row, columns, source);
      visit(node.consequent as AstNode, row, columns, source);
      visit(node.alternate as AstNode, row, columns, source);
      return;
    case 'ArrayExpression':
      for (const e of node.elements as (AstNode | null)[]) {
        if (!e || e.type === 'SpreadElement') reject('holes and spread are not allowed in arrays');
        visit(e, row, columns, source);
      }
      return;
    case 'MemberExpression': {
      const object = node.object as AstNode;
      if (object.type !== 'Identifier' || object.name !== row || node.optional) {
        reject(`“${text()}”: only ${row}.column is allowed`);
      }
      columns.add(propertyName(node, text()));
      return;
    }
    case 'CallExpression': {
      const callee = node.callee as AstNode;
      if (
        node.optional ||
        callee.type !== 'MemberExpression' ||
        callee.computed ||
        callee.optional ||
        (callee.object as AstNode).type !== 'Identifier' ||
        (callee.object as AstNode).name !== 'op'
      ) {
        reject(`“${text()}”: only op.function(…) calls are allowed`);
      }
      const fn = propertyName(callee, text());
      if (!Object.prototype.hasOwnProperty.call(aq.op, fn))
        reject(`op.${fn} is not an Arquero function`);
      for (const a of node.arguments as AstNode[]) {
        if (a.type === 'SpreadElement') reject('spread is not allowed');
        visit(a, row, columns, source);
      }
      return;
    }
    default:
      reject(`${node.type} is not allowed in an expression`);
  }
}

function propertyName(member: AstNode, text: string): string {
  const property = member.property as AstNode;
  let name: unknown;
  if (!member.computed && property.type === 'Identifier') name = property.name;
  else if (member.computed && property.type === 'Literal' && typeof property.value === 'string') {
    name = property.value;
  } else reject(`“${text}”: write column names literally`);
  if (FORBIDDEN_NAMES.has(name as string)) reject(`“${name}” is not allowed`);
  return name as string;
}

function toArquero(column: Column): unknown[] {
  const n = column.kind === 'string' ? column.codes.length : column.values.length;
  const out = new Array<unknown>(n);
  if (column.kind === 'string') {
    for (let i = 0; i < n; i++)
      out[i] = column.codes[i] < 0 ? null : column.dictionary[column.codes[i]];
    return out;
  }
  const values = column.values;
  const kind = column.type;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (Number.isNaN(v)) {
      out[i] =
        kind === 'integer' || kind === 'decimal' ? NaN : kind === 'boolean' ? null : new Date(NaN);
    } else if (kind === 'date' || kind === 'datetime') out[i] = new Date(v);
    else if (kind === 'boolean') out[i] = v !== 0;
    else out[i] = v;
  }
  return out;
}

function fromArquero(name: string, values: ArrayLike<unknown>): Column {
  const n = values.length;
  let kind: 'number' | 'boolean' | 'date' | 'string' | null = null;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v === null || v === undefined) continue;
    const k =
      typeof v === 'number'
        ? 'number'
        : typeof v === 'boolean'
          ? 'boolean'
          : typeof v === 'string'
            ? 'string'
            : v instanceof Date
              ? 'date'
              : null;
    if (k === null)
      reject(`the expression gives ${typeof v === 'object' ? 'objects' : typeof v} values`);
    if (kind !== null && k !== kind) reject(`the expression mixes ${kind} and ${k} values`);
    kind = k;
  }
  if (kind === 'string') {
    let present = 0;
    const { codes, dictionary } = dictionaryEncode(n, (i) => {
      const v = values[i];
      if (typeof v !== 'string') return null;
      present++;
      return v;
    });
    return stringColumn(name, classifyStrings(name, dictionary, present).type, codes, dictionary);
  }
  const out = new Float64Array(n);
  let whole = true;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    let x: number;
    if (v === null || v === undefined) x = NaN;
    else if (kind === 'date') x = (v as Date).getTime();
    else if (kind === 'boolean') x = v ? 1 : 0;
    else x = v as number;
    if (!Number.isFinite(x)) x = NaN; // ±Infinity from a division by zero is not a usable value
    out[i] = x;
    if (!Number.isNaN(x) && whole && !Number.isInteger(kind === 'date' ? x / DAY_MS : x))
      whole = false;
  }
  if (kind === 'boolean') return numericColumn(name, 'boolean', out);
  if (kind === 'date') return numericColumn(name, whole ? 'date' : 'datetime', out);
  return numericColumn(name, whole && kind === 'number' ? 'integer' : 'decimal', out);
}
