import type { BackendInfo } from '@headroom/models';
import type { EpochReport } from '../types';

/** How a trainer talks to the outside world; the activity supplies Temporal-backed ones, tests plain ones. */
export interface TrainHooks {
  artifactsDir: string;
  backend: BackendInfo;
  heartbeat(details: { epoch: number; checkpoint?: string; batchesSeen?: number }): void;
  cancelled: AbortSignal;
  onEpoch(report: EpochReport): Promise<void>;
}
