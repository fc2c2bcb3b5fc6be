// The compute handler registry (workers/handlers/index.ts): one handler per
// request type. The type-level half is checked by `tsc` (npm run check).
import { describe, expect, it } from 'vitest';
import { COMPUTE_HANDLERS, type ComputeHandlers } from '../../../src/lib/workers/handlers';

describe('COMPUTE_HANDLERS', () => {
  it('has a handler for every compute request type', () => {
    expect(Object.keys(COMPUTE_HANDLERS).sort()).toEqual(
      [
        'export',
        'ingest-file',
        'ingest-sample',
        'kaplan-meier',
        'parse-part',
        'prepare',
        'preview',
        'profile',
        'retype',
        'column-levels',
        'fit-logistic',
        'fit-survreg',
        'fit-cox',
        'cumulative-incidence',
        'fit-personas',
        'cohort-retention',
        'lifecycle-stages',
        'rfm',
        'forecast',
        'evaluate',
        'score',
        'read-model',
      ].sort(),
    );
    for (const handler of Object.values(COMPUTE_HANDLERS)) expect(handler).toBeTypeOf('function');
  });

  it('does not compile without a handler for each request type', () => {
    const { preview: _, ...withoutPreview } = COMPUTE_HANDLERS;
    // @ts-expect-error -- 'preview' is missing.
    const incomplete: ComputeHandlers = withoutPreview;
    expect(Object.keys(incomplete)).not.toContain('preview');
  });
});
