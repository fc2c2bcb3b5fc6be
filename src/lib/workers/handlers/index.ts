// The compute worker's handler registry: one handler per request type of
// ComputeRequests, each in its own file here. Runs in the compute worker
// (../compute.worker.ts gives it to the host). The type asks for every
// request type, so a request without a handler does not compile.

import type { HandlerRegistry } from '../host';
import type { ComputeRequests } from '../protocol';
import type { SharedContext } from './common';
import { exportDataset } from './export';
import { ingestFile } from './ingestFile';
import { ingestSample } from './ingestSample';
import { kaplanMeier } from './kaplanMeier';
import { parsePart } from './parsePart';
import { prepare } from './prepare';
import { preview } from './preview';
import { profile } from './profile';
import { retype } from './retype';
import { columnLevels } from './columnLevels';
import { fitLogistic } from './fitLogistic';
import { evaluate } from './evaluate';
import { score } from './score';
import { readModel } from './readModel';
import { fitSurvreg } from './fitSurvreg';
import { fitCox } from './fitCox';
import { cumulativeIncidence } from './cumulativeIncidence';
import { fitPersonas } from './fitPersonas';
import { cohortRetention } from './cohortRetention';
import { lifecycleStages } from './stages';
import { rfm } from './rfm';
import { forecast } from './forecast';

export type ComputeHandlers = HandlerRegistry<ComputeRequests, SharedContext>;

export const COMPUTE_HANDLERS: ComputeHandlers = {
  'ingest-file': ingestFile,
  'ingest-sample': ingestSample,
  profile,
  'kaplan-meier': kaplanMeier,
  retype,
  preview,
  prepare,
  'parse-part': parsePart,
  export: exportDataset,
  'column-levels': columnLevels,
  'fit-logistic': fitLogistic,
  evaluate,
  score,
  'read-model': readModel,
  'fit-survreg': fitSurvreg,
  'fit-cox': fitCox,
  'cumulative-incidence': cumulativeIncidence,
  'fit-personas': fitPersonas,
  'cohort-retention': cohortRetention,
  'lifecycle-stages': lifecycleStages,
  rfm,
  forecast,
};
