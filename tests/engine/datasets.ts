// Reads a public dataset from tests/fixtures/datasets (see its SOURCES.md)
// through the app's own delimited-text ingest. Test helper, not a test file.
import { readFileSync } from 'node:fs';
import { ingestDelimited } from '../../src/lib/engine/data/ingest';
import { NO_PROGRESS, type DataTable } from '../../src/lib/engine/data/table';

export const DATASETS = new URL('../fixtures/datasets/', import.meta.url);

export async function readDataset(file: string): Promise<DataTable> {
  const bytes = new Uint8Array(readFileSync(new URL(file, DATASETS)));
  async function* one() {
    yield bytes;
  }
  return (await ingestDelimited(one(), bytes.length, {}, NO_PROGRESS)).table;
}
