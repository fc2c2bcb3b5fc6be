// A trained network as this app's JSON model file, and back; and the checks
// every network read from outside passes (./layersFormat.ts uses them too).
// Pure; runs in the compute worker (importing), on the page (exporting) and in
// Node (tests).
//
// Read as hostile, as ../modelFile.ts reads a logistic model: the text's size
// is bounded before JSON.parse, the format tag and version are checked first
// (a newer app's file gets its own message), every field is checked against a
// strict schema with bounded strings, arrays and sizes, and the model is
// rebuilt from the schema's output, so a key such as `__proto__` is refused as
// unknown. Then the parts are checked against each other: the pipeline's
// coefficients as ../modelFile.ts checks them, one centre and scale per design
// column after the intercept, the layers chaining from those inputs to one
// linear unit, and the architecture describing those layers.
//
// The JSON is the NetworkModel itself (./types.ts), numbers written by
// JSON.stringify (the shortest form that reads back to the same float64), so
// a network read back scores exactly as the one written. It is pretty-printed
// except that each weight array stays on one line: a network of 100,000
// weights is then about 2 MB, not three times that in indentation.

import { z } from 'zod';
import { EngineError } from '../../data/table';
import { inconsistency, pipelineSchema } from '../modelFile';
import type { Pipeline } from '../types';
import { ACTIVATIONS, MAX_HIDDEN_LAYERS, type NetworkModel } from './types';

export const NETWORK_FORMAT = 'lifecycle-lab.network';
export const NETWORK_VERSION = 1;

/** Units in one layer at most. */
export const MAX_UNITS = 4096;
/** Weights (kernels and biases together) in one network at most: 4 MB as float32. */
export const MAX_WEIGHTS = 1_000_000;
/** The largest network file read, in characters: MAX_WEIGHTS numbers of up to 24 characters, and the pipeline. */
export const NETWORK_FILE_CHARS = 32_000_000;

/** Design columns at most, as ../modelFile.ts bounds a model's coefficients. */
const COEFFICIENTS = 100_000;

const finite = z.number().refine(Number.isFinite, 'must be a finite number');
const count = (max: number) => z.number().int().min(1).max(max);

export const scalingSchema = z.strictObject({
  center: z.array(finite).max(COEFFICIENTS),
  scale: z.array(finite.refine((v) => v > 0, 'must be above 0')).max(COEFFICIENTS),
});

export const architectureSchema = z.strictObject({
  kind: z.enum(['logistic', 'mlp']),
  hidden: z
    .array(z.strictObject({ units: count(MAX_UNITS), activation: z.enum(ACTIVATIONS) }))
    .max(MAX_HIDDEN_LAYERS),
  dropout: finite.refine((v) => v >= 0 && v < 1, 'must be at least 0 and below 1'),
  l2: finite.refine((v) => v >= 0, 'must be 0 or more'),
});

const layerSchema = z.strictObject({
  inputs: count(COEFFICIENTS),
  units: count(MAX_UNITS),
  activation: z.enum([...ACTIVATIONS, 'linear']),
  kernel: z.array(finite).max(MAX_WEIGHTS),
  bias: z.array(finite).max(MAX_UNITS),
});

const networkSchema = z.strictObject({
  format: z.literal(NETWORK_FORMAT),
  version: z.literal(NETWORK_VERSION),
  pipeline: pipelineSchema,
  scaling: scalingSchema,
  architecture: architectureSchema,
  layers: z
    .array(layerSchema)
    .min(1)
    .max(MAX_HIDDEN_LAYERS + 1),
  offset: finite,
});

/** What is wrong with a network read from outside, as the EngineError to throw. */
export interface NetworkProblem {
  code: 'network-file.invalid' | 'network-file.shape' | 'network-file.weights-too-large';
  params: Record<string, string | number>;
}

/** The first schema issue of a failed zod parse, as network-file.invalid's reason. */
export function invalid(error: z.ZodError, prefix = ''): EngineError {
  const issue = error.issues[0];
  const path = [prefix, ...issue.path.map(String)].filter((s) => s !== '').join('.');
  return new EngineError('network-file.invalid', {
    reason: `${path || '(file)'}: ${issue.message}`.slice(0, 500),
  });
}

/**
 * Why the pipeline does not hold together, or null: ../modelFile.ts's
 * checks, given a placeholder β of the right length (a network has none).
 */
export function pipelineProblem(pipeline: Pipeline): string | null {
  return inconsistency({
    format: 'lifecycle-lab.logistic',
    version: 1,
    pipeline,
    beta: new Array<number>(pipeline.coefficients.length).fill(0),
    offset: 0,
    penalty: null,
  });
}

/**
 * Why the network's parts disagree, or null: the pipeline; a centre and a
 * positive scale per design column after the intercept; 'logistic' with no
 * hidden layer, 'mlp' with 1 … MAX_HIDDEN_LAYERS; the hidden layers as the
 * architecture lists them, then one 'linear' unit; each layer reading the
 * previous one's units (the first, the design's inputs) with inputs × units
 * kernel values and a bias per unit; at most MAX_WEIGHTS weights.
 */
export function networkProblem(m: NetworkModel): NetworkProblem | null {
  const bad = (reason: string): NetworkProblem => ({
    code: 'network-file.invalid',
    params: { reason },
  });
  const shape = (reason: string): NetworkProblem => ({
    code: 'network-file.shape',
    params: { reason },
  });
  const pipeline = pipelineProblem(m.pipeline);
  if (pipeline) return bad(`pipeline: ${pipeline}`);
  const inputs = m.pipeline.coefficients.length - 1;
  if (inputs < 1) return bad('pipeline: the model has no features');
  if (m.scaling.center.length !== inputs || m.scaling.scale.length !== inputs)
    return shape(
      `scaling: ${m.scaling.center.length} centres and ${m.scaling.scale.length} scales for ${inputs} design columns`,
    );
  const { kind, hidden } = m.architecture;
  if (kind === 'logistic' && hidden.length > 0)
    return bad('architecture: a logistic network has no hidden layers');
  if (kind === 'mlp' && hidden.length === 0)
    return bad('architecture: an mlp has at least one hidden layer');
  if (m.layers.length !== hidden.length + 1)
    return shape(
      `layers: ${m.layers.length} layers for ${hidden.length} hidden layers and the output`,
    );
  let width = inputs;
  let weights = 0;
  for (let l = 0; l < m.layers.length; l++) {
    const layer = m.layers[l];
    const output = l === hidden.length;
    if (output && (layer.units !== 1 || layer.activation !== 'linear'))
      return shape(`layers.${l}: the output layer is one linear unit`);
    if (!output && (layer.units !== hidden[l].units || layer.activation !== hidden[l].activation))
      return shape(
        `layers.${l}: ${layer.units} ${layer.activation} units where the architecture has ${hidden[l].units} ${hidden[l].activation}`,
      );
    if (layer.inputs !== width)
      return shape(`layers.${l}: reads ${layer.inputs} values where ${width} come in`);
    weights += layer.inputs * layer.units + layer.units;
    width = layer.units;
  }
  // The size the shapes declare, before the arrays are held to them.
  if (weights > MAX_WEIGHTS)
    return { code: 'network-file.weights-too-large', params: { limit: MAX_WEIGHTS } };
  for (let l = 0; l < m.layers.length; l++) {
    const layer = m.layers[l];
    if (layer.kernel.length !== layer.inputs * layer.units)
      return shape(
        `layers.${l}.kernel: ${layer.kernel.length} values for ${layer.inputs} × ${layer.units}`,
      );
    if (layer.bias.length !== layer.units)
      return shape(`layers.${l}.bias: ${layer.bias.length} values for ${layer.units} units`);
  }
  return null;
}

/** The network as this app's JSON model file. */
export function networkToJson(m: NetworkModel): string {
  // A network that would not read back is a bug upstream: refuse to write a broken file.
  const problem = networkProblem(m);
  if (problem) throw new EngineError(problem.code, problem.params);
  const indented = (value: unknown) => JSON.stringify(value, null, 2).replace(/\n/g, '\n  ');
  const layers = m.layers
    .map(
      (l) =>
        `    { "inputs": ${l.inputs}, "units": ${l.units}, "activation": ${JSON.stringify(l.activation)},\n` +
        `      "kernel": ${JSON.stringify(l.kernel)},\n` +
        `      "bias": ${JSON.stringify(l.bias)} }`,
    )
    .join(',\n');
  return [
    '{',
    `  "format": ${JSON.stringify(m.format)},`,
    `  "version": ${m.version},`,
    `  "pipeline": ${indented(m.pipeline)},`,
    `  "scaling": {`,
    `    "center": ${JSON.stringify(m.scaling.center)},`,
    `    "scale": ${JSON.stringify(m.scaling.scale)}`,
    `  },`,
    `  "architecture": ${indented(m.architecture)},`,
    `  "layers": [\n${layers}\n  ],`,
    `  "offset": ${JSON.stringify(m.offset)}`,
    '}',
  ].join('\n');
}

/**
 * A network from a JSON model file's text, or an EngineError:
 *   network-file.too-large          longer than NETWORK_FILE_CHARS ({limit})
 *   network-file.not-json           not JSON at all
 *   network-file.not-network        JSON, but not this app's network file
 *   network-file.version            a newer format version than this app reads ({version}, {supported})
 *   network-file.invalid            a field is wrong, or the parts disagree ({reason})
 *   network-file.shape              the layers, weights and inputs do not fit together ({reason})
 *   network-file.weights-too-large  more than MAX_WEIGHTS weights ({limit})
 */
export function networkFromJson(text: string): NetworkModel {
  if (text.length > NETWORK_FILE_CHARS)
    throw new EngineError('network-file.too-large', { limit: NETWORK_FILE_CHARS });
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new EngineError('network-file.not-json', {});
  }
  if (!isRecord(value) || value.format !== NETWORK_FORMAT)
    throw new EngineError('network-file.not-network', {});
  checkVersion(value.version);
  const parsed = networkSchema.safeParse(value);
  if (!parsed.success) throw invalid(parsed.error);
  const m = parsed.data as NetworkModel;
  const problem = networkProblem(m);
  if (problem) throw new EngineError(problem.code, problem.params);
  return m;
}

/** network-file.version for a version newer than this app reads; anything else is left to the schema. */
export function checkVersion(version: unknown): void {
  if (typeof version === 'number' && Number.isInteger(version) && version > NETWORK_VERSION)
    throw new EngineError('network-file.version', { version, supported: NETWORK_VERSION });
}

export function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
