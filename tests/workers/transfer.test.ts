// transferring / unwrapReply (workers/transfer.ts): a handler names the
// buffers its result gives away; nothing else is transferred.
import { describe, expect, it } from 'vitest';
import { transferring, unwrapReply } from '../../src/lib/workers/transfer';

describe('transferring', () => {
  it('transfers the named buffers once each; a typed array stands for its buffer', () => {
    const shared = new Float64Array(8);
    const own = new ArrayBuffer(4);
    const result = {
      a: shared.subarray(0, 4),
      b: shared.subarray(4),
      c: own,
      kept: new Int32Array(2),
    };
    const { value, transfer } = unwrapReply(transferring(result, [result.a, result.b, own, own]));
    expect(value).toBe(result);
    expect(transfer).toHaveLength(2);
    expect(transfer).toContain(shared.buffer);
    expect(transfer).toContain(own);
    expect(transfer).not.toContain(result.kept.buffer);
  });

  it('a plain result transfers nothing, whatever typed arrays it holds', () => {
    const result = { values: new Float64Array(4) };
    expect(unwrapReply(result)).toEqual({ value: result, transfer: [] });
  });
});
