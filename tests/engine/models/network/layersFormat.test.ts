// TF.js Layers format: what is exported loads in TF.js 4.22 (tf.loadLayersModel,
// cpu backend, both from memory and over a fetch of model.json and weights.bin)
// and predicts our forward pass's probabilities to float32 precision; what is
// imported is the network the files hold; a hostile or broken pair of files
// is refused with a code that says what is wrong.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { EngineError } from '../../../../src/lib/engine/data/table';
import { probabilities } from '../../../../src/lib/engine/models/network/forward';
import {
  LAYERS_JSON_CHARS,
  networkFromLayers,
  networkToLayers,
  WEIGHTS_PATH,
  type LayersModelJson,
} from '../../../../src/lib/engine/models/network/layersFormat';
import { MAX_WEIGHTS } from '../../../../src/lib/engine/models/network/networkFile';
import { ACTIVATIONS, type NetworkModel } from '../../../../src/lib/engine/models/network/types';
import { book, randomNetwork, standardisedInputs, type Book } from './tinyNetworks';

let b: Book;
let model: NetworkModel;
beforeAll(async () => {
  await tf.setBackend('cpu');
  b = book(131, 'layers', true);
  model = randomNetwork(
    b,
    [
      { units: 12, activation: 'relu' },
      { units: 6, activation: 'tanh' },
    ],
    'layers',
    -0.42,
  );
});

const predictions = (seq: tf.LayersModel, m: NetworkModel) =>
  tf.tidy(() =>
    (
      seq.predict(
        tf.tensor2d(Float32Array.from(standardisedInputs(b.design, m)), [
          b.design.n,
          b.design.p - 1,
        ]),
      ) as tf.Tensor
    ).dataSync(),
  );

/** Within float32 precision (TF.js computes in float32; ε = 1.2e-7). */
function float32Close(ours: Float64Array, theirs: ArrayLike<number>): void {
  expect(theirs.length).toBe(ours.length);
  for (let i = 0; i < ours.length; i++)
    if (!(Math.abs(ours[i] - theirs[i]) <= 2e-6))
      throw new Error(`row ${i}: ${ours[i]} vs ${theirs[i]}`);
}

/** The model with its weights as float32 holds them, the output bias (float32(b + offset)) − offset. */
function asFloat32(m: NetworkModel): NetworkModel {
  const last = m.layers.length - 1;
  return {
    ...m,
    layers: m.layers.map((l, k) => ({
      ...l,
      kernel: l.kernel.map(Math.fround),
      bias: l.bias.map((v) => (k === last ? Math.fround(v + m.offset) - m.offset : Math.fround(v))),
    })),
  };
}

describe('export to TF.js', () => {
  it('loads from memory with tf.loadLayersModel and predicts our probabilities', async () => {
    const before = tf.memory().numTensors;
    const { json, weights } = networkToLayers(model);
    const parsed = JSON.parse(json) as LayersModelJson;
    expect(parsed.format).toBe('layers-model');
    expect(parsed.convertedBy).toBeNull();
    expect(parsed.weightsManifest).toHaveLength(1);
    expect(parsed.weightsManifest[0].paths).toEqual([WEIGHTS_PATH]);
    const seq = await tf.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: parsed.modelTopology,
        weightSpecs: parsed.weightsManifest[0].weights,
        weightData: weights.slice().buffer,
        userDefinedMetadata: parsed.userDefinedMetadata,
      }),
    );
    float32Close(probabilities(b.design, model), predictions(seq, model));
    expect(seq.getUserDefinedMetadata()).toEqual(parsed.userDefinedMetadata);
    seq.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('loads over fetch as a TF.js user would (model.json beside weights.bin)', async () => {
    const { json, weights } = networkToLayers(model);
    const served: Record<string, BodyInit> = {
      'https://example.test/churn/model.json': json,
      [`https://example.test/churn/${WEIGHTS_PATH}`]: weights.slice(),
    };
    const fetchFunc = async (url: RequestInfo | URL) =>
      new Response(served[String(url)], { status: 200 });
    const seq = await tf.loadLayersModel('https://example.test/churn/model.json', { fetchFunc });
    float32Close(probabilities(b.design, model), predictions(seq, model));
    seq.dispose();
  });

  it('names the weights file as it is saved, and TF.js fetches it by that name', async () => {
    const { json, weights } = networkToLayers(model, 'churn-weights.bin');
    expect((JSON.parse(json) as LayersModelJson).weightsManifest[0].paths).toEqual([
      'churn-weights.bin',
    ]);
    const served: Record<string, BodyInit> = {
      'https://example.test/churn/churn-model.json': json,
      'https://example.test/churn/churn-weights.bin': weights.slice(),
    };
    const fetchFunc = async (url: RequestInfo | URL) =>
      String(url) in served
        ? new Response(served[String(url)], { status: 200 })
        : new Response(null, { status: 404 });
    const seq = await tf.loadLayersModel('https://example.test/churn/churn-model.json', {
      fetchFunc,
    });
    float32Close(probabilities(b.design, model), predictions(seq, model));
    seq.dispose();
    // The same weights as under the default name: only the manifest's path differs.
    expect(weights).toEqual(networkToLayers(model).weights);
  });

  for (const activation of ACTIVATIONS)
    it(`${activation}: the same probabilities through TF.js`, async () => {
      const m = randomNetwork(b, [{ units: 5, activation }], `layers-${activation}`, 0.3);
      const { json, weights } = networkToLayers(m);
      const parsed = JSON.parse(json) as LayersModelJson;
      const seq = await tf.loadLayersModel(
        tf.io.fromMemory({
          modelTopology: parsed.modelTopology,
          weightSpecs: parsed.weightsManifest[0].weights,
          weightData: weights.slice().buffer,
        }),
      );
      float32Close(probabilities(b.design, m), predictions(seq, m));
      seq.dispose();
    });

  it('a logistic network exports as one sigmoid Dense layer', () => {
    const m = randomNetwork(b, [], 'layers-logistic');
    const parsed = JSON.parse(networkToLayers(m).json) as LayersModelJson;
    const layers = parsed.modelTopology.config.layers;
    expect(layers).toHaveLength(1);
    expect(layers[0].config).toMatchObject({
      units: 1,
      activation: 'sigmoid',
      batch_input_shape: [null, b.design.p - 1],
    });
  });
});

describe('import', () => {
  it('gives back the model with float32 weights; exporting that again writes the same files', () => {
    const first = networkToLayers(model);
    const back = networkFromLayers(first.json, first.weights);
    expect(back).toEqual(asFloat32(model));
    const again = networkToLayers(back);
    expect(again.json).toBe(first.json);
    expect([...again.weights]).toEqual([...first.weights]);
  });

  it('reads a file TF.js loaded and saved again', async () => {
    const { json, weights } = networkToLayers(model);
    const parsed = JSON.parse(json) as LayersModelJson;
    const seq = await tf.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: parsed.modelTopology,
        weightSpecs: parsed.weightsManifest[0].weights,
        weightData: weights.slice().buffer,
        userDefinedMetadata: parsed.userDefinedMetadata,
      }),
    );
    let saved: tf.io.ModelArtifacts | undefined;
    await seq.save(
      tf.io.withSaveHandler(async (artifacts) => {
        saved = artifacts;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    seq.dispose();
    // model.json as TF.js' browserHTTPRequest writes it from the artifacts.
    const resaved = JSON.stringify({
      modelTopology: saved!.modelTopology,
      format: saved!.format,
      generatedBy: saved!.generatedBy,
      convertedBy: saved!.convertedBy,
      weightsManifest: [{ paths: [WEIGHTS_PATH], weights: saved!.weightSpecs }],
      userDefinedMetadata: saved!.userDefinedMetadata,
    });
    const bytes = new Uint8Array(saved!.weightData as ArrayBuffer);
    expect(networkFromLayers(resaved, bytes)).toEqual(asFloat32(model));
  });

  it('accepts the weights as an ArrayBuffer or a view into a larger buffer', () => {
    const { json, weights } = networkToLayers(model);
    const padded = new Uint8Array(weights.length + 8);
    padded.set(weights, 4);
    expect(networkFromLayers(json, padded.subarray(4, 4 + weights.length))).toEqual(
      asFloat32(model),
    );
    expect(networkFromLayers(json, weights.slice().buffer)).toEqual(asFloat32(model));
  });
});

/** The error a call throws, as code and params. */
function refusal(f: () => unknown): { code: string; params: Record<string, string | number> } {
  try {
    f();
  } catch (e) {
    if (e instanceof EngineError) return { code: e.code, params: e.params };
    throw e;
  }
  throw new Error('expected an EngineError');
}

// model.json edited by hand in a test: any shape, on purpose.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

describe('hostile or broken files', () => {
  const files = () => networkToLayers(model);
  const edited = (change: (j: Json) => void): string => {
    const j = JSON.parse(files().json);
    change(j);
    return JSON.stringify(j);
  };
  const read = (json: string, weights = files().weights) =>
    refusal(() => networkFromLayers(json, weights));

  it('oversized model.json or weights: too-large, weights-too-large, before parsing', () => {
    expect(read(' '.repeat(LAYERS_JSON_CHARS + 1))).toEqual({
      code: 'network-file.too-large',
      params: { limit: LAYERS_JSON_CHARS },
    });
    expect(read(files().json, new Uint8Array(MAX_WEIGHTS * 4 + 4))).toEqual({
      code: 'network-file.weights-too-large',
      params: { limit: MAX_WEIGHTS },
    });
  });

  it('not JSON, or not a Layers model of this app: not-json, not-network', () => {
    expect(read('{"format": ').code).toBe('network-file.not-json');
    expect(read('[]').code).toBe('network-file.not-network');
    expect(read(edited((j) => (j.format = 'graph-model'))).code).toBe('network-file.not-network');
    expect(read(edited((j) => delete j.userDefinedMetadata)).code).toBe('network-file.not-network');
    expect(
      read(edited((j) => (j.userDefinedMetadata.lifecycleLab.format = 'lifecycle-lab.logistic')))
        .code,
    ).toBe('network-file.not-network');
  });

  it('a newer version of this app’s metadata: version', () => {
    expect(read(edited((j) => (j.userDefinedMetadata.lifecycleLab.version = 2)))).toEqual({
      code: 'network-file.version',
      params: { version: 2, supported: 1 },
    });
  });

  it('__proto__ keys anywhere are refused as unknown', () => {
    const { json } = files();
    // Spliced into the text: JSON.parse makes an own "__proto__" property, an object literal would not.
    const cases = [
      json.replace(
        '"format": "layers-model"',
        '"__proto__": {"polluted": true}, "format": "layers-model"',
      ),
      json.replace('"lifecycleLab": {', '"lifecycleLab": {"__proto__": {"polluted": true}, '),
      json.replace('"units": 12,', '"units": 12, "__proto__": {"polluted": true},'),
      json.replace('"target": {', '"target": {"__proto__": {"polluted": true}, '),
    ];
    for (const text of cases) {
      expect(text).not.toBe(json);
      const r = read(text);
      expect(r.code).toBe('network-file.invalid');
      expect(String(r.params.reason)).toMatch(/__proto__/);
    }
    expect(({} as Json).polluted).toBeUndefined();
  });

  it('a layer other than Dense: unsupported-layer', () => {
    const text = edited((j) => {
      j.modelTopology.config.layers.splice(1, 0, {
        class_name: 'Dropout',
        config: { rate: 0.1, name: 'dropout_1' },
      });
    });
    expect(read(text)).toEqual({
      code: 'network-file.unsupported-layer',
      params: { layer: 'Dropout' },
    });
    expect(read(edited((j) => (j.modelTopology.config.layers[0].class_name = 'Conv2D')))).toEqual({
      code: 'network-file.unsupported-layer',
      params: { layer: 'Conv2D' },
    });
  });

  it('an activation this app does not compute: unsupported-activation', () => {
    expect(
      read(edited((j) => (j.modelTopology.config.layers[0].config.activation = 'selu'))),
    ).toEqual({
      code: 'network-file.unsupported-activation',
      params: { activation: 'selu' },
    });
  });

  it('shapes that do not chain, or disagree with the pipeline or architecture: shape', () => {
    const layer = (j: Json, l: number) => j.modelTopology.config.layers[l].config;
    const specs = (j: Json) => j.weightsManifest[0].weights;
    const q = b.design.p - 1;
    const cases: [string, (j: Json) => void, RegExp][] = [
      // 12 → 13 units: the manifest's [q, 12] kernel no longer fits.
      ['units', (j) => (layer(j, 0).units = 13), /dense_1\/kernel/],
      ['kernel shape', (j) => (specs(j)[2].shape = [6, 12]), /dense_2\/kernel/],
      ['input width', (j) => (layer(j, 0).batch_input_shape = [null, q + 1]), /dense_1\/kernel/],
      ['no input shape', (j) => delete layer(j, 0).batch_input_shape, /batch_input_shape/],
      ['output units', (j) => (layer(j, 2).units = 2), /output layer/],
      ['output activation', (j) => (layer(j, 2).activation = 'relu'), /output layer/],
      ['missing weights', (j) => (specs(j)[1].name = 'dense_9/bias'), /dense_1\/bias/],
      [
        'architecture',
        (j) => (j.userDefinedMetadata.lifecycleLab.architecture.hidden[1].activation = 'elu'),
        /architecture/,
      ],
      ['scaling', (j) => j.userDefinedMetadata.lifecycleLab.scaling.center.pop(), /scaling/],
    ];
    for (const [label, change, reason] of cases) {
      const r = read(edited(change));
      expect(r.code, label).toBe('network-file.shape');
      expect(String(r.params.reason), label).toMatch(reason);
    }
  });

  it('weights.bin shorter or longer than the manifest: weights-size', () => {
    const { json, weights } = files();
    expect(read(json, weights.subarray(0, weights.length - 4))).toEqual({
      code: 'network-file.weights-size',
      params: { expected: weights.length, actual: weights.length - 4 },
    });
    const longer = new Uint8Array(weights.length + 1);
    longer.set(weights);
    expect(read(json, longer).code).toBe('network-file.weights-size');
  });

  it('a NaN or infinite weight: not-finite, naming it', () => {
    const { json, weights } = files();
    const q = b.design.p - 1;
    for (const bad of [NaN, Infinity]) {
      const bytes = weights.slice();
      // The first value after dense_1's kernel (q × 12) is dense_1's first bias.
      new DataView(bytes.buffer).setFloat32(q * 12 * 4, bad, true);
      expect(read(json, bytes)).toEqual({
        code: 'network-file.not-finite',
        params: { weight: 'dense_1/bias' },
      });
    }
  });

  it('a field of the wrong kind: invalid, naming the field', () => {
    const cases: [(j: Json) => void, RegExp][] = [
      [
        (j) => (j.weightsManifest[0].weights[0].dtype = 'float16'),
        /weightsManifest\.0\.weights\.0\.dtype/,
      ],
      [(j) => j.weightsManifest.push(j.weightsManifest[0]), /weightsManifest/],
      [(j) => (j.modelTopology.class_name = 'Model'), /modelTopology\.class_name/],
      [(j) => (j.modelTopology.config.layers[0].config.units = 1.5), /layers\.0\.config\.units/],
      [(j) => (j.userDefinedMetadata.lifecycleLab.offset = '0'), /offset/],
      [(j) => (j.userDefinedMetadata.lifecycleLab.scaling.scale[0] = 0), /scaling\.scale\.0/],
      [
        (j) => (j.userDefinedMetadata.lifecycleLab.pipeline.coefficients[1].name = 'ages'),
        /pipeline/,
      ],
      [(j) => (j.modelTopology.config.layers[1].config.name = 'dense_1'), /share a name/],
    ];
    for (const [change, reason] of cases) {
      const r = read(edited(change));
      expect(r.code).toBe('network-file.invalid');
      expect(String(r.params.reason)).toMatch(reason);
    }
  });

  it('refuses to export a network whose weights float32 cannot hold', () => {
    const huge = {
      ...model,
      layers: model.layers.map((l, k) =>
        k === 0 ? { ...l, kernel: [1e39, ...l.kernel.slice(1)] } : l,
      ),
    };
    expect(refusal(() => networkToLayers(huge))).toEqual({
      code: 'network-file.not-finite',
      params: { weight: 'dense_1/kernel' },
    });
  });
});
