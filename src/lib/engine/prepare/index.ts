// The Prepare transforms, one entry point for the notebook's cells. Each is
// pure, `(table, settings) => { table, report }` (join takes two tables), and
// never mutates its input. See docs/decisions/0009-prepare-transforms.md.

export type { Report, TransformResult } from './common';
export * from './rows';
export * from './clean';
export * from './encode';
export * from './derive';
export * from './dates';
export * from './join';
export * from './aggregate';
