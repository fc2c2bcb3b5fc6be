// One cell's run state as the page shows it: the notebook runner's RunState
// (../notebook/runner.ts) with every field reactive. The runner writes the
// fields; components only read them.

import type { RunError, RunProgress, RunState, RunStatus } from '../notebook/runner';
import type { OutputRef, Wait } from '../cells/kind';

export type { RunStatus };

export class CellRun implements RunState {
  status = $state<RunStatus>('idle');
  progress = $state<RunProgress | null>(null);
  result = $state.raw<unknown>(null);
  error = $state.raw<RunError | null>(null);
  reason = $state.raw<Wait | null>(null);
  key = $state<string | null>(null);
  output = $state.raw<OutputRef | null>(null);
  sources = $state.raw<string[]>([]);
  restored = $state(false);
  events = $state.raw<readonly unknown[]>([]);
  paused = $state(false);
}
