import { HeadroomError } from '@headroom/errors';
import type { LrScheduleName, TrialParams } from '@headroom/sweep';

/** A trial's learning-rate schedule, in optimizer steps over the whole trial. */
export interface LrSchedule {
  /** The peak learning rate (the trial's `lr`). */
  lr: number;
  schedule: LrScheduleName;
  /** Steps of linear warm-up from 0 to `lr`. */
  warmupSteps: number;
  /** Optimizer steps of the whole trial (epochs × steps per epoch); cosine reaches 0 there. */
  totalSteps: number;
}

/** The schedule of a trial whose epochs take `stepsPerEpoch` optimizer steps each. */
export function lrScheduleOf(
  params: Pick<TrialParams, 'lr' | 'lr_schedule' | 'warmup_steps' | 'epochs'>,
  stepsPerEpoch: number,
): LrSchedule {
  if (!Number.isSafeInteger(stepsPerEpoch) || stepsPerEpoch <= 0) {
    throw new HeadroomError(
      'DATA',
      `an epoch has ${stepsPerEpoch} training steps; the training split needs at least one sample`,
    );
  }
  return {
    lr: params.lr,
    schedule: params.lr_schedule,
    warmupSteps: params.warmup_steps,
    totalSteps: params.epochs * stepsPerEpoch,
  };
}

/**
 * The learning rate of optimizer step `step` (0-based: the first update uses step 0), as
 * transformers' `get_constant_schedule_with_warmup` / `get_cosine_schedule_with_warmup`
 * (num_cycles 0.5) scale it: `lr · step / warmupSteps` during the warm-up (so the very first
 * step of a warm-up uses 0, as there), then `lr`, or `lr · ½(1 + cos(π · progress))` with
 * `progress = (step − warmupSteps) / (totalSteps − warmupSteps)`, which is 0 at `totalSteps`.
 * Past `totalSteps` the cosine stays at 0 rather than rising again.
 */
export function learningRateAt(step: number, s: LrSchedule): number {
  if (step < s.warmupSteps) return (s.lr * step) / Math.max(1, s.warmupSteps);
  if (s.schedule === 'constant') return s.lr;
  const progress = Math.min(1, (step - s.warmupSteps) / Math.max(1, s.totalSteps - s.warmupSteps));
  return s.lr * Math.max(0, 0.5 * (1 + Math.cos(Math.PI * progress)));
}
