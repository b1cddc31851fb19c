import { describe, expect, it } from 'vitest';
import { apiWithoutTemporal } from './helpers/api-process';
import { CREATE_SWEEP, validSpec } from './helpers/specs';

// Validation runs before Temporal is touched, so no Temporal server here: TEMPORAL_ADDRESS points at a
// port nobody listens on, which also shows the read API working without Temporal.
const stack = apiWithoutTemporal();

async function createSweepErrors(input: Record<string, unknown>) {
  const res = await stack.api.gql(CREATE_SWEEP, { input });
  expect(res.data).toBeNull();
  expect(res.errors).toHaveLength(1);
  const [error] = res.errors!;
  return { error: error!, violations: error!.extensions?.violations ?? [] };
}

describe('createSweep validation', () => {
  it('reports d_m -1 at its path, saying what would be valid', async () => {
    const { error, violations } = await createSweepErrors({
      spec: validSpec({}, { d_m: { value: -1 } }),
    });
    expect(error.extensions?.code).toBe('INVALID_SPEC');
    expect(error.path).toEqual(['createSweep']);
    expect(violations).toEqual([
      {
        path: 'input.spec.parameters.d_m.value',
        message: expect.stringContaining('positive integer'),
      },
    ]);
    expect(error.message).toContain('input.spec.parameters.d_m.value');
    expect(error.message).toContain('got -1');
  });

  it('reports d_h: auto with d_m 500 and 8 heads, naming both numbers', async () => {
    const { error, violations } = await createSweepErrors({
      spec: validSpec({}, { d_m: { value: 500 }, heads: { value: 8 } }),
    });
    expect(error.extensions?.code).toBe('INVALID_SPEC');
    expect(violations.map((v) => v.path)).toEqual(['input.spec.parameters.d_h.value']);
    expect(violations[0]!.message).toMatch(/d_m divisible by heads; 500 \/ 8/);
  });

  it('reports every violation at once: an unknown task lists the known tasks', async () => {
    const { error, violations } = await createSweepErrors({
      spec: validSpec({ task: 'pose4d', metric: undefined }, { d_m: { value: -1 } }),
    });
    expect(error.extensions?.code).toBe('INVALID_SPEC');
    const byPath = Object.fromEntries(violations.map((v) => [v.path, v.message]));
    expect(Object.keys(byPath).sort()).toEqual([
      'input.spec.parameters.d_m.value',
      'input.spec.task',
    ]);
    expect(byPath['input.spec.task']).toMatch(/pose4d.*pose3d, pose2d or chest/);
  });

  it('reports a spec that is not a mapping at input.spec itself', async () => {
    const { violations } = await createSweepErrors({ spec: 'hello' });
    expect(violations).toEqual([
      { path: 'input.spec', message: expect.stringContaining('a sweep spec is a mapping') },
    ]);
  });

  it('prefixes YAML violations with input.yaml, including syntax errors with their line', async () => {
    const missing = await createSweepErrors({ yaml: 'name: x\ntask: pose3d\n' });
    expect(missing.error.extensions?.code).toBe('INVALID_SPEC');
    expect(missing.violations.map((v) => v.path).sort()).toEqual([
      'input.yaml.dataset',
      'input.yaml.method',
      'input.yaml.parameters',
    ]);

    const syntax = await createSweepErrors({ yaml: 'name: [1,' });
    expect(syntax.violations).toHaveLength(1);
    expect(syntax.violations[0]!.path).toMatch(/^input\.yaml:1:\d+$/);
  });

  it('refuses a program sweep without its metric; bayes and random without run_cap pass on to Temporal', async () => {
    // A program sweep ranks its trials by the metric its program reports: it must name one.
    const noMetric = await createSweepErrors({
      yaml: 'program: train.py\nmethod: grid\nparameters:\n  lr: {values: [0.1, 0.01]}\n',
    });
    expect(noMetric.violations).toEqual([
      {
        path: 'input.yaml.metric',
        message: expect.stringContaining('a program sweep needs the metric its program reports'),
      },
    ]);
    // Valid and runnable now: validateSweep (createSweep's own checks) accepts them, unbounded.
    const VALIDATE =
      'query ($input: CreateSweepInput!) { validateSweep(input: $input) { valid trialCount method } }';
    const bayes = await stack.api.gql(VALIDATE, {
      input: {
        yaml: 'program: train.py\nmethod: bayes\nmetric: {name: loss}\nparameters:\n  lr: {min: 0.001, max: 0.1}\n',
      },
    });
    expect(bayes.data?.validateSweep).toEqual({ valid: true, trialCount: null, method: 'bayes' });
    // validSpec has no run_cap: random without one runs until stopped.
    const random = await stack.api.gql(VALIDATE, {
      input: { spec: validSpec({ method: 'random' }) },
    });
    expect(random.data?.validateSweep).toEqual({ valid: true, trialCount: null, method: 'random' });
  });

  it.each([
    ['neither', {}],
    ['both', { spec: validSpec(), yaml: 'name: x' }],
  ])('rejects %s of spec and yaml, naming input', async (got, input) => {
    const { error, violations } = await createSweepErrors(input);
    expect(error.extensions?.code).toBe('INVALID_INPUT');
    expect(violations).toEqual([
      { path: 'input', message: expect.stringContaining(`exactly one of input.spec`) },
    ]);
    expect(error.message).toContain(`got ${got}`);
  });
});

describe('without Temporal', () => {
  it('answers a valid spec with CONFIG, naming the address tried and how to start Temporal', async () => {
    const { error } = await createSweepErrors({ spec: validSpec() });
    expect(error.extensions?.code).toBe('CONFIG');
    expect(error.message).toContain(stack.temporalAddress);
    expect(error.message).toContain('pnpm headroom up');
    expect(error.message).toContain('TEMPORAL_ADDRESS');
  });

  it('still serves reads', async () => {
    const res = await stack.api.gql<{ sweeps: unknown[]; tasks: Array<{ id: string }> }>(
      '{ sweeps { id } tasks { id } }',
    );
    expect(res.errors).toBeUndefined();
    expect(res.data?.sweeps).toEqual([]);
    expect(res.data?.tasks.map((t) => t.id).sort()).toEqual(['chest', 'pose2d', 'pose3d']);
  });
});
