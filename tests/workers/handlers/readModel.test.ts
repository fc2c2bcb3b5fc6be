// 'read-model' through the fake worker: a model file is told by its content —
// PMML, this app's logistic JSON, its network JSON, a TF.js Layers model.json
// with its weights as base64 — and each comes back as the model its own
// reader makes; a Layers model.json without its weights is refused with its
// own message, and a file that is none of these by the logistic reader's.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { bytesToBase64 } from '../../../src/lib/engine/data/base64';
import { modelToJson } from '../../../src/lib/engine/models/modelFile';
import {
  networkFromLayers,
  networkToLayers,
} from '../../../src/lib/engine/models/network/layersFormat';
import { networkToJson } from '../../../src/lib/engine/models/network/networkFile';
import type { NetworkModel } from '../../../src/lib/engine/models/network/types';
import { modelFromPmml } from '../../../src/lib/engine/models/pmml';
import type { LogisticModel } from '../../../src/lib/engine/models/types';
import { book, randomNetwork } from '../../engine/models/network/tinyNetworks';
import { setup } from './setup';

const pmml = readFileSync(
  new URL('../../fixtures/models/pmml/other-tool-logit.pmml', import.meta.url),
  'utf8',
);

let network: NetworkModel;
let logistic: LogisticModel;
beforeAll(() => {
  const b = book(60, 'read-model');
  network = randomNetwork(b, [{ units: 3, activation: 'tanh' }], 'read-model', -0.5);
  logistic = {
    format: 'lifecycle-lab.logistic',
    version: 1,
    pipeline: b.pipeline,
    beta: b.pipeline.coefficients.map((_, j) => (j - 2) / 10),
    offset: 0,
    penalty: null,
  };
});

const read = (params: { text: string; weights?: string; fileName: string }) =>
  setup().client.request('read-model', params);

describe('read-model', () => {
  it('reads this app’s logistic JSON', async () => {
    const result = await read({ text: modelToJson(logistic), fileName: 'churn.json' });
    expect(result).toEqual({ model: logistic, format: 'json', fileName: 'churn.json' });
  });

  it('reads this app’s network JSON', async () => {
    const result = await read({ text: networkToJson(network), fileName: 'net.json' });
    expect(result).toEqual({ model: network, format: 'json', fileName: 'net.json' });
  });

  it('reads a TF.js Layers model.json with its weights, as networkFromLayers does', async () => {
    const { json, weights } = networkToLayers(network, 'net-weights.bin');
    const result = await read({
      text: json,
      weights: bytesToBase64(weights),
      fileName: 'net-model.json',
    });
    expect(result.format).toBe('layers');
    expect(result.fileName).toBe('net-model.json');
    expect(result.model).toEqual(networkFromLayers(json, weights));
    expect(result.model.format).toBe('lifecycle-lab.network');
  });

  it('refuses a Layers model.json without its weights, saying what to pick', async () => {
    const { json } = networkToLayers(network);
    await expect(read({ text: json, fileName: 'model.json' })).rejects.toMatchObject({
      code: 'model-file.needs-weights',
    });
  });

  it('refuses weights that do not fit the model.json by the Layers reader’s check', async () => {
    const { json, weights } = networkToLayers(network);
    await expect(
      read({ text: json, weights: bytesToBase64(weights.subarray(4)), fileName: 'model.json' }),
    ).rejects.toMatchObject({ code: 'network-file.weights-size' });
  });

  it('still reads PMML', async () => {
    const result = await read({ text: pmml, fileName: 'other-tool.pmml' });
    expect(result).toEqual({
      model: modelFromPmml(pmml),
      format: 'pmml',
      fileName: 'other-tool.pmml',
    });
    // Told by its first character after white space: the PMML reader's own message for what follows.
    await expect(read({ text: `\n  ${pmml}`, fileName: 'x.pmml' })).rejects.toMatchObject({
      code: 'pmml.not-xml',
    });
  });

  it('leaves anything else to the logistic reader’s messages', async () => {
    await expect(read({ text: '{"hello": "world"}', fileName: 'x.json' })).rejects.toMatchObject({
      code: 'model-file.not-model',
    });
    await expect(read({ text: 'not json', fileName: 'x.json' })).rejects.toMatchObject({
      code: 'model-file.not-json',
    });
    await expect(read({ text: '[1, 2]', fileName: 'x.json' })).rejects.toMatchObject({
      code: 'model-file.not-model',
    });
  });
});
