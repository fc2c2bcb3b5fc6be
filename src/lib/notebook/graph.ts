// The order cells run in. Pure; used on the page to decide what to re-run
// after an edit and in what order.
//
// A cell depends on the cells its kind's input slots name (../cells/registry.ts:
// a Profile's `input`, a join's second dataset). Running follows the
// document's order wherever dependencies allow, so the order is stable and
// predictable. A missing input (the Data cell was removed) does not stop a
// cell from being ordered: it runs and waits for an input. Cells on a cycle
// cannot run at all and are left out of every order; `checkGraph` names them.

import { definitionFor, inputsOf } from '../cells/registry';
import type { Cell } from './document';

/** Ids of the cells `cell` reads. */
export function dependencies(cell: Cell): string[] {
  return inputsOf(cell)
    .map((i) => i.cellId)
    .filter((id): id is string => id !== null);
}

export interface InputProblem {
  slot: string;
  input: string;
  problem: 'missing' | 'below' | 'wrong-type';
}

/**
 * Why an input of the cell at `index` cannot be used, slot by slot: it names
 * no cell, a cell below this one (a cell reads only from above, so moving a
 * cell above its input undoes the link), or a cell whose output this slot
 * does not take. Slots with no input chosen are not listed.
 */
export function inputProblems(cells: readonly Cell[], index: number): InputProblem[] {
  const cell = cells[index];
  return inputsOf(cell).flatMap(({ slot, cellId, accepts }): InputProblem[] => {
    if (cellId === null) return [];
    const at = cells.findIndex((c) => c.id === cellId);
    if (at < 0) return [{ slot, input: cellId, problem: 'missing' }];
    if (at >= index) return [{ slot, input: cellId, problem: 'below' }];
    const output = definitionFor(cells[at]).output;
    if (output === null || !accepts.includes(output))
      return [{ slot, input: cellId, problem: 'wrong-type' }];
    return [];
  });
}

export interface GraphCheck {
  /** Inputs that name no cell of the notebook. */
  missing: { cell: string; input: string }[];
  /** Cells on a dependency cycle, or downstream of one, in document order. */
  blocked: string[];
}

/** Every cell that can run, dependencies first, otherwise in document order. */
export function topologicalOrder(cells: readonly Cell[]): string[] {
  return order(cells).order;
}

/** Missing inputs and cells that can never run because of a cycle. */
export function checkGraph(cells: readonly Cell[]): GraphCheck {
  const ids = new Set(cells.map((c) => c.id));
  const missing = cells.flatMap((c) =>
    dependencies(c)
      .filter((input) => !ids.has(input))
      .map((input) => ({ cell: c.id, input })),
  );
  return { missing, blocked: order(cells).blocked };
}

/** The changed cell and every cell that reads it, directly or not, in run order. */
export function downstreamOf(cells: readonly Cell[], changedCellId: string): string[] {
  const affected = new Set([changedCellId]);
  // Dependents of dependents: repeat until nothing new (n ≤ 500 cells, so quadratic is fine).
  let grew = true;
  while (grew) {
    grew = false;
    for (const c of cells) {
      if (!affected.has(c.id) && dependencies(c).some((d) => affected.has(d))) {
        affected.add(c.id);
        grew = true;
      }
    }
  }
  return topologicalOrder(cells).filter((id) => affected.has(id));
}

function order(cells: readonly Cell[]): { order: string[]; blocked: string[] } {
  const ids = new Set(cells.map((c) => c.id));
  const placed = new Set<string>();
  const result: string[] = [];
  // Each pass takes the first cell, in document order, whose existing inputs have all run.
  for (;;) {
    const next = cells.find(
      (c) => !placed.has(c.id) && dependencies(c).every((d) => placed.has(d) || !ids.has(d)),
    );
    if (!next) break;
    placed.add(next.id);
    result.push(next.id);
  }
  return { order: result, blocked: cells.filter((c) => !placed.has(c.id)).map((c) => c.id) };
}
