/**
 * Headroom's reading and sampling of W&B sweep configs against W&B's own sweeps library: the
 * fixtures are written by scripts/wandb-fixtures.py from PyPI `sweeps` (see its docstring).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ashaRungs, hyperbandBands } from './asha';
import { expandGrid } from './grid';
import { parseSweepText } from './load';
import {
  drawLeaf,
  parameterLeaves,
  type LeafParameter,
  type ProgramTrialParams,
  type SpecValue,
} from './parameter-spec';
import { sampleTrialAt } from './random';
import { parseSweepSpec, type ProgramSweepSpec } from './spec';
import { isProgramSweep } from './spec-shape';

interface WandbConfig {
  yaml: string;
  violations: string[];
  parameters: Record<string, { type: string; config: Record<string, unknown> }>;
  early_terminate?: Record<string, unknown>;
  bands?: number[];
  grid?: ProgramTrialParams[];
}
interface WandbLaw {
  type: string;
  config: Record<string, unknown>;
  ppf: { u: number[]; values: SpecValue[] };
  summary: {
    draws: number;
    frequencies?: Record<string, number>;
    min?: number;
    max?: number;
    quantiles?: Record<string, number>;
    integer_share?: number;
    q_grid_share?: number;
  };
}

const fixtures = join(__dirname, 'fixtures');
const CONFIGS = (
  JSON.parse(readFileSync(join(fixtures, 'wandb-configs.json'), 'utf8')) as {
    configs: Record<string, WandbConfig>;
  }
).configs;
const LAWS = (
  JSON.parse(readFileSync(join(fixtures, 'wandb-laws.json'), 'utf8')) as {
    laws: Record<string, WandbLaw>;
  }
).laws;

/** A program sweep of one parameter, as a random sweep to sample. */
function lawSpec(config: Record<string, unknown>, seed = 7): ProgramSweepSpec {
  const spec = parseSweepSpec({
    program: 'train.py',
    method: 'random',
    sampler_seed: seed,
    parameters: { x: config },
  });
  if (!isProgramSweep(spec)) throw new Error('expected a program sweep');
  return spec;
}

function leafOf(spec: ProgramSweepSpec): LeafParameter {
  return parameterLeaves(spec.parameters)[0]!.spec;
}

/** W&B's schema names (params.py) as the distribution Headroom reads. */
const WANDB_TYPES: Record<string, string> = {
  param_single_value: 'constant',
  param_categorical: 'categorical',
  param_categorical_w_probabilities: 'categorical',
  param_int_uniform: 'int_uniform',
  param_uniform: 'uniform',
  param_quniform: 'q_uniform',
  param_loguniform: 'log_uniform',
  param_loguniform_v2: 'log_uniform_values',
  param_qloguniform: 'q_log_uniform',
  param_qloguniform_v2: 'q_log_uniform_values',
  param_inv_loguniform: 'inv_log_uniform',
  param_inv_loguniform_v2: 'inv_log_uniform_values',
  param_normal: 'normal',
  param_qnormal: 'q_normal',
  param_lognormal: 'log_normal',
  param_qlognormal: 'q_log_normal',
  param_beta: 'beta',
  param_qbeta: 'q_beta',
};

describe("W&B's reading of sweep configs", () => {
  it.each(Object.keys(CONFIGS))(
    '%s: valid in both, the same distributions and defaults',
    (name) => {
      const wandb = CONFIGS[name]!;
      expect(wandb.violations).toEqual([]);
      const spec = parseSweepText(wandb.yaml, `${name}.yaml`);
      const leaves = Object.fromEntries(
        parameterLeaves(spec.parameters).map((l) => [l.path.join('.'), l.spec]),
      );
      expect(Object.keys(leaves).sort()).toEqual(Object.keys(wandb.parameters).sort());
      for (const [path, { type, config }] of Object.entries(wandb.parameters)) {
        const ours = leaves[path]!;
        const dist =
          'value' in ours ? 'constant' : 'values' in ours ? 'categorical' : ours.distribution;
        expect(dist, path).toBe(WANDB_TYPES[type]);
        for (const key of [
          'value',
          'values',
          'probabilities',
          'min',
          'max',
          'mu',
          'sigma',
          'a',
          'b',
          'q',
        ]) {
          if (key in config)
            expect((ours as Record<string, unknown>)[key], `${path}.${key}`).toEqual(config[key]);
        }
      }
      if (wandb.early_terminate) expect(spec.early_terminate).toEqual(wandb.early_terminate);
    },
  );

  it('infers from the YAML text: min/max written as floats is uniform, as integers int_uniform', () => {
    const { parameters } = parseSweepText(CONFIGS.inference!.yaml);
    expect(parameters.int_range).toEqual({ distribution: 'int_uniform', min: 1, max: 3 });
    expect(parameters.float_range).toEqual({ distribution: 'uniform', min: 1, max: 3 });
    expect(parameters.mixed_range).toEqual({ distribution: 'uniform', min: 1, max: 3.5 });
    // The same object without the text's types: 1 and 3 are integers.
    expect(
      parseSweepSpec({ program: 'p', method: 'random', parameters: { x: { min: 1.0, max: 3.0 } } })
        .parameters.x,
    ).toEqual({ distribution: 'int_uniform', min: 1, max: 3 });
  });

  it.each(Object.keys(CONFIGS).filter((n) => CONFIGS[n]!.grid))(
    '%s: the grid is W&B’s, trial for trial and in its order',
    (name) => {
      const wandb = CONFIGS[name]!;
      const spec = parseSweepText(wandb.yaml);
      if (!isProgramSweep(spec)) throw new Error('expected a program sweep');
      expect(expandGrid(spec)).toEqual(wandb.grid);
    },
  );

  it.each(Object.keys(CONFIGS).filter((n) => CONFIGS[n]!.bands))(
    '%s: hyperband rungs at W&B’s bands',
    (name) => {
      const wandb = CONFIGS[name]!;
      const et = parseSweepText(wandb.yaml).early_terminate!;
      if (et.max_iter !== undefined) {
        expect(hyperbandBands(et)).toEqual(wandb.bands);
      } else {
        const rungs = ashaRungs({
          minIter: et.min_iter!,
          eta: et.eta,
          maxIter: wandb.bands!.at(-1)!,
          goal: 'minimize',
        });
        expect(rungs).toEqual(wandb.bands);
      }
    },
  );
});

describe("each distribution's law is W&B's", () => {
  it.each(Object.keys(LAWS))("%s: W&B's inverse CDF at fixed points", (name) => {
    const law = LAWS[name]!;
    const leaf = leafOf(lawSpec(law.config));
    law.ppf.u.forEach((u, i) => {
      const theirs = law.ppf.values[i]!;
      const ours = drawLeaf(leaf, u);
      // scipy's randint.ppf is ceil(u·n) − 1: a u on a boundary lands one index lower there.
      const n =
        'values' in leaf && !leaf.probabilities
          ? leaf.values.length
          : 'max' in leaf && leaf.distribution === 'int_uniform'
            ? leaf.max - leaf.min + 1
            : 0;
      if (n > 0 && Number.isInteger(u * n)) return;
      if (typeof theirs !== 'number') {
        expect(ours, `u ${u}`).toEqual(theirs);
        return;
      }
      expect(typeof ours).toBe('number');
      const tolerance = 1e-9 * Math.max(1, Math.abs(theirs));
      expect(
        Math.abs((ours as number) - theirs),
        `u ${u}: ${ours} vs ${theirs}`,
      ).toBeLessThanOrEqual(tolerance);
    });
  });

  it.each(Object.keys(LAWS))("%s: 20,000 seeded draws match W&B's", (name) => {
    const law = LAWS[name]!;
    const spec = lawSpec(law.config, 2026);
    const draws = Array.from(
      { length: law.summary.draws },
      (_, i) => sampleTrialAt(spec, i).x as SpecValue,
    );
    const { summary } = law;
    if (summary.frequencies) {
      for (const [value, share] of Object.entries(summary.frequencies)) {
        const ours = draws.filter((d) => String(d) === value).length / draws.length;
        expect(Math.abs(ours - share), `share of ${value}`).toBeLessThan(0.02);
      }
      return;
    }
    const xs = draws as number[];
    // Each of W&B's quantiles sits at the same probability in Headroom's draws (for a
    // discrete law, between P(X < q) and P(X ≤ q)); a wrong law — base-10 exponents for
    // log_uniform, a missing 1 − u — moves them by far more than the 0.02 allowed.
    for (const [level, q] of Object.entries(summary.quantiles!)) {
      const p = Number(level);
      const below = xs.filter((x) => x < q).length / xs.length;
      const atOrBelow = xs.filter((x) => x <= q).length / xs.length;
      expect(atOrBelow, `P(X ≤ q${level} = ${q})`).toBeGreaterThan(p - 0.02);
      expect(below, `P(X < q${level} = ${q})`).toBeLessThan(p + 0.02);
    }
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const spread = summary.quantiles!['0.75']! - summary.quantiles!['0.25']!;
    // Means of heavy tails (log_normal) wander; compare on the interquartile scale.
    expect(Math.abs(mean - (summary as { mean?: number }).mean!)).toBeLessThan(
      0.1 * spread + 1e-12,
    );
    const integers = xs.filter((x) => Number.isInteger(x)).length / xs.length;
    expect(Math.abs(integers - summary.integer_share!)).toBeLessThan(0.02);
    if (summary.q_grid_share !== undefined) {
      const q = law.config.q as number;
      const onGrid = xs.filter((x) => Math.abs(Math.round(x / q) * q - x) < 1e-9).length;
      expect(onGrid / xs.length).toBe(summary.q_grid_share);
    }
  });

  it('log_uniform takes natural-log exponents, log_uniform_values the values', () => {
    const exponents = leafOf(
      lawSpec({ distribution: 'log_uniform', min: Math.log(1e-4), max: Math.log(1e-1) }),
    );
    const values = leafOf(lawSpec({ distribution: 'log_uniform_values', min: 1e-4, max: 1e-1 }));
    for (const u of [0, 0.3, 0.999]) {
      expect(drawLeaf(exponents, u)).toBeCloseTo(drawLeaf(values, u) as number, 12);
    }
  });
});
