// The float64 forward pass of a stored NetworkModel over a design matrix, and
// the gradient of its logit with respect to the standardised inputs by
// backpropagation. Pure; runs in Node, the workers and the page, without
// TF.js: a stored network is a few small matrices, and scoring a million rows
// by plain loops took 0.8–0.9 s where TF.js's cpu backend took 3.0 s
// (docs/perf/network-scoring.md).
//
// The logits returned here leave the offset out (P = σ(logit + offset)): the
// offset is a constant shift of every row, and integrated gradients
// (./reasons.ts) and the gradients below are of the network itself.
// `probabilities` adds it.
//
// A design row is read as ./types.ts says: column 0 (the intercept) is
// skipped and input j is (X[j + 1] − center[j]) / scale[j], standardised
// before the first layer rather than folded into its weights, because
// folding subtracts Σ w·center/scale from the bias, which loses digits when
// a column's centre is large against its spread.
//
// Speed: rows go through the layers BLOCK at a time, every buffer allocated
// once per call; each dense layer is a small matrix product whose inner loop
// (`dense`) keeps 4 rows × 2 units of sums in registers, so that each weight
// and input read is used several times: V8 neither vectorises nor hoists
// typed-array bounds checks, and one row at a time was about 3× slower
// (docs/perf/network-scoring.md).

import type { Design } from '../types';
import type { NetworkModel } from './types';

/** Rows through the layers at a time: a block's buffers (≤ BLOCK × widest layer) stay in the L1/L2 cache. */
export const BLOCK = 64;

// Activation codes, so the hot loops switch on a small integer rather than a string.
export const LINEAR = 0;
export const RELU = 1;
export const TANH = 2;
export const SIGMOID = 3;
export const ELU = 4;
const CODES = { linear: LINEAR, relu: RELU, tanh: TANH, sigmoid: SIGMOID, elu: ELU } as const;

export interface PreparedLayer {
  inputs: number;
  units: number;
  activation: number;
  /** Unit-major copy of the kernel, unitMajor[j * inputs + i]: the forward pass reads one unit's weights in a run. */
  unitMajor: Float64Array;
  /** The kernel as stored, kernel[i * units + j]: backpropagation reads one input's weights in a run. */
  kernel: Float64Array;
  bias: Float64Array;
}

/** A NetworkModel as the loops read it: typed arrays, codes for the activations. */
export interface PreparedNetwork {
  /** Standardised inputs = design columns after the intercept. */
  inputs: number;
  center: Float64Array;
  scale: Float64Array;
  layers: PreparedLayer[];
  offset: number;
  /** The most units of any layer, and the inputs: a buffer this wide holds any layer's values. */
  widest: number;
  /** Zeros, `widest` long: the bias of the products that have none. */
  zeros: Float64Array;
}

/**
 * The network in the form the loops read. A model whose parts do not fit
 * together is a bug upstream (files are checked by ./networkFile.ts and
 * ./layersFormat.ts before they become models): a plain Error.
 */
export function prepareNetwork(model: NetworkModel): PreparedNetwork {
  const { layers, scaling } = model;
  const inputs = model.pipeline.coefficients.length - 1;
  if (scaling.center.length !== inputs || scaling.scale.length !== inputs)
    throw new Error(
      `network: scaling for ${scaling.center.length} inputs, the pipeline has ${inputs}`,
    );
  if (layers.length === 0) throw new Error('network: no layers');
  let width = inputs;
  let widest = inputs;
  const prepared = layers.map((layer, l): PreparedLayer => {
    const { units } = layer;
    if (layer.inputs !== width)
      throw new Error(`network: layer ${l} reads ${layer.inputs} values, gets ${width}`);
    if (layer.kernel.length !== width * units || layer.bias.length !== units)
      throw new Error(`network: layer ${l} has the wrong number of weights`);
    const code = CODES[layer.activation];
    if (code === undefined) throw new Error(`network: layer ${l} activation ${layer.activation}`);
    const kernel = Float64Array.from(layer.kernel);
    const unitMajor = new Float64Array(kernel.length);
    for (let i = 0; i < width; i++)
      for (let j = 0; j < units; j++) unitMajor[j * width + i] = kernel[i * units + j];
    width = units;
    widest = Math.max(widest, units);
    return {
      inputs: layer.inputs,
      units,
      activation: code,
      unitMajor,
      kernel,
      bias: Float64Array.from(layer.bias),
    };
  });
  const last = prepared[prepared.length - 1];
  if (last.units !== 1 || last.activation !== LINEAR)
    throw new Error('network: the last layer must be one linear unit (the logit)');
  return {
    inputs,
    center: Float64Array.from(scaling.center),
    scale: Float64Array.from(scaling.scale),
    layers: prepared,
    offset: model.offset,
    widest,
    zeros: new Float64Array(widest),
  };
}

/** A model prepared once, or as it is when it already was (callers scoring many blocks prepare once). */
export function asPrepared(model: NetworkModel | PreparedNetwork): PreparedNetwork {
  return 'pipeline' in model ? prepareNetwork(model) : model;
}

function checkDesign(net: PreparedNetwork, design: Design): void {
  if (design.p !== net.inputs + 1)
    throw new Error(`network: a design of ${design.p} columns for ${net.inputs} inputs`);
}

/**
 * out[outAt + r·units + j] = bias[j] + Σᵢ inp[inAt + r·nIn + i] · weights[j·nIn + i]
 * for r < rows: a block of rows times a unit-major matrix. Sums run in input
 * order; 4 rows × 2 units are summed at once (see the header).
 */
export function dense(
  inp: Float64Array,
  inAt: number,
  nIn: number,
  out: Float64Array,
  outAt: number,
  units: number,
  weights: Float64Array,
  bias: Float64Array,
  rows: number,
): void {
  let r = 0;
  for (; r + 4 <= rows; r += 4) {
    const i0 = inAt + r * nIn;
    const i1 = i0 + nIn;
    const i2 = i1 + nIn;
    const i3 = i2 + nIn;
    const o0 = outAt + r * units;
    const o1 = o0 + units;
    const o2 = o1 + units;
    const o3 = o2 + units;
    let j = 0;
    for (; j + 2 <= units; j += 2) {
      const b0 = bias[j];
      const b1 = bias[j + 1];
      let a00 = b0,
        a10 = b0,
        a20 = b0,
        a30 = b0,
        a01 = b1,
        a11 = b1,
        a21 = b1,
        a31 = b1;
      const k0 = j * nIn;
      const k1 = k0 + nIn;
      for (let i = 0; i < nIn; i++) {
        const w0 = weights[k0 + i];
        const w1 = weights[k1 + i];
        const x0 = inp[i0 + i];
        const x1 = inp[i1 + i];
        const x2 = inp[i2 + i];
        const x3 = inp[i3 + i];
        a00 += x0 * w0;
        a10 += x1 * w0;
        a20 += x2 * w0;
        a30 += x3 * w0;
        a01 += x0 * w1;
        a11 += x1 * w1;
        a21 += x2 * w1;
        a31 += x3 * w1;
      }
      out[o0 + j] = a00;
      out[o0 + j + 1] = a01;
      out[o1 + j] = a10;
      out[o1 + j + 1] = a11;
      out[o2 + j] = a20;
      out[o2 + j + 1] = a21;
      out[o3 + j] = a30;
      out[o3 + j + 1] = a31;
    }
    for (; j < units; j++) {
      const b0 = bias[j];
      let a0 = b0,
        a1 = b0,
        a2 = b0,
        a3 = b0;
      const k = j * nIn;
      for (let i = 0; i < nIn; i++) {
        const w = weights[k + i];
        a0 += inp[i0 + i] * w;
        a1 += inp[i1 + i] * w;
        a2 += inp[i2 + i] * w;
        a3 += inp[i3 + i] * w;
      }
      out[o0 + j] = a0;
      out[o1 + j] = a1;
      out[o2 + j] = a2;
      out[o3 + j] = a3;
    }
  }
  for (; r < rows; r++) {
    const ib = inAt + r * nIn;
    const o = outAt + r * units;
    for (let j = 0; j < units; j++) {
      let acc = bias[j];
      const k = j * nIn;
      for (let i = 0; i < nIn; i++) acc += inp[ib + i] * weights[k + i];
      out[o + j] = acc;
    }
  }
}

/** The activation applied in place to values[0 … count). */
export function activate(values: Float64Array, count: number, activation: number): void {
  switch (activation) {
    case RELU:
      for (let k = 0; k < count; k++) if (values[k] < 0) values[k] = 0;
      return;
    case TANH:
      // tanh z = (e²ᶻ − 1)/(e²ᶻ + 1) by expm1: within 2 ulp of Math.tanh and about a fifth
      // faster in V8 (docs/perf/network-scoring.md); above 20, tanh z rounds to 1.
      for (let k = 0; k < count; k++) {
        const z = values[k];
        if (z > 20) values[k] = 1;
        else {
          const e = Math.expm1(2 * z);
          values[k] = e / (e + 2);
        }
      }
      return;
    case SIGMOID:
      for (let k = 0; k < count; k++) values[k] = 1 / (1 + Math.exp(-values[k]));
      return;
    case ELU:
      // Keras' elu with α = 1; expm1 keeps the digits near 0 that exp(z) − 1 loses.
      for (let k = 0; k < count; k++) if (values[k] < 0) values[k] = Math.expm1(values[k]);
      return;
  }
}

/**
 * delta[k] *= the activation's derivative, read from its output a = values[k]:
 * relu 1 where a > 0 (0 at the kink, as TF's relu gradient), tanh 1 − a²,
 * sigmoid a(1 − a), elu 1 where a ≥ 0 else a + 1 (= eᶻ).
 */
export function derive(
  delta: Float64Array,
  values: Float64Array,
  count: number,
  activation: number,
): void {
  switch (activation) {
    case RELU:
      for (let k = 0; k < count; k++) if (!(values[k] > 0)) delta[k] = 0;
      return;
    case TANH:
      for (let k = 0; k < count; k++) {
        const a = values[k];
        delta[k] *= 1 - a * a;
      }
      return;
    case SIGMOID:
      for (let k = 0; k < count; k++) {
        const a = values[k];
        delta[k] *= a * (1 - a);
      }
      return;
    case ELU:
      for (let k = 0; k < count; k++) {
        const a = values[k];
        if (a < 0) delta[k] *= a + 1;
      }
      return;
  }
}

/** Buffers for `rows` rows at a time: the standardised inputs, each layer's outputs, and their gradients. */
export interface Workspace {
  rows: number;
  x: Float64Array;
  /** acts[l]: layer l's outputs (after its activation), rows × units. */
  acts: Float64Array[];
  /** deltas[l]: ∂logit / ∂(layer l's pre-activation), rows × units. */
  deltas: Float64Array[];
}

export function workspace(net: PreparedNetwork, rows: number): Workspace {
  return {
    rows,
    x: new Float64Array(rows * net.inputs),
    acts: net.layers.map((l) => new Float64Array(rows * l.units)),
    deltas: net.layers.map((l) => new Float64Array(rows * l.units)),
  };
}

/** Design rows from … from + rows − 1, standardised into x (rows × inputs). */
export function standardise(
  net: PreparedNetwork,
  design: Design,
  from: number,
  rows: number,
  x: Float64Array,
): void {
  const { X, p } = design;
  const { inputs: q, center, scale } = net;
  for (let r = 0; r < rows; r++) {
    const base = (from + r) * p + 1;
    const o = r * q;
    for (let j = 0; j < q; j++) x[o + j] = (X[base + j] - center[j]) / scale[j];
  }
}

/** The layers applied to ws.x's first `rows` rows; the logits end in ws.acts[last]. */
export function forwardBlock(net: PreparedNetwork, ws: Workspace, rows: number): void {
  let inp = ws.x;
  for (let l = 0; l < net.layers.length; l++) {
    const layer = net.layers[l];
    const out = ws.acts[l];
    dense(inp, 0, layer.inputs, out, 0, layer.units, layer.unitMajor, layer.bias, rows);
    activate(out, rows * layer.units, layer.activation);
    inp = out;
  }
}

/**
 * Backpropagation after forwardBlock: ws.deltas[l] = ∂logit/∂(layer l's
 * pre-activation) for every layer, from the output's 1 back to the first
 * layer's. The gradient with respect to the inputs is then deltas[0] times
 * the first kernel (inputGradients).
 */
export function backwardBlock(net: PreparedNetwork, ws: Workspace, rows: number): void {
  const L = net.layers.length;
  ws.deltas[L - 1].fill(1, 0, rows);
  for (let l = L - 1; l >= 1; l--) {
    const layer = net.layers[l];
    const below = net.layers[l - 1];
    // δ_{l−1}[i] = Σⱼ kernel[i·units + j] δ_l[j]: the stored kernel is the unit-major matrix of this product.
    dense(
      ws.deltas[l],
      0,
      layer.units,
      ws.deltas[l - 1],
      0,
      layer.inputs,
      layer.kernel,
      net.zeros,
      rows,
    );
    derive(ws.deltas[l - 1], ws.acts[l - 1], rows * below.units, below.activation);
  }
}

/**
 * The network's logit for every design row, WITHOUT the offset (add
 * model.offset for the log-odds that P = σ(·) of): out[i] for design row i.
 */
export function logits(
  design: Design,
  model: NetworkModel | PreparedNetwork,
  out: Float64Array = new Float64Array(design.n),
): Float64Array {
  const net = asPrepared(model);
  checkDesign(net, design);
  const ws = workspace(net, Math.min(BLOCK, Math.max(design.n, 1)));
  const result = ws.acts[net.layers.length - 1];
  for (let from = 0; from < design.n; from += BLOCK) {
    const rows = Math.min(BLOCK, design.n - from);
    standardise(net, design, from, rows, ws.x);
    forwardBlock(net, ws, rows);
    for (let r = 0; r < rows; r++) out[from + r] = result[r];
  }
  return out;
}

/** P(positive) for every design row: σ(logit + offset). */
export function probabilities(
  design: Design,
  model: NetworkModel | PreparedNetwork,
  out: Float64Array = new Float64Array(design.n),
): Float64Array {
  const net = asPrepared(model);
  logits(design, net, out);
  const offset = net.offset;
  for (let i = 0; i < design.n; i++) out[i] = 1 / (1 + Math.exp(-(out[i] + offset)));
  return out;
}

/**
 * ∂logit/∂input at every design row, with respect to the standardised
 * inputs: out[i · inputs + j] for design row i and input j (design column
 * j + 1). Divide by scale[j] for the gradient in the design column's own
 * units. `logitsOut`, when given, receives the logits (without offset).
 */
export function inputGradients(
  design: Design,
  model: NetworkModel | PreparedNetwork,
  out?: Float64Array,
  logitsOut?: Float64Array,
): Float64Array {
  const net = asPrepared(model);
  checkDesign(net, design);
  const q = net.inputs;
  const gradients = out ?? new Float64Array(design.n * q);
  const first = net.layers[0];
  const ws = workspace(net, Math.min(BLOCK, Math.max(design.n, 1)));
  const result = ws.acts[net.layers.length - 1];
  for (let from = 0; from < design.n; from += BLOCK) {
    const rows = Math.min(BLOCK, design.n - from);
    standardise(net, design, from, rows, ws.x);
    forwardBlock(net, ws, rows);
    backwardBlock(net, ws, rows);
    dense(ws.deltas[0], 0, first.units, gradients, from * q, q, first.kernel, net.zeros, rows);
    if (logitsOut) for (let r = 0; r < rows; r++) logitsOut[from + r] = result[r];
  }
  return gradients;
}
