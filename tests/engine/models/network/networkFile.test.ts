// The JSON network file: a network written and read back is the same model
// and scores every row exactly as before; its pipeline is checked as
// ../modelFile.ts checks a logistic model's (the two schemas held together
// here); a hostile or broken file is refused with a code that says what is wrong.
import { beforeAll, describe, expect, it } from 'vitest';
import { EngineError } from '../../../../src/lib/engine/data/table';
import { modelFromJson, modelToJson } from '../../../../src/lib/engine/models/modelFile';
import { logits } from '../../../../src/lib/engine/models/network/forward';
import {
  MAX_UNITS,
  MAX_WEIGHTS,
  NETWORK_FILE_CHARS,
  networkFromJson,
  networkToJson,
} from '../../../../src/lib/engine/models/network/networkFile';
import type { NetworkModel } from '../../../../src/lib/engine/models/network/types';
import type { LogisticModel } from '../../../../src/lib/engine/models/types';
import { book, randomNetwork, type Book } from './tinyNetworks';

let b: Book;
let model: NetworkModel;
beforeAll(() => {
  b = book(97, 'file', true);
  model = randomNetwork(
    b,
    [
      { units: 8, activation: 'elu' },
      { units: 4, activation: 'sigmoid' },
    ],
    'file',
    -1.25,
  );
});

function refusal(f: () => unknown): { code: string; params: Record<string, string | number> } {
  try {
    f();
  } catch (e) {
    if (e instanceof EngineError) return { code: e.code, params: e.params };
    throw e;
  }
  throw new Error('expected an EngineError');
}

// A parsed file edited by hand in a test: any shape, on purpose.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

const edited = (change: (m: Json) => void): string => {
  const m = JSON.parse(networkToJson(model));
  change(m);
  return JSON.stringify(m);
};
const read = (text: string) => refusal(() => networkFromJson(text));

describe('JSON network file', () => {
  it('reads back the same model, which scores every row exactly as before', () => {
    const back = networkFromJson(networkToJson(model));
    expect(back).toEqual(model);
    expect([...logits(b.design, back)]).toEqual([...logits(b.design, model)]);
  });

  it('keeps each weight array on one line', () => {
    const lines = networkToJson(model).split('\n');
    const kernels = lines.filter((l) => l.trimStart().startsWith('"kernel"'));
    expect(kernels).toHaveLength(3);
    expect(
      JSON.parse(
        kernels[0]
          .trim()
          .replace(/^"kernel": /, '')
          .replace(/,$/, ''),
      ),
    ).toEqual(model.layers[0].kernel);
  });

  it('refuses to write a model whose parts disagree', () => {
    const broken = { ...model, scaling: { ...model.scaling, scale: model.scaling.scale.slice(1) } };
    expect(refusal(() => networkToJson(broken)).code).toBe('network-file.shape');
  });
});

describe('hostile or broken files', () => {
  it('too long, not JSON, not a network, a newer version', () => {
    expect(read(' '.repeat(NETWORK_FILE_CHARS + 1))).toEqual({
      code: 'network-file.too-large',
      params: { limit: NETWORK_FILE_CHARS },
    });
    expect(read('{"format":').code).toBe('network-file.not-json');
    expect(read('"lifecycle-lab.network"').code).toBe('network-file.not-network');
    const logistic: LogisticModel = {
      format: 'lifecycle-lab.logistic',
      version: 1,
      pipeline: b.pipeline,
      beta: b.pipeline.coefficients.map(() => 0),
      offset: 0,
      penalty: null,
    };
    expect(read(modelToJson(logistic)).code).toBe('network-file.not-network');
    expect(read(edited((m) => (m.version = 3)))).toEqual({
      code: 'network-file.version',
      params: { version: 3, supported: 1 },
    });
  });

  it('__proto__ keys are refused as unknown', () => {
    const text = networkToJson(model);
    for (const spliced of [
      text.replace('"version": 1,', '"version": 1, "__proto__": {"polluted": true},'),
      text.replace('"inputs": ', '"__proto__": [], "inputs": '),
      text.replace('"l2": ', '"__proto__": 1, "l2": '),
    ]) {
      expect(spliced).not.toBe(text);
      const r = read(spliced);
      expect(r.code).toBe('network-file.invalid');
      expect(String(r.params.reason)).toMatch(/__proto__/);
    }
  });

  it('a field of the wrong kind or out of bounds: invalid, naming the field', () => {
    const cases: [(m: Json) => void, RegExp][] = [
      [(m) => (m.layers[0].kernel[3] = '1'), /layers\.0\.kernel\.3/],
      [(m) => (m.layers[1].activation = 'softmax'), /layers\.1\.activation/],
      [(m) => (m.scaling.scale[2] = -1), /scaling\.scale\.2/],
      [(m) => (m.architecture.dropout = 1), /architecture\.dropout/],
      [(m) => (m.architecture.hidden[0].units = MAX_UNITS + 1), /architecture\.hidden\.0\.units/],
      [(m) => (m.architecture.kind = 'logistic'), /logistic network has no hidden layers/],
      [(m) => (m.offset = null), /offset/],
      [(m) => m.pipeline.features.push(m.pipeline.features[0]), /appears twice/],
    ];
    for (const [change, reason] of cases) {
      const r = read(edited(change));
      expect(r.code).toBe('network-file.invalid');
      expect(String(r.params.reason)).toMatch(reason);
    }
    // JSON has no NaN, but 1e999 parses as Infinity.
    const infinite = networkToJson(model).replace('"offset": -1.25', '"offset": 1e999');
    expect(read(infinite)).toMatchObject({
      code: 'network-file.invalid',
      params: { reason: /^offset: / },
    });
  });

  it('layers that do not chain or fit the pipeline: shape', () => {
    const cases: [(m: Json) => void, RegExp][] = [
      [(m) => m.layers[0].kernel.pop(), /layers\.0\.kernel/],
      [(m) => m.layers[2].bias.push(0), /layers\.2\.bias/],
      [(m) => (m.layers[1].inputs = 7), /layers\.1: reads 7/],
      [(m) => (m.layers[0].inputs += 1), /layers\.0: reads/],
      [(m) => (m.layers[2].activation = 'sigmoid'), /output layer/],
      [(m) => (m.layers[0].units = 9), /architecture has 8 elu/],
      [(m) => m.layers.pop(), /layers: 2 layers for 2 hidden layers/],
      [(m) => m.scaling.center.push(0), /scaling/],
    ];
    for (const [change, reason] of cases) {
      const r = read(edited(change));
      expect(r.code).toBe('network-file.shape');
      expect(String(r.params.reason)).toMatch(reason);
    }
  });

  it('more weights than MAX_WEIGHTS: weights-too-large (counted before any array is checked)', () => {
    const text = edited((m) => {
      m.architecture.hidden = [
        { units: MAX_UNITS, activation: 'relu' },
        { units: MAX_UNITS, activation: 'relu' },
      ];
      m.layers[0] = { ...m.layers[0], units: MAX_UNITS, activation: 'relu' };
      m.layers[1] = { ...m.layers[1], inputs: MAX_UNITS, units: MAX_UNITS, activation: 'relu' };
      m.layers[2].inputs = MAX_UNITS;
    });
    expect(read(text)).toEqual({
      code: 'network-file.weights-too-large',
      params: { limit: MAX_WEIGHTS },
    });
  });
});

describe('the pipeline schema, held together with modelFile.ts', () => {
  // The same edits to a logistic model's pipeline and a network's: each file refuses what the other does.
  const logistic = (): LogisticModel => ({
    format: 'lifecycle-lab.logistic',
    version: 1,
    pipeline: b.pipeline,
    beta: b.pipeline.coefficients.map((_, j) => j / 10),
    offset: 0,
    penalty: null,
  });
  const edits: [string, (p: Json) => void][] = [
    ['none', () => {}],
    ['a boolean mean above 1', (p) => (p.features[3].mean = 1.5)],
    ['a level twice', (p) => (p.features[2].levels = ['plus', 'plus'])],
    ['an unknown feature kind', (p) => (p.features[0].kind = 'date')],
    ['an extra key', (p) => (p.features[0].extra = 1)],
    ['a coefficient renamed', (p) => (p.coefficients[2].name = 'x')],
    ['an interaction of one feature', (p) => (p.interactions[0].a = p.interactions[0].b)],
    ['a long name', (p) => (p.target.column = 'x'.repeat(10_001))],
    [
      'too many levels',
      (p) => (p.features[2].levels = Array.from({ length: 101 }, (_, k) => `l${k}`)),
    ],
  ];
  for (const [label, change] of edits)
    it(`${label}: both readers agree`, () => {
      const l = JSON.parse(modelToJson(logistic()));
      change(l.pipeline);
      const n = JSON.parse(networkToJson(model));
      change(n.pipeline);
      const logisticRefused = (() => {
        try {
          modelFromJson(JSON.stringify(l));
          return false;
        } catch {
          return true;
        }
      })();
      const networkRefused = (() => {
        try {
          networkFromJson(JSON.stringify(n));
          return false;
        } catch {
          return true;
        }
      })();
      expect(networkRefused).toBe(logisticRefused);
      expect(networkRefused).toBe(label !== 'none');
    });
});
