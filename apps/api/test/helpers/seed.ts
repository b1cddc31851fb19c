import type { NewTrial } from '@headroom/db';

/** A trial row as the control worker registers it: the geometry in params and in its columns. */
export function seedTrial(
  index: number,
  geometry: { d_m: number; heads: number; d_h: number; qk_tied: boolean },
  epochs: number,
): NewTrial {
  return {
    index,
    params: { ...geometry, lr: 0.001, seed: index },
    dModel: geometry.d_m,
    heads: geometry.heads,
    dH: geometry.d_h,
    qkTied: geometry.qk_tied,
    epochs,
  };
}

/** The columns every seeded pose3d grid sweep shares (ranked by MPJPE, lower is better). */
export const POSE3D_GRID = {
  task: 'pose3d' as const,
  method: 'grid' as const,
  metricName: 'mpjpe',
  metricGoal: 'minimize' as const,
  spec: {},
};
