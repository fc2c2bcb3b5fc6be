// Storage failures as user-facing errors. Used on the page and in the worker.
// A StorageError is an EngineError, so the worker forwards its code unchanged
// and the UI shows it from the message catalogue like any other error.

import { CancelledError, EngineError } from '../engine/data/table';

export class StorageError extends EngineError {
  constructor(
    code: 'storage.quota' | 'storage.failed' | 'storage.not-found',
    params: Record<string, string | number> = {},
    /** The underlying error's message, for the console. */
    readonly detail?: string,
  ) {
    super(code, params);
    this.name = 'StorageError';
  }
}

/** True for a quota failure, whether thrown directly or as the reason a transaction aborted. */
export function isQuotaError(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  const e = error as { name?: unknown; error?: unknown; cause?: unknown };
  if (e.name === 'QuotaExceededError') return true;
  // An aborted transaction rejects with an AbortError; its `error` (or our `cause`) says why.
  return isQuotaError(e.error) || isQuotaError(e.cause);
}

/**
 * Turns whatever IndexedDB threw into a StorageError. EngineErrors and a
 * cancellation (e.g. of the import feeding the chunks) pass through unchanged.
 * `needed` (bytes) goes into a quota error when known.
 */
export function toStorageError(error: unknown, needed?: number): EngineError | CancelledError {
  if (error instanceof EngineError || error instanceof CancelledError) return error;
  if (isQuotaError(error)) {
    return new StorageError(
      'storage.quota',
      needed === undefined ? {} : { needed },
      message(error),
    );
  }
  return new StorageError('storage.failed', { message: message(error) }, message(error));
}

function message(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
