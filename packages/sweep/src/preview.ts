import type { ProgramTrialParams } from './parameter-spec';
import { parameterLeaves } from './parameter-spec';
import type { TrialParams } from './parameters';
import { sampleTrialAt } from './random';
import type { SweepMethod, SweepSpec } from './spec';
import { countTrials, trialAt } from './trials';

/** What a sweep would run, without running it: `headroom sweep validate`'s answer. */
export interface SweepPreview {
  method: SweepMethod;
  /** `null` for random and bayes without run_cap, which run until stopped. */
  trialCount: number | null;
  /** The spec's parameter names in W&B's order (sorted), nested ones dotted: `optimizer.lr`. */
  parameters: string[];
  /**
   * The first trials' parameters, nested as in the file (a task trial with its defaults filled
   * in). Bayes trials depend on results, so a bayes sweep shows draws from its priors — what its
   * first, random trials are like.
   */
  sample: Array<TrialParams | ProgramTrialParams>;
}

/** Expands a (parsed) spec: its trial count, parameter names and its first `sample` trials. */
export function previewSweep(spec: SweepSpec, sample: number): SweepPreview {
  const trialCount = countTrials(spec);
  const n = Math.max(0, Math.min(sample, trialCount ?? sample));
  const trials = Array.from({ length: n }, (_, i) =>
    spec.method === 'bayes' ? sampleTrialAt({ ...spec, method: 'random' }, i) : trialAt(spec, i),
  );
  return {
    method: spec.method,
    trialCount,
    parameters: parameterLeaves(spec.parameters).map((l) => l.path.join('.')),
    sample: trials,
  };
}
