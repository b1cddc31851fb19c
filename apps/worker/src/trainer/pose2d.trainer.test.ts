import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { synthesizeCoco, type SyntheticCocoPaths } from '@headroom/datasets';
import { selectBackend, type BackendInfo } from '@headroom/models';
import {
  countTrials,
  gridTrialAt,
  parseSweepSpec,
  parseSweepText,
  type SweepSpec,
} from '@headroom/sweep';
import { plainHooks, type TrainHooks } from './hooks';
import type { EpochReport, TrainHeartbeat, TrainTrialInput } from '@headroom/sweep/temporal';
import { trainPose2d } from './pose2d.trainer';

const dir = mkdtempSync(join(tmpdir(), 'headroom-pose2d-'));
const cocoDir = join(dir, 'coco');
const artifactsDir = join(dir, 'artifacts');

function tinySpec(dataset: unknown, epochs = 2): SweepSpec {
  return parseSweepSpec({
    name: 'pose2d-trainer-test',
    task: 'pose2d',
    dataset,
    method: 'grid',
    parameters: {
      d_m: { value: 32 },
      heads: { value: 4 },
      d_h: { value: 'auto' },
      layers: { value: 1 },
      lr: { value: 0.002 },
      epochs: { value: epochs },
      batch_size: { value: 8 },
      seed: { value: 1 },
    },
  });
}

const cocoSpec = tinySpec({ kind: 'coco', path: cocoDir, input_size: [64, 48] });

function input(trialId: string, spec: SweepSpec = cocoSpec): TrainTrialInput {
  return {
    sweepId: 'sw2d',
    trialId,
    task: 'pose2d',
    dataset: spec.dataset,
    params: gridTrialAt(spec, 0),
  };
}

function hooks(backend: BackendInfo, overrides: Partial<TrainHooks> = {}): TrainHooks {
  return plainHooks(artifactsDir, backend, overrides);
}

/** COCO's −1: no ground truth in that area range; anything else is a fraction. */
function expectCocoStat(value: number | null | undefined): void {
  expect(value).toBeTypeOf('number');
  if (value !== -1) {
    expect(value).toBeGreaterThanOrEqual(0);
    expect(value).toBeLessThanOrEqual(1);
  }
}

describe('trainPose2d', () => {
  let backend: BackendInfo;
  let coco: SyntheticCocoPaths;
  beforeAll(async () => {
    backend = await selectBackend();
    coco = await synthesizeCoco({ outDir: cocoDir, images: 24, seed: 7, width: 160, height: 120 });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('trains on a COCO folder, reporting AP/AR and a checkpoint every epoch, and resumes', async () => {
    expect(coco.val.people).toBeGreaterThan(0);
    const reports: EpochReport[] = [];
    const beats: TrainHeartbeat[] = [];
    const result = await trainPose2d(
      input('sw2d-0'),
      hooks(backend, {
        heartbeat: (d) => beats.push(d),
        onEpoch: async (r) => void reports.push(r),
      }),
    );
    expect(reports.map((r) => r.epoch)).toEqual([1, 2]);
    for (const r of reports) {
      // All ten COCO stats under the task's metric names, and the loss.
      expect(Object.keys(r.metrics).sort()).toEqual([
        'ap',
        'ap50',
        'ap75',
        'apl',
        'apm',
        'ar',
        'ar50',
        'ar75',
        'arl',
        'arm',
        'loss',
      ]);
      for (const name of ['ap', 'ar'] as const) {
        expect(r.metrics[name]).toBeGreaterThanOrEqual(0);
        expect(r.metrics[name]).toBeLessThanOrEqual(1);
      }
      for (const name of ['ap50', 'ap75', 'apm', 'apl', 'ar50', 'ar75', 'arm', 'arl'] as const)
        expectCocoStat(r.metrics[name]);
      expect(r.metrics.loss).toBeGreaterThan(0);
      expect(Number.isFinite(r.metrics.loss)).toBe(true);
      expect(existsSync(r.checkpoint!.path)).toBe(true);
      expect(r.checkpoint!.sha256).toMatch(/^[0-9a-f]{64}$/);
    }
    const { loss: _loss, ...last } = reports[1]!.metrics;
    expect(result.metrics).toEqual(last);
    expect(result.epochsCompleted).toBe(2);
    expect(result.paramCount).toBeGreaterThan(0);
    expect(existsSync(result.artifactPath)).toBe(true);
    // A heartbeat per batch: ~35 training people at batch 8 is 5 batches an epoch.
    expect(beats.filter((b) => (b.batchesSeen ?? 0) > 0).length).toBeGreaterThanOrEqual(2 * 4);

    // Another attempt of the finished trial resumes from its last checkpoint (as its heartbeat
    // details name it): nothing to
    // train, but the result still carries the metrics.
    let resumedFrom = -1;
    const again = await trainPose2d(
      { ...input('sw2d-0'), resumeFrom: { epoch: 2, path: reports[1]!.checkpoint!.path } },
      hooks(backend, {
        onStart: async (s) => void (resumedFrom = s.resumedFromEpoch),
        onEpoch: async () => expect.fail('no epoch left'),
      }),
    );
    expect(resumedFrom).toBe(2);
    expect(again.metrics).toEqual(result.metrics);
  });

  it('stops at the next batch when cancelled, reporting no epoch', async () => {
    const ctl = new AbortController();
    const reports: EpochReport[] = [];
    await expect(
      trainPose2d(
        input('sw2d-1'),
        hooks(backend, {
          cancelled: ctl.signal,
          heartbeat: (d) => {
            if ((d.batchesSeen ?? 0) >= 1) ctl.abort();
          },
          onEpoch: async (r) => void reports.push(r),
        }),
      ),
    ).rejects.toThrow(/cancel/);
    expect(reports).toEqual([]);
  });

  it('fails permanently with DATA naming the missing annotation file', async () => {
    const broken = join(dir, 'broken');
    mkdirSync(join(broken, 'annotations'), { recursive: true });
    mkdirSync(join(broken, 'images', 'train'), { recursive: true });
    cpSync(coco.train.annotationFile, join(broken, 'annotations', 'person_keypoints_train.json'));
    const spec = tinySpec({ kind: 'coco', path: broken, input_size: [64, 48] });
    await expect(trainPose2d(input('sw2d-2', spec), hooks(backend))).rejects.toMatchObject({
      code: 'DATA',
      message: expect.stringContaining(
        join(broken, 'annotations', 'person_keypoints_val2017.json'),
      ),
    });
  });

  it('writes a synthetic set once beside the artifacts and trains on it', async () => {
    // Where the set goes, and that concurrent writers share one, is materializeSyntheticCoco's
    // (@headroom/datasets); the trainer puts it in <artifacts>/../datasets.
    const reports: EpochReport[] = [];
    const spec = tinySpec({ kind: 'synthetic', images: 16, seed: 3, input_size: [64, 48] }, 1);
    const result = await trainPose2d(
      input('sw2d-3', spec),
      hooks(backend, { onEpoch: async (r) => void reports.push(r) }),
    );
    expect(reports.map((r) => r.epoch)).toEqual([1]);
    expectCocoStat(result.metrics.ap);
    expect(readdirSync(join(dir, 'datasets'))).toEqual(['synthetic-coco-3-16']);
    expect(
      existsSync(
        join(dir, 'datasets', 'synthetic-coco-3-16', 'annotations', 'person_keypoints_val.json'),
      ),
    ).toBe(true);
  });

  it('has example sweeps that parse: the COCO 2017 d_h sweep and the synthetic one', () => {
    const examples = join(__dirname, '..', '..', '..', '..', 'examples', 'sweeps');
    const read = (name: string) => parseSweepText(readFileSync(join(examples, name), 'utf8'), name);
    const coco = read('pose2d-coco-dh.yaml');
    expect(coco.dataset).toMatchObject({ kind: 'coco', input_size: [256, 192] });
    expect(countTrials(coco)).toBe(6);
    const synthetic = read('pose2d-synthetic.yaml');
    expect(synthetic.dataset).toMatchObject({ kind: 'synthetic' });
    expect(synthetic.task).toBe('pose2d');
  });
});
