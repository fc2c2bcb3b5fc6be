// 'read-model': a model file's text (this app's JSON, or PMML 4.4) read into
// a LogisticModel, with what kind of file it was. Runs in the compute worker,
// where PMML's XML is parsed without a DOM (engine/models/pmml.ts).

import { modelFromJson } from '../../engine/models/modelFile';
import { modelFromPmml } from '../../engine/models/pmml';
import type { ComputeHandler } from './common';

export const readModel: ComputeHandler<'read-model'> = async (params) => {
  const first = params.text.trimStart()[0];
  const format = first === '<' ? 'pmml' : 'json';
  const model = format === 'pmml' ? modelFromPmml(params.text) : modelFromJson(params.text);
  return { model, format, fileName: params.fileName };
};
