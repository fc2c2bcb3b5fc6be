// A NetworkModel as TensorFlow.js Layers format — model.json and one
// weights.bin — and back. Pure (TF.js is not loaded: the format is JSON and
// little-endian float32); runs on the page (exporting), in the compute worker
// (importing) and in Node (tests).
//
// model.json is what tfjs-layers 4.x's `model.save` writes for a Sequential
// model (its field names, Keras' snake_case config): one Dense layer per
// stored layer, the first with batch_input_shape [null, inputs]; the output
// layer's activation is 'sigmoid' and its bias has the offset added, so that
// `(await tf.loadLayersModel(url)).predict(x)` gives P(positive) for the
// standardised inputs x. The pipeline, scaling, architecture and offset ride
// in model.json's `userDefinedMetadata.lifecycleLab` (TF.js keeps that field
// through a load and save: model.getUserDefinedMetadata()), which is how an
// importer knows which columns the inputs are and how to standardise them.
// Training-only parts of the architecture (dropout, the L2 penalty) are in
// the metadata; the L2 penalty is also each kernel's regulariser, Keras'
// L1L2 with l1 = 0, so that a TF.js user who trains on has the same loss.
//
// Weights are float32, so a network read back has its weights rounded to
// float32, and its output bias is (float32(bias + offset)) − offset: the
// network the file holds, whose probabilities are TF.js's to float32
// precision. A second export of an imported network writes the same bytes.
//
// Importing reads both files as hostile, as ./networkFile.ts reads its JSON:
// sizes bounded before parsing, the format recognised first, strict schemas
// (unknown keys, `__proto__` among them, refused; the Keras fields this app
// never reads — initialisers, regularisers, constraints — accepted but not
// copied), then the layers checked to chain and to match the architecture,
// the manifest's byte count against weights.bin's, every weight finite.

import { z } from 'zod';
import { EngineError } from '../../data/table';
import {
  architectureSchema,
  checkVersion,
  invalid,
  isRecord,
  MAX_UNITS,
  MAX_WEIGHTS,
  NETWORK_FORMAT,
  NETWORK_VERSION,
  networkProblem,
  scalingSchema,
} from './networkFile';
import { pipelineSchema } from '../modelFile';
import {
  ACTIVATIONS,
  MAX_HIDDEN_LAYERS,
  type Activation,
  type DenseLayer,
  type NetworkModel,
} from './types';

/** The one weights file's name, as the manifest lists it, unless the exporter names it otherwise. */
export const WEIGHTS_PATH = 'weights.bin';
/** The key under userDefinedMetadata that holds this app's part. */
export const METADATA_KEY = 'lifecycleLab';
/** The largest model.json read, in characters: the pipeline (≤ ../modelFile.ts's bound) and a small topology. */
export const LAYERS_JSON_CHARS = 4_000_000;
/** The tfjs-layers release whose format is written (and which the tests load it with). */
const TFJS_LAYERS = '4.22.0';

export interface LayersModelFiles {
  /** model.json's text. */
  json: string;
  /** weights.bin's bytes. */
  weights: Uint8Array;
}

/** model.json as written: TF.js' ModelJSON with one weights group. */
export interface LayersModelJson {
  format: 'layers-model';
  generatedBy: string;
  convertedBy: null;
  modelTopology: {
    class_name: 'Sequential';
    config: { name: string; layers: { class_name: 'Dense'; config: Record<string, unknown> }[] };
    keras_version: string;
    backend: string;
  };
  weightsManifest: {
    paths: string[];
    weights: { name: string; shape: number[]; dtype: 'float32' }[];
  }[];
  userDefinedMetadata: {
    [METADATA_KEY]: Omit<NetworkModel, 'layers'>;
  };
}

const layerName = (l: number) => `dense_${l + 1}`;

/**
 * The network as model.json and weights.bin. `weightsPath` is the weights
 * file's name as saved beside model.json (TF.js fetches it relative to
 * model.json's URL): a download named after the model names it so.
 */
export function networkToLayers(m: NetworkModel, weightsPath = WEIGHTS_PATH): LayersModelFiles {
  const problem = networkProblem(m);
  if (problem) throw new EngineError(problem.code, problem.params);
  const last = m.layers.length - 1;
  const specs: LayersModelJson['weightsManifest'][number]['weights'] = [];
  let total = 0;
  for (const layer of m.layers) total += layer.kernel.length + layer.bias.length;
  const weights = new Uint8Array(total * 4);
  const view = new DataView(weights.buffer);
  let at = 0;
  const write = (name: string, values: readonly number[], shift = 0) => {
    for (const v of values) {
      // (−0 + 0 is +0: the shift is added only where there is one.)
      const f = Math.fround(shift === 0 ? v : v + shift);
      if (!Number.isFinite(f)) throw new EngineError('network-file.not-finite', { weight: name });
      view.setFloat32(at, f, true);
      at += 4;
    }
  };
  const layers = m.layers.map((layer, l) => {
    const name = layerName(l);
    specs.push({ name: `${name}/kernel`, shape: [layer.inputs, layer.units], dtype: 'float32' });
    specs.push({ name: `${name}/bias`, shape: [layer.units], dtype: 'float32' });
    write(`${name}/kernel`, layer.kernel);
    write(`${name}/bias`, layer.bias, l === last ? m.offset : 0);
    return {
      class_name: 'Dense' as const,
      config: {
        units: layer.units,
        activation: l === last ? 'sigmoid' : layer.activation,
        use_bias: true,
        // TF.js' defaults for Dense, as its own save writes them; loading sets the weights after.
        kernel_initializer: {
          class_name: 'VarianceScaling',
          config: { scale: 1, mode: 'fan_avg', distribution: 'normal', seed: null },
        },
        bias_initializer: { class_name: 'Zeros', config: {} },
        kernel_regularizer:
          m.architecture.l2 > 0
            ? { class_name: 'L1L2', config: { l1: 0, l2: m.architecture.l2 } }
            : null,
        bias_regularizer: null,
        activity_regularizer: null,
        kernel_constraint: null,
        bias_constraint: null,
        name,
        trainable: true,
        ...(l === 0 ? { batch_input_shape: [null, layer.inputs] } : {}),
        dtype: 'float32',
      },
    };
  });
  const model: LayersModelJson = {
    format: 'layers-model',
    generatedBy: 'Lifecycle Lab',
    convertedBy: null,
    modelTopology: {
      class_name: 'Sequential',
      config: { name: 'lifecycle_lab_network', layers },
      keras_version: `tfjs-layers ${TFJS_LAYERS}`,
      backend: 'tensor_flow.js',
    },
    weightsManifest: [{ paths: [weightsPath], weights: specs }],
    userDefinedMetadata: {
      [METADATA_KEY]: {
        format: m.format,
        version: m.version,
        pipeline: m.pipeline,
        scaling: m.scaling,
        architecture: m.architecture,
        offset: m.offset,
      },
    },
  };
  return { json: JSON.stringify(model, null, 2), weights };
}

// What is read. Keras fields this app does not use are z.unknown(): accepted, never copied.
const ignored = z.unknown().optional();
const label = z.string().max(200);

const denseConfig = z.strictObject({
  units: z.number().int().min(1).max(MAX_UNITS),
  activation: label,
  use_bias: z.boolean(),
  kernel_initializer: ignored,
  bias_initializer: ignored,
  kernel_regularizer: ignored,
  bias_regularizer: ignored,
  activity_regularizer: ignored,
  kernel_constraint: ignored,
  bias_constraint: ignored,
  name: label.min(1),
  trainable: z.boolean().optional(),
  batch_input_shape: z.tuple([z.null(), z.number().int().min(1).max(MAX_WEIGHTS)]).optional(),
  dtype: z.literal('float32').optional(),
});

const metadataSchema = z.strictObject({
  format: z.literal(NETWORK_FORMAT),
  version: z.literal(NETWORK_VERSION),
  pipeline: pipelineSchema,
  scaling: scalingSchema,
  architecture: architectureSchema,
  offset: z.number().refine(Number.isFinite, 'must be a finite number'),
});

const LAYERS = MAX_HIDDEN_LAYERS + 1;

const modelJsonSchema = z.strictObject({
  format: z.literal('layers-model'),
  generatedBy: label.optional(),
  convertedBy: label.nullable().optional(),
  modelTopology: z.strictObject({
    class_name: z.literal('Sequential'),
    config: z.strictObject({
      name: label,
      layers: z
        .array(z.strictObject({ class_name: label, config: z.unknown() }))
        .min(1)
        .max(LAYERS),
    }),
    keras_version: label.optional(),
    backend: label.optional(),
  }),
  weightsManifest: z
    .array(
      z.strictObject({
        paths: z.array(z.string().max(1000)).length(1),
        weights: z
          .array(
            z.strictObject({
              name: z.string().max(500),
              shape: z.array(z.number().int().min(1).max(MAX_WEIGHTS)).min(1).max(2),
              dtype: z.literal('float32'),
            }),
          )
          .max(2 * LAYERS),
      }),
    )
    .length(1),
  userDefinedMetadata: z.strictObject({ [METADATA_KEY]: metadataSchema }),
  // TF.js writes it for a compiled model; nothing here trains.
  trainingConfig: ignored,
});

/**
 * A network from TF.js Layers files (model.json's text, weights.bin's bytes)
 * written by networkToLayers (or loaded and saved again by TF.js), or an
 * EngineError:
 *   network-file.too-large             model.json longer than LAYERS_JSON_CHARS ({limit})
 *   network-file.weights-too-large     more than MAX_WEIGHTS weights ({limit})
 *   network-file.not-json              model.json is not JSON
 *   network-file.not-network           not a Layers model with this app's metadata
 *   network-file.version               this app's metadata is of a newer version ({version}, {supported})
 *   network-file.unsupported-layer     a layer other than Dense ({layer})
 *   network-file.unsupported-activation an activation other than relu, tanh, sigmoid, elu ({activation})
 *   network-file.invalid               a field is wrong, or the parts disagree ({reason})
 *   network-file.shape                 the layers, weights and inputs do not fit together ({reason})
 *   network-file.weights-size          weights.bin is not as long as the manifest says ({expected}, {actual} bytes)
 *   network-file.not-finite            a weight is NaN or infinite ({weight})
 */
export function networkFromLayers(json: string, bytes: Uint8Array | ArrayBuffer): NetworkModel {
  const weights = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  if (json.length > LAYERS_JSON_CHARS)
    throw new EngineError('network-file.too-large', { limit: LAYERS_JSON_CHARS });
  if (weights.byteLength > MAX_WEIGHTS * 4)
    throw new EngineError('network-file.weights-too-large', { limit: MAX_WEIGHTS });
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new EngineError('network-file.not-json', {});
  }
  const ours =
    isRecord(value) && isRecord(value.userDefinedMetadata)
      ? value.userDefinedMetadata[METADATA_KEY]
      : undefined;
  if (
    !isRecord(value) ||
    value.format !== 'layers-model' ||
    !isRecord(ours) ||
    ours.format !== NETWORK_FORMAT
  )
    throw new EngineError('network-file.not-network', {});
  checkVersion(ours.version);
  const parsed = modelJsonSchema.safeParse(value);
  if (!parsed.success) throw invalid(parsed.error);
  const file = parsed.data;
  const meta = file.userDefinedMetadata[METADATA_KEY];

  const shape = (reason: string) => new EngineError('network-file.shape', { reason });
  const configs = file.modelTopology.config.layers.map((layer, l) => {
    if (layer.class_name !== 'Dense')
      throw new EngineError('network-file.unsupported-layer', { layer: layer.class_name });
    const config = denseConfig.safeParse(layer.config);
    if (!config.success) throw invalid(config.error, `modelTopology.config.layers.${l}.config`);
    return config.data;
  });
  const last = configs.length - 1;
  configs.forEach((c, l) => {
    if (l === last) {
      if (c.activation !== 'sigmoid' || c.units !== 1)
        throw shape(`layers.${l}: the output layer is one sigmoid unit`);
    } else if (!isActivation(c.activation))
      throw new EngineError('network-file.unsupported-activation', { activation: c.activation });
    if (!c.use_bias) throw shape(`layers.${l}: a layer without a bias`);
  });
  if (new Set(configs.map((c) => c.name)).size !== configs.length)
    throw new EngineError('network-file.invalid', {
      reason: 'modelTopology: two layers share a name',
    });
  const inputs = configs[0].batch_input_shape?.[1];
  if (inputs === undefined) throw shape('layers.0: no batch_input_shape');

  // Where each weight lies in weights.bin: the manifest's order, 4 bytes a value.
  const specs = file.weightsManifest[0].weights;
  const place = new Map<string, { shape: number[]; at: number; count: number }>();
  let values = 0;
  for (const spec of specs) {
    if (place.has(spec.name))
      throw new EngineError('network-file.invalid', {
        reason: `weightsManifest: "${spec.name}" appears twice`,
      });
    const count = spec.shape.reduce((a, b) => a * b, 1);
    place.set(spec.name, { shape: spec.shape, at: values * 4, count });
    values += count;
    if (values > MAX_WEIGHTS)
      throw new EngineError('network-file.weights-too-large', { limit: MAX_WEIGHTS });
  }
  if (weights.byteLength !== values * 4)
    throw new EngineError('network-file.weights-size', {
      expected: values * 4,
      actual: weights.byteLength,
    });
  if (specs.length !== 2 * configs.length)
    throw shape(`weightsManifest: ${specs.length} weights for ${configs.length} layers`);

  const view = new DataView(weights.buffer, weights.byteOffset, weights.byteLength);
  const read = (name: string, expected: number[]): number[] => {
    const p = place.get(name);
    if (!p) throw shape(`weightsManifest: no weights "${name}"`);
    if (p.shape.length !== expected.length || p.shape.some((d, k) => d !== expected[k]))
      throw shape(
        `weightsManifest: "${name}" is [${p.shape.join(', ')}], the layers make [${expected.join(', ')}]`,
      );
    const out = new Array<number>(p.count);
    for (let k = 0; k < p.count; k++) {
      const v = view.getFloat32(p.at + 4 * k, true);
      if (!Number.isFinite(v)) throw new EngineError('network-file.not-finite', { weight: name });
      out[k] = v;
    }
    return out;
  };
  let width = inputs;
  const layers = configs.map((c, l): DenseLayer => {
    const kernel = read(`${c.name}/kernel`, [width, c.units]);
    const bias = read(`${c.name}/bias`, [c.units]);
    // The output's bias holds the offset (see the header); the stored network's logit is without it.
    if (l === last) bias[0] -= meta.offset;
    const layer: DenseLayer = {
      inputs: width,
      units: c.units,
      activation: l === last ? 'linear' : (c.activation as Activation),
      kernel,
      bias,
    };
    width = c.units;
    return layer;
  });

  const m: NetworkModel = {
    format: NETWORK_FORMAT,
    version: NETWORK_VERSION,
    pipeline: meta.pipeline,
    scaling: meta.scaling,
    architecture: meta.architecture,
    layers,
    offset: meta.offset,
  };
  const problem = networkProblem(m);
  if (problem) throw new EngineError(problem.code, problem.params);
  return m;
}

function isActivation(name: string): name is Activation {
  return (ACTIVATIONS as readonly string[]).includes(name);
}
