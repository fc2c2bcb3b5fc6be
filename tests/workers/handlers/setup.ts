// The compute worker's handlers behind the in-process fake worker, over a
// fresh fake-indexeddb database per call. Test helper, not a test file.
import 'fake-indexeddb/auto';
import { ComputeClient } from '../../../src/lib/workers/client';
import { createSharedContext, type SharedContext } from '../../../src/lib/workers/handlers/common';
import { openStorage, type LabStorage } from '../../../src/lib/storage/db';
import { fakeWorker } from '../fakeWorker';

export function setup(fetchImpl?: typeof fetch) {
  const name = `test-${crypto.randomUUID()}`;
  let storage: Promise<LabStorage> | undefined;
  const context: SharedContext = {
    ...createSharedContext({ openStorage: () => (storage ??= openStorage({ name })) }),
    ...(fetchImpl ? { fetch: fetchImpl } : {}),
  };
  const worker = fakeWorker(context);
  return { client: new ComputeClient(worker), worker, context, storage: () => context.storage() };
}
