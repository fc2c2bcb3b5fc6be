// The compute worker's message loop, apart from the worker global so Node
// tests can drive it: it runs each request as its own async task, passes it a
// WorkerProgress, answers with one `result` or `error`, and marks requests
// cancelled when a `cancel` arrives (the task notices at its next report).

import { CancelledError, EngineError } from '../engine/data/table';
import { LabStorage, openStorage } from '../storage/db';
import * as handlers from './handlers';
import type { HandlerContext } from './handlers';
import { DEFAULT_TIMING, WorkerProgress, type ProgressTiming } from './progress';
import {
  assertNever,
  type FromWorker,
  type RequestMessage,
  type ToWorker,
  type WorkerError,
} from './protocol';
import { TableCache } from './tableCache';
import type { PartPool } from './partPool';
import { collectTransferables } from './transfer';

/** What lives as long as the worker: storage, the table cache. */
export type SharedContext = Omit<HandlerContext, 'progress'>;

export function createSharedContext(
  options: { openStorage?: () => Promise<LabStorage>; parts?: PartPool | null } = {},
): SharedContext {
  const open = options.openStorage ?? (() => openStorage());
  let storage: Promise<LabStorage> | null = null;
  return {
    storage: () => {
      storage ??= open().catch((e: unknown) => {
        storage = null;
        throw e;
      });
      return storage;
    },
    tables: new TableCache(),
    samplesInFlight: new Map(),
    fetch: (...args) => fetch(...args),
    parts: options.parts ?? null,
  };
}

/** Runs one request; the one place that knows every request type. */
export function dispatch(message: RequestMessage, context: HandlerContext): Promise<unknown> {
  switch (message.type) {
    case 'ingest-file':
      return handlers.ingestFile(message.params, context);
    case 'ingest-sample':
      return handlers.ingestSample(message.params, context);
    case 'profile':
      return handlers.profile(message.params, context);
    case 'kaplan-meier':
      return handlers.kaplanMeier(message.params, context);
    case 'preview':
      return handlers.preview(message.params, context);
    case 'prepare':
      return handlers.prepare(message.params, context);
    case 'export':
      return handlers.exportDataset(message.params, context);
    case 'retype':
      return handlers.retype(message.params, context);
    case 'parse-part':
      return handlers.parsePartOfFile(message.params, context);
    default:
      return assertNever(message);
  }
}

/** Any thrown value as data the page can translate. */
export function toWorkerError(error: unknown): WorkerError {
  if (error instanceof CancelledError) return { code: 'cancelled', params: {} };
  if (error instanceof EngineError) {
    const detail = (error as { detail?: unknown }).detail;
    return {
      code: error.code,
      params: error.params,
      detail: typeof detail === 'string' ? detail : undefined,
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  return {
    code: 'error.internal',
    params: { message },
    detail: error instanceof Error && error.stack ? error.stack : message,
  };
}

export interface HostOptions {
  post: (message: FromWorker, transfer: Transferable[]) => void;
  context: SharedContext;
  /** Tests replace the handlers or the clock. */
  dispatch?: (message: RequestMessage, context: HandlerContext) => Promise<unknown>;
  timing?: ProgressTiming;
}

export function createComputeHost(options: HostOptions): { handle(message: ToWorker): void } {
  const run = options.dispatch ?? dispatch;
  const cancelled = new Set<number>();
  const running = new Set<number>();

  async function execute(message: RequestMessage): Promise<void> {
    const { id } = message;
    running.add(id);
    const progress = new WorkerProgress(
      id,
      (m) => options.post(m, []),
      () => cancelled.has(id),
      options.timing ?? DEFAULT_TIMING,
    );
    try {
      const result = await run(message, { ...options.context, progress });
      const keep = await options.context.tables.buffers();
      const transfer = collectTransferables(result, keep);
      options.post({ id, type: 'result', result }, transfer);
    } catch (error) {
      options.post({ id, type: 'error', error: toWorkerError(error) }, []);
    } finally {
      running.delete(id);
      cancelled.delete(id);
    }
  }

  return {
    handle(message) {
      if (message.type === 'cancel') {
        // A cancel for a request already answered is dropped: nothing to stop.
        if (running.has(message.id)) cancelled.add(message.id);
        return;
      }
      void execute(message);
    },
  };
}
