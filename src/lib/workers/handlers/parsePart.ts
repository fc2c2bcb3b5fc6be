// 'parse-part': one part of a large delimited file, for the compute worker
// that reads it in parts (../partPool.ts). Runs in a helper compute worker.

import { transferring } from '../transfer';
import { packPart, readPartInto } from '../partPool';
import type { ComputeHandler } from './common';

export const parsePart: ComputeHandler<'parse-part'> = async (params, context) => {
  // Packing copies every dictionary value into one string: no copy of each is needed before.
  const attached = true;
  const part = await readPartInto(await context.storage(), params, context.progress, attached);
  const packed = packPart(part);
  // The part's arrays are its own (each column's builder hands its arrays over and
  // starts empty), and the coordinator would copy hundreds of megabytes otherwise.
  const arrays = packed.columns.flatMap<ArrayBufferView>((c) =>
    c.kind === 'number' ? [c.values] : [c.codes, c.table, c.offsets],
  );
  return transferring(packed, arrays);
};
