// 'ingest-sample': create (or find, if already stored) one of the built-in
// samples. Runs in the compute worker. Asking for a sample while it is being
// created shares that one task, so it is stored once.

import { streamChunks } from '../../engine/data/decode';
import { ingestDelimited } from '../../engine/data/ingest';
import { generateInsuranceBook } from '../../engine/data/sample/insurance';
import { SAMPLES } from '../../engine/data/samples';
import { EngineError, type DataTable } from '../../engine/data/table';
import type { DatasetMeta } from '../../storage/types';
import type { ComputeRequests } from '../protocol';
import { store, type ComputeHandler, type HandlerContext } from './common';

type Params = ComputeRequests['ingest-sample']['params'];

export const ingestSample: ComputeHandler<'ingest-sample'> = (params, context) => {
  const running = context.samplesInFlight.get(params.sample);
  if (running) return running;
  const task = createSample(params, context).finally(() =>
    context.samplesInFlight.delete(params.sample),
  );
  context.samplesInFlight.set(params.sample, task);
  return task;
};

/** The sample's datasets, in SAMPLES order: those already stored, and the missing ones created. */
async function createSample(params: Params, context: HandlerContext): Promise<DatasetMeta[]> {
  const info = SAMPLES.find((s) => s.id === params.sample);
  if (!info) throw new EngineError('sample.unknown', { sample: String(params.sample) });
  const storage = await context.storage();
  const stored = await storage.listDatasets();
  // The dataset names in SAMPLES are the stable ids recorded as source.sample.
  const find = (sample: string) =>
    stored.find((d) => d.source.kind === 'sample' && d.source.sample === sample);
  const wanted = info.datasets.map((d) => d.name);
  if (wanted.every((name) => find(name))) return wanted.map((name) => find(name)!);

  const tables = await buildSample(params, context);
  const result: DatasetMeta[] = [];
  for (const [i, name] of wanted.entries()) {
    result.push(
      find(name) ??
        (await store(tables[i], { name, source: { kind: 'sample', sample: name } }, context)),
    );
  }
  return result;
}

/** The sample's tables, in the order of its SAMPLES entry. */
async function buildSample(params: Params, context: HandlerContext): Promise<DataTable[]> {
  switch (params.sample) {
    case 'insurance': {
      context.progress.stage('generate');
      await context.progress.report(0, 1);
      const book = generateInsuranceBook();
      await context.progress.report(1, 1);
      return [book.policies, book.payments];
    }
    case 'telco': {
      // The worker's own URL is not the app's base, so the page resolves the file's URL.
      if (!params.url)
        throw new EngineError('sample.fetch-failed', { sample: params.sample, status: 0 });
      context.progress.stage('download');
      let response: Response;
      try {
        response = await context.fetch(params.url);
      } catch {
        throw new EngineError('sample.fetch-failed', { sample: params.sample, status: 0 });
      }
      if (!response.ok || !response.body) {
        throw new EngineError('sample.fetch-failed', {
          sample: params.sample,
          status: response.status,
        });
      }
      const total = Number(response.headers.get('content-length')) || 0;
      context.progress.stage('parse');
      const { table } = await ingestDelimited(
        streamChunks(response.body),
        total,
        {},
        context.progress,
      );
      return [table];
    }
  }
}
