import { HeadroomError, type Violation } from '@headroom/errors';
import {
  PARAMETER_NAMES,
  validateParameters,
  withDefaults,
  type ParameterName,
  type ParameterSpec,
  type ParameterValue,
  type TrialParams,
} from './parameters';
import { uniformAt } from './prng';
import { DEFAULT_SAMPLER_SEED, type SweepSpec } from './spec';
import { throwIfViolations } from './violations';

/**
 * Re-validates what sampling reads, so a spec built in code (not parsed) cannot slip in a
 * combination where `d_h: auto` does not divide, a missing run_cap or a bad seed.
 */
function readRandomSpec(spec: SweepSpec): {
  parameters: Record<string, ParameterSpec>;
  seed: number;
  runCap: number;
} {
  const violations: Violation[] = [];
  if (spec.method !== 'random') {
    violations.push({
      path: 'method',
      message: `sampling needs method: random; ${String(spec.method)} sweeps do not sample (a grid walks its values with gridTrialAt)`,
    });
  }
  const runCap = spec.run_cap;
  if (!Number.isSafeInteger(runCap) || (runCap as number) <= 0) {
    violations.push({
      path: 'run_cap',
      message: `method: random needs run_cap, a positive integer; got ${String(runCap)}`,
    });
  }
  const seed = spec.sampler_seed ?? DEFAULT_SAMPLER_SEED;
  if (!Number.isSafeInteger(seed) || seed < 0) {
    violations.push({
      path: 'sampler_seed',
      message: `sampler_seed must be an integer ≥ 0; got ${String(seed)}`,
    });
  }
  const parameters = validateParameters(spec.parameters, 'random', violations) ?? {};
  throwIfViolations('sweep spec', violations);
  return { parameters, seed, runCap: runCap as number };
}

/**
 * One parameter's value for one trial. Each parameter draws its own number, keyed by its
 * name, so adding or removing another parameter leaves its values unchanged.
 */
function sampleParameter(p: ParameterSpec, u: () => number): ParameterValue {
  if ('value' in p) return p.value;
  if (!('distribution' in p)) return p.values[Math.floor(u() * p.values.length)]!;
  switch (p.distribution) {
    case 'categorical': {
      const values = p.values ?? [];
      return values[Math.floor(u() * values.length)]!;
    }
    case 'int_uniform': {
      // Both ends included: max − min + 1 integers, each equally likely (u < 1, so ≤ max).
      const min = p.min!;
      const max = p.max!;
      return min + Math.floor(u() * (max - min + 1));
    }
    case 'uniform': {
      const min = p.min!;
      const max = p.max!;
      return min + u() * (max - min);
    }
    case 'log_uniform_values': {
      const min = p.min!;
      const max = p.max!;
      // V8's Math.log and Math.exp are ports of fdlibm: the same bits on every platform, so a
      // replay on another worker samples the same value.
      const x = Math.exp(Math.log(min) + u() * (Math.log(max) - Math.log(min)));
      // exp(log(max)) can round one ulp past max; the spec promised [min, max].
      return Math.min(max, Math.max(min, x));
    }
  }
}

/** How many trials a random sweep runs: its run_cap, once the spec is checked as sampling reads it. */
export function countRandomTrials(spec: SweepSpec): number {
  return readRandomSpec(spec).runCap;
}

/**
 * The `index`-th trial of a random sweep (0 ≤ index < run_cap): a pure function of the
 * parameters, `sampler_seed` and `index` — not of run_cap, nor of the trials before it — so a
 * workflow computes any trial on its own, and raising run_cap keeps the trials already run.
 *
 * `value` is fixed; `values` and `categorical` pick one value uniformly; `uniform` draws from
 * [min, max); `int_uniform` an integer in [min, max], both ends included; `log_uniform_values`
 * exp(uniform(log min, log max)). Parameters the spec leaves out take their defaults.
 */
export function sampleTrialAt(spec: SweepSpec, index: number): TrialParams {
  const { parameters, seed, runCap } = readRandomSpec(spec);
  if (!Number.isSafeInteger(index) || index < 0 || index >= runCap) {
    throw HeadroomError.invalid('INVALID_INPUT', 'trial index', [
      {
        path: 'index',
        message: `${index} is outside the sweep; use an integer from 0 to ${runCap - 1} (run_cap ${runCap})`,
      },
    ]);
  }
  const params: Partial<Record<ParameterName, ParameterValue>> = {};
  for (const name of PARAMETER_NAMES) {
    const p = parameters[name];
    if (p !== undefined) params[name] = sampleParameter(p, () => uniformAt(seed, index, name));
  }
  return withDefaults(params);
}
