// Explicit transfer of a result's buffers. Runs in a worker: handlers wrap a
// result in `transferring` to hand buffers over instead of copying them; the
// host posts exactly those. Nothing is transferred otherwise, because a
// transferred buffer is detached here, and the worker keeps many it must
// not lose (cached tables, reused scratch arrays): only the handler knows
// which of its result's buffers are its own to give away.

/** A result and the buffers to move (not copy) to the receiver with it. */
export class Transferring<T> {
  constructor(
    readonly value: T,
    readonly transfer: readonly Transferable[],
  ) {}
}

/** What a handler returns: its result, or its result with buffers to transfer. */
export type Reply<T> = T | Transferring<T>;

/**
 * `value`, to be posted with `buffers` transferred. A typed array stands for
 * its whole buffer (a subarray's too, so make sure the rest of that buffer is
 * the result's as well); a buffer named twice is transferred once.
 */
export function transferring<T>(
  value: T,
  buffers: readonly (Transferable | ArrayBufferView)[],
): Transferring<T> {
  const transfer = new Set<Transferable>();
  for (const b of buffers) {
    if (!ArrayBuffer.isView(b)) transfer.add(b);
    // A SharedArrayBuffer is shared, not copied: there is nothing to move.
    else if (b.buffer instanceof ArrayBuffer) transfer.add(b.buffer);
  }
  return new Transferring(value, [...transfer]);
}

/** The value to post and the buffers to transfer with it. */
export function unwrapReply<T>(reply: Reply<T>): { value: T; transfer: Transferable[] } {
  return reply instanceof Transferring
    ? { value: reply.value, transfer: [...reply.transfer] }
    : { value: reply, transfer: [] };
}
