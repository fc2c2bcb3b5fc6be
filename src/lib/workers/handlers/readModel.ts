// 'read-model': a model file read into a churn model, with what kind of file
// it was. Runs in the compute worker, where PMML's XML is parsed without a
// DOM (engine/models/pmml.ts).
//
// The kind is told by the content, not the file's name: '<' first is PMML;
// otherwise JSON whose `format` says which reader takes it — this app's
// logistic model (engine/models/modelFile.ts), its network
// (network/networkFile.ts), or a TF.js Layers model.json
// (network/layersFormat.ts), which also needs its weights. Each reader
// bounds and parses the text itself, as it does when called alone, so the
// text is parsed twice: a model file is at most a few MB, read once per change.

import { EngineError } from '../../engine/data/table';
import { base64ToBytes } from '../../engine/data/base64';
import type { ChurnModel } from '../../engine/models/churnModel';
import { modelFromJson } from '../../engine/models/modelFile';
import { networkFromLayers } from '../../engine/models/network/layersFormat';
import {
  NETWORK_FILE_CHARS,
  NETWORK_FORMAT,
  networkFromJson,
} from '../../engine/models/network/networkFile';
import { modelFromPmml } from '../../engine/models/pmml';
import type { ComputeRequests } from '../protocol';
import type { ComputeHandler } from './common';

type Format = ComputeRequests['read-model']['result']['format'];

export const readModel: ComputeHandler<'read-model'> = async (params) => {
  const { model, format } = read(params.text, params.weights);
  return { model, format, fileName: params.fileName };
};

function read(text: string, weights: string | undefined): { model: ChurnModel; format: Format } {
  if (text.trimStart().startsWith('<')) return { model: modelFromPmml(text), format: 'pmml' };
  switch (formatTag(text)) {
    case NETWORK_FORMAT:
      return { model: networkFromJson(text), format: 'json' };
    case 'layers-model': {
      if (weights === undefined) throw new EngineError('model-file.needs-weights', {});
      return { model: networkFromLayers(text, decode(weights)), format: 'layers' };
    }
    default:
      // A logistic model, or anything else: modelFromJson says what is wrong with it.
      return { model: modelFromJson(text), format: 'json' };
  }
}

/** The JSON's top-level `format`, or undefined (not JSON, too long, no tag: left to modelFromJson). */
function formatTag(text: string): unknown {
  // The largest of the readers' bounds (a Model file cell keeps far less: cells/limits.ts).
  if (text.length > NETWORK_FILE_CHARS) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null
      ? (value as { format?: unknown }).format
      : undefined;
  } catch {
    return undefined;
  }
}

function decode(weights: string): Uint8Array<ArrayBuffer> {
  try {
    return base64ToBytes(weights);
  } catch {
    throw new EngineError('model-file.invalid', { reason: 'weights: not base64' });
  }
}
