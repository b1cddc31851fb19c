// What decoding a parsed spec into trials needs of spec.ts — its kind, the sampler's default
// seed — apart from spec.ts, whose zod schemas workflow code should not evaluate (workflow.ts).
import { HeadroomError } from '@headroom/errors';
import type { ProgramSweepSpec, SweepSpecShape, TaskSweepSpec } from './spec';
import { TASK_IDS } from './tasks';
import { listWords } from './violations';

/**
 * The sampler seed of a random sweep that does not give `sampler_seed`. A Headroom key (W&B
 * has none): the same spec and seed always give the same trials.
 */
export const DEFAULT_SAMPLER_SEED = 0;

export function isTaskSweep(spec: SweepSpecShape): spec is TaskSweepSpec {
  return 'task' in spec;
}

export function isProgramSweep(spec: SweepSpecShape): spec is ProgramSweepSpec {
  return 'program' in spec;
}

/**
 * The spec as a task sweep, for code that only runs built-in tasks (the control plane today);
 * a program sweep is an INVALID_SPEC error saying so.
 */
export function requireTaskSweep(spec: SweepSpecShape): TaskSweepSpec {
  if (isTaskSweep(spec)) return spec;
  throw HeadroomError.invalid('INVALID_SPEC', 'sweep spec', [
    {
      path: 'program',
      message: `Headroom runs built-in task sweeps (task: ${listWords(TASK_IDS)}) here, not programs; program ${spec.program} cannot run yet`,
    },
  ]);
}
