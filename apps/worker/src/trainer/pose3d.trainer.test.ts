import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeModel, selectBackend, type BackendInfo } from '@headroom/models';
import { parseSweepSpec, gridTrialAt } from '@headroom/sweep';
import type { EpochReport, TrainTrialInput } from '@headroom/sweep/temporal';
import { plainHooks } from './hooks';
import { buildPose3dTrialModel, pose3dMetrics, trainPose3d } from './pose3d.trainer';

const specInput = {
  name: 'trainer-test',
  task: 'pose3d',
  dataset: { kind: 'synthetic', samples: 1200, seed: 3 },
  method: 'grid',
  parameters: {
    d_m: { value: 32 },
    heads: { value: 4 },
    d_h: { value: 16 },
    qk_tied: { value: true },
    layers: { value: 1 },
    lr: { value: 0.003 },
    epochs: { value: 3 },
    batch_size: { value: 64 },
  },
};
const spec = parseSweepSpec(specInput);

describe('trainPose3d', () => {
  let backend: BackendInfo;
  const root = mkdtempSync(join(tmpdir(), 'headroom-trainer-'));
  // The artifacts dir; synthetic sets go beside it, in <root>/datasets.
  const dir = join(root, 'artifacts');
  beforeAll(async () => {
    backend = await selectBackend();
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const input = (): TrainTrialInput => ({
    sweepId: 'swtest',
    trialId: 'swtest-0',
    task: 'pose3d',
    dataset: spec.dataset,
    params: gridTrialAt(spec, 0),
  });

  it('reports every epoch with metrics and a checkpoint, learns, and saves final weights', async () => {
    const reports: EpochReport[] = [];
    const beats: Array<{ epoch: number }> = [];
    const starts: Array<{ resumedFromEpoch: number; paramCount: number; flops: number }> = [];
    const result = await trainPose3d(
      input(),
      plainHooks(dir, backend, {
        heartbeat: (d) => beats.push(d),
        onStart: async (info) => void starts.push(info),
        onEpoch: async (r) => void reports.push(r),
      }),
    );
    // The model's size and cost are announced at the start, as packages/models counts them.
    const stats = describeModel(buildPose3dTrialModel(input().params));
    expect(starts).toEqual([{ resumedFromEpoch: 0, paramCount: stats.params, flops: stats.flops }]);
    expect(stats.flops).toBeGreaterThan(0);
    expect(reports.map((r) => r.epoch)).toEqual([1, 2, 3]);
    for (const r of reports) {
      expect(Object.keys(r.metrics).sort()).toEqual(['loss', 'mpjpe', 'p_mpjpe']);
      expect(existsSync(r.checkpoint!.path)).toBe(true);
      expect(r.checkpoint!.sha256).toMatch(/^[0-9a-f]{64}$/);
    }
    expect(reports.at(-1)!.metrics.mpjpe!).toBeLessThan(reports[0]!.metrics.mpjpe!);
    expect(result.metrics.mpjpe).toBe(reports.at(-1)!.metrics.mpjpe);
    expect(result.epochsCompleted).toBe(3);
    expect(result.paramCount).toBe(stats.params);
    expect(existsSync(result.artifactPath)).toBe(true);
    expect(beats.length).toBeGreaterThan(3);
    // Read from VideoPose3D's files, written once beside the artifacts: 1200 samples over
    // 5 train subjects × 15 actions × 4 cameras is 4 frames per action.
    expect(readdirSync(join(root, 'datasets'))).toEqual(['synthetic-h36m-3-4']);
  });

  it("trains on VideoPose3D's .npz files (kind: h36m) to finite metrics and a checkpoint", async () => {
    // The committed numpy-written fixture: S1 (5 frames) to train, S9 (5 frames) to test.
    const path = relative(
      process.cwd(),
      join(__dirname, '..', '..', '..', '..', 'packages', 'datasets', 'fixtures', 'h36m-npz'),
    );
    const dataset = parseSweepSpec({
      ...specInput,
      dataset: {
        kind: 'h36m',
        path,
        keypoints: 'gt',
        train_subjects: ['S1'],
        test_subjects: ['S9'],
      },
    }).dataset;
    const reports: EpochReport[] = [];
    const result = await trainPose3d(
      {
        ...input(),
        trialId: 'swtest-h36m',
        dataset,
        params: { ...gridTrialAt(spec, 0), epochs: 1 },
      },
      plainHooks(dir, backend, { onEpoch: async (r) => void reports.push(r) }),
    );
    expect(reports).toHaveLength(1);
    expect(Number.isFinite(reports[0]!.metrics.mpjpe)).toBe(true);
    expect(Number.isFinite(reports[0]!.metrics.p_mpjpe)).toBe(true);
    expect(reports[0]!.metrics.mpjpe).toBeGreaterThan(0);
    expect(existsSync(reports[0]!.checkpoint!.path)).toBe(true);
    expect(result.epochsCompleted).toBe(1);
  });

  it('fails with DATA naming the missing 2D file of kind: h36m', async () => {
    const path = join(
      __dirname,
      '..',
      '..',
      '..',
      '..',
      'packages',
      'datasets',
      'fixtures',
      'h36m-npz',
    );
    await expect(
      trainPose3d(
        { ...input(), dataset: { kind: 'h36m', path, keypoints: 'cpn_ft_h36m_dbb' } },
        plainHooks(dir, backend),
      ),
    ).rejects.toMatchObject({
      code: 'DATA',
      message: expect.stringContaining('data_2d_h36m_cpn_ft_h36m_dbb.npz: does not exist'),
    });
  });

  it('reports MPJPE as the mean over actions, not over samples', () => {
    // Action 0: 3 exact samples; action 1: 1 sample with every joint 1 cm off along x.
    const targets = new Float32Array(4 * 51).map((_, i) => (i % 51 < 3 ? 0 : (i % 7) * 0.01));
    const pred = Float64Array.from(targets);
    for (let j = 1; j < 17; j++) pred[3 * 51 + j * 3] = pred[3 * 51 + j * 3]! + 0.01;
    const test = {
      count: 4,
      inputs: new Float32Array(4 * 34),
      targets,
      actionIndex: Uint16Array.from([0, 0, 0, 1]),
      actionNames: ['Walking', 'Sitting'],
    };
    const { metrics, breakdown } = pose3dMetrics(pred, test);
    // Action 1's MPJPE is 16/17 cm (the root is never off): mean over the two actions halves it.
    expect(metrics.mpjpe).toBeCloseTo(((16 / 17) * 10) / 2, 3);
    // The per-action values behind the mean are kept.
    expect(breakdown!.Walking!.mpjpe).toBe(0);
    expect(breakdown!.Sitting!.mpjpe).toBeCloseTo((16 / 17) * 10, 3);
    expect(Object.keys(breakdown!.Sitting!)).toEqual(['mpjpe', 'p_mpjpe']);
    const whole = pose3dMetrics(pred, { ...test, actionIndex: undefined, actionNames: undefined });
    expect(whole.metrics.mpjpe).toBeCloseTo(((16 / 17) * 10) / 4, 3);
  });

  it('stops when cancelled', async () => {
    const ctl = new AbortController();
    ctl.abort();
    await expect(
      trainPose3d(input(), plainHooks(dir, backend, { cancelled: ctl.signal })),
    ).rejects.toThrow(/cancel/);
  });

  it('fails permanently on a dataset it cannot read, naming the field', async () => {
    await expect(
      trainPose3d(
        { ...input(), dataset: { kind: 'h36m', path: '/nonexistent' } },
        plainHooks(dir, backend),
      ),
    ).rejects.toMatchObject({ code: 'DATA', message: expect.stringContaining('dataset') });
  });

  it("initialises the model from the trial's seed: same seed, same weights; another seed, others", () => {
    const initialWeights = (seed: number): number[][] => {
      const model = buildPose3dTrialModel({ ...gridTrialAt(spec, 0), seed });
      const weights = model.getWeights().map((w) => Array.from(w.dataSync()));
      model.dispose();
      return weights;
    };
    const a = initialWeights(7);
    expect(a.length).toBeGreaterThan(0);
    expect(initialWeights(7)).toEqual(a);
    expect(initialWeights(8)).not.toEqual(a);
  });
});
