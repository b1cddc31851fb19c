/** A valid pose3d grid spec (2 trials); tests break one field at a time. */
export function validSpec(
  overrides: Record<string, unknown> = {},
  parameters: Record<string, unknown> = {},
) {
  return {
    name: 'api-test',
    task: 'pose3d',
    dataset: { kind: 'synthetic', samples: 64, seed: 1 },
    method: 'grid',
    metric: { name: 'mpjpe', goal: 'minimize' },
    parameters: {
      d_m: { value: 64 },
      heads: { value: 4 },
      d_h: { value: 'auto' },
      qk_tied: { values: [false, true] },
      layers: { value: 1 },
      lr: { value: 0.001 },
      epochs: { value: 1 },
      ...parameters,
    },
    ...overrides,
  };
}

export const CREATE_SWEEP = /* GraphQL */ `
  mutation ($input: CreateSweepInput!) {
    createSweep(input: $input) {
      id
      name
      task
      method
      metric
      goal
      status
      trialCount
      trials {
        rows {
          index
          d_m
          heads
          d_h
          qk_tied
        }
        next
      }
    }
  }
`;
