// Input slots shared by kinds: the usual single `input` setting that names
// the cell whose dataset a kind reads. Pure.

import type { InputSlot } from './kind';

/** The slot of a kind whose `input` setting names the Data or Prepare cell it reads. */
export function datasetInput<S extends { input: string | null }>(): InputSlot<S> {
  return {
    name: 'input',
    accepts: ['dataset'],
    label: 'cell.input',
    get: (s) => s.input,
    set: (s, cellId) => ({ ...s, input: cellId }),
  };
}
