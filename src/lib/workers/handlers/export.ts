// 'export': a stored dataset as file bytes, CSV (UTF-8 with a BOM so Excel
// reads non-ASCII text) or XLSX. Runs in the compute worker; the bytes are
// made for the reply and transferred.

import { tableToCsv, tableToXlsx } from '../../engine/data/export';
import { EngineError } from '../../engine/data/table';
import { transferring } from '../transfer';
import { loadTable, type ComputeHandler } from './common';

export const exportDataset: ComputeHandler<'export'> = async (params, context) => {
  const storage = await context.storage();
  const meta = await storage.getDataset(params.datasetId);
  if (!meta) throw new EngineError('storage.not-found', { datasetId: params.datasetId });
  const table = await loadTable(params.datasetId, context);
  context.progress.stage('export');
  const base = meta.name.replace(/[\\/:*?"<>|]+/g, '_') || 'data';
  if (params.format === 'xlsx') {
    await context.progress.report(0, 1);
    const blob = await tableToXlsx(table);
    const bytes = new Uint8Array(await blob.arrayBuffer());
    await context.progress.report(1, 1);
    return transferring(
      {
        bytes,
        mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        fileName: `${base}.xlsx`,
      },
      [bytes],
    );
  }
  const encoder = new TextEncoder();
  const parts: Uint8Array[] = [];
  let size = 0;
  for (const chunk of tableToCsv(table, { bom: true })) {
    const part = encoder.encode(chunk);
    parts.push(part);
    size += part.byteLength;
    // Unknown total: the report is there to let a control in between chunks.
    await context.progress.report(parts.length, 0);
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const part of parts) {
    bytes.set(part, at);
    at += part.byteLength;
  }
  return transferring({ bytes, mimeType: 'text/csv;charset=utf-8', fileName: `${base}.csv` }, [
    bytes,
  ]);
};
