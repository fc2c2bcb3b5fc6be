// 'ingest-file': parse a dropped or picked file and store it as a new
// dataset under a name no stored dataset has. Runs in the compute worker; a
// large delimited file is read in parts by helper workers (../partPool.ts).

import { readFile } from '../../engine/data/read';
import { MAX_STORED_WARNINGS } from '../../storage/types';
import { datasetOf, store, withFreeName, type ComputeHandler } from './common';

export const ingestFile: ComputeHandler<'ingest-file'> = async (params, context) => {
  context.progress.stage('parse');
  const fileName =
    'name' in params.file && typeof params.file.name === 'string' ? params.file.name : params.name;
  const session = context.parts?.session(await context.storage()) ?? null;
  let result: Awaited<ReturnType<typeof readFile>>;
  try {
    result = await readFile(
      params.file,
      fileName,
      params.options ?? {},
      context.progress,
      session?.options ?? null,
    );
  } catch (error) {
    await session?.discard().catch(() => undefined);
    throw error;
  }
  const input = (name: string) => ({
    name,
    source: { kind: 'file' as const, fileName, bytes: params.file.size },
    ingest: {
      encoding: result.encoding,
      ...(result.dialect ? { dialect: result.dialect } : {}),
      format: result.format,
      ...(result.sheets ? { sheets: result.sheets, sheet: result.sheet } : {}),
      inference: result.inference,
      warnings: result.warnings.slice(0, MAX_STORED_WARNINGS),
      warningCount: result.warnings.length,
    },
  });
  const { table } = result;
  if (session && result.stored) {
    // Read in parts, which stored their chunks as they went: only the meta is left to write.
    const stored = result.stored;
    context.progress.stage('store');
    await context.progress.report(0, 1);
    try {
      const meta = await withFreeName(params.name, context, (name) =>
        session.commit(datasetOf(table, input(name)), stored),
      );
      context.tables.set(meta.id, table);
      return meta;
    } catch (error) {
      await session.discard().catch(() => undefined);
      throw error;
    }
  }
  // Read in one pass, or the parts' chunks cannot be used (a column became text).
  // (Chunks a failed discard leaves have no dataset: the next open sweeps them.)
  await session?.discard().catch(() => undefined);
  return withFreeName(params.name, context, (name) => store(table, input(name), context));
};
