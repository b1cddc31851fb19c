import type { AshaState } from '@headroom/sweep';
import type { SweepWorkflowInput } from '@headroom/sweep/temporal';

// Worker-internal types. Everything that crosses Temporal is in @headroom/sweep/temporal.

/** State a sweep carries across continue-as-new: everything it knows that is not in the spec. */
export interface SweepState {
  registered: boolean;
  /** Next trial index never started yet. */
  next: number;
  /** Indices of trials whose workflows run now (including paused ones). */
  running: number[];
  /** Trials asked to run again (retryFailedTrials), not started yet. */
  retryQueue: number[];
  paused: boolean;
  cancelled: boolean;
  asha?: AshaState;
}

/** The sweep workflow's own input: what the API sends, plus what continue-as-new carries. */
export interface SweepWorkflowArgs extends SweepWorkflowInput {
  /** Absent on the first run; carried by continue-as-new. */
  state?: SweepState;
  /** Continue-as-new past this many history events (tests set it small; default HISTORY_EVENTS_BEFORE_CONTINUE). */
  historyEventsBeforeContinue?: number;
}
