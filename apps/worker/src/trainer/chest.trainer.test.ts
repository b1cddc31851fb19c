import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { synthesizeChestXray14 } from '@headroom/datasets';
import { countParams, selectBackend, tf, type BackendInfo } from '@headroom/models';
import {
  CHEST_LABELS,
  CHESTXRAY14_FINDINGS,
  chestAucMetric,
  gridTrialAt,
  parseSweepSpec,
  type SweepSpec,
} from '@headroom/sweep';
import { plainHooks, type TrainHooks } from './hooks';
import type { EpochReport, TrainHeartbeat, TrainTrialInput } from '@headroom/sweep/temporal';
import {
  buildChestTrialModel,
  chestMetrics,
  chestPatchSize,
  pickGradCamImages,
  positiveWeightsOf,
  trainChest,
  weightedBinaryCrossEntropy,
} from './chest.trainer';

const dir = mkdtempSync(join(tmpdir(), 'headroom-chest-'));
const artifactsDir = join(dir, 'artifacts');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const spec: SweepSpec = parseSweepSpec({
  name: 'chest-trainer-test',
  task: 'chest',
  // 32-pixel images: the synthetic set is written at the size the model sees.
  dataset: { kind: 'synthetic', images: 60, seed: 4, image_size: 32 },
  method: 'grid',
  parameters: {
    d_m: { value: 16 },
    heads: { value: 2 },
    d_h: { value: 'auto' },
    layers: { value: 1 },
    lr: { value: 0.003 },
    epochs: { value: 2 },
    batch_size: { value: 16 },
    seed: { value: 1 },
  },
});

function input(trialId: string): TrainTrialInput {
  return {
    sweepId: 'swchest',
    trialId,
    task: 'chest',
    dataset: spec.dataset,
    params: gridTrialAt(spec, 0),
  };
}

function hooks(backend: BackendInfo, overrides: Partial<TrainHooks> = {}): TrainHooks {
  return plainHooks(artifactsDir, backend, overrides);
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('trainChest', () => {
  let backend: BackendInfo;
  beforeAll(async () => {
    backend = await selectBackend();
  });

  it('reports per-class AUC and the means every epoch, writes Grad-CAM overlays, and resumes', async () => {
    const reports: EpochReport[] = [];
    const beats: TrainHeartbeat[] = [];
    const result = await trainChest(
      input('swchest-0'),
      hooks(backend, {
        heartbeat: (d) => beats.push(d),
        onEpoch: async (r) => void reports.push(r),
      }),
    );
    expect(reports.map((r) => r.epoch)).toEqual([1, 2]);
    const names = [...CHEST_LABELS.map(chestAucMetric), 'loss', 'mean_auc', 'mean_auc_14'];
    for (const r of reports) {
      expect(Object.keys(r.metrics).sort()).toEqual([...names].sort());
      const aucs = CHEST_LABELS.map((l) => r.metrics[chestAucMetric(l)]);
      for (const v of aucs) {
        if (v === null) continue;
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThanOrEqual(1);
      }
      const present = aucs.filter((v): v is number => typeof v === 'number');
      expect(present.length).toBeGreaterThan(0);
      expect(r.metrics.mean_auc).toBeCloseTo(mean(present), 12);
      const present14 = CHESTXRAY14_FINDINGS.map((l) => r.metrics[chestAucMetric(l)]).filter(
        (v): v is number => typeof v === 'number',
      );
      expect(r.metrics.mean_auc_14).toBeCloseTo(mean(present14), 12);
      expect(r.metrics.loss).toBeGreaterThan(0);
      expect(existsSync(r.checkpoint!.path)).toBe(true);
    }
    const { loss: _loss, ...last } = reports[1]!.metrics;
    expect(result.metrics).toEqual(last);
    expect(result.epochsCompleted).toBe(2);
    expect(beats.filter((b) => (b.batchesSeen ?? 0) > 0).length).toBeGreaterThanOrEqual(2);

    // Grad-CAM overlays of validation positives, named <Label>-<image>.png, as PNG files.
    const trialDir = join(artifactsDir, 'swchest', 'swchest-0');
    expect(result.artifacts.length).toBeGreaterThan(0);
    for (const a of result.artifacts) {
      expect(a.name).toMatch(/^gradcam\/[A-Za-z_-]+(?:-19)?-\d{8}_\d{3}\.png$/);
      expect(a.path).toBe(join(trialDir, a.name));
      expect(statSync(a.path).size).toBe(a.bytes);
      expect(readFileSync(a.path).subarray(0, 8)).toEqual(PNG_SIGNATURE);
    }
    const labelOf = (name: string) => CHEST_LABELS.find((l) => name.startsWith(`gradcam/${l}-`));
    expect(result.artifacts.every((a) => labelOf(a.name) !== undefined)).toBe(true);

    // Another attempt of the finished trial resumes from its last checkpoint (as its heartbeat
    // details name it): nothing to
    // train, the same metrics, and the same overlays written again.
    let resumedFrom = -1;
    const again = await trainChest(
      { ...input('swchest-0'), resumeFrom: { epoch: 2, path: reports[1]!.checkpoint!.path } },
      hooks(backend, {
        onStart: async (s) => void (resumedFrom = s.resumedFromEpoch),
        onEpoch: async () => expect.fail('no epoch left'),
      }),
    );
    expect(resumedFrom).toBe(2);
    expect(again.metrics).toEqual(result.metrics);
    expect(again.artifacts.map((a) => a.name)).toEqual(result.artifacts.map((a) => a.name));
  });

  it('trains on a ChestX-ray14 folder (kind: chestxray14) at its image_size', async () => {
    const root = join(dir, 'cxr14');
    await synthesizeChestXray14({ outDir: root, images: 40, seed: 9, labels: CHEST_LABELS });
    const reports: EpochReport[] = [];
    const result = await trainChest(
      {
        ...input('swchest-cxr'),
        dataset: { kind: 'chestxray14', path: root, image_size: 32 },
        params: { ...gridTrialAt(spec, 0), epochs: 1 },
      },
      hooks(backend, { onEpoch: async (r) => void reports.push(r) }),
    );
    expect(reports).toHaveLength(1);
    expect(reports[0]!.metrics).toHaveProperty('mean_auc');
    // The 64-pixel PNGs were read at 32: 8×8 patches of 4 pixels, 65 tokens of d_m 16.
    expect(result.paramCount).toBe(
      countParams(buildChestTrialModel(gridTrialAt(spec, 0), 32, CHEST_LABELS.length)),
    );
  });

  it('fails permanently with DATA on a dataset of another task', async () => {
    await expect(
      trainChest({ ...input('swchest-1'), dataset: { kind: 'h36m', path: '/h' } }, hooks(backend)),
    ).rejects.toMatchObject({ code: 'DATA', message: expect.stringContaining('chestxray14') });
  });

  it('fails permanently with DATA naming a folder without the CSV', async () => {
    await expect(
      trainChest(
        {
          ...input('swchest-2'),
          dataset: { kind: 'chestxray14', path: join(dir, 'nowhere'), image_size: 32 },
        },
        hooks(backend),
      ),
    ).rejects.toMatchObject({
      code: 'DATA',
      message: expect.stringContaining('Data_Entry_2017.csv'),
    });
  });
});

describe('chest metrics', () => {
  it('gives null for a class with one label value and leaves it out of both means', () => {
    // 4 images × 3 labels: Effusion AUC 0.75 (sklearn's golden case), Hernia all negative,
    // COVID-19 perfectly ranked (1) but not one of the 14 findings.
    const labels = ['Effusion', 'Hernia', 'COVID-19'];
    const targets = [0, 0, 0, 0, 0, 1, 1, 0, 0, 1, 0, 1];
    const scores = [0.1, 0.5, 0.2, 0.4, 0.5, 0.8, 0.35, 0.5, 0.7, 0.8, 0.5, 0.95];
    const m = chestMetrics(labels, targets, scores);
    expect(m).toEqual({
      auc_Effusion: 0.75,
      auc_Hernia: null,
      'auc_COVID-19': 1,
      mean_auc: (0.75 + 1) / 2,
      mean_auc_14: 0.75,
    });
    // No class with an AUC: the means are null too.
    expect(chestMetrics(['Hernia'], [0, 0], [0.2, 0.9])).toEqual({
      auc_Hernia: null,
      mean_auc: null,
      mean_auc_14: null,
    });
  });

  it('weights positives by negatives / positives on train, clipped, 1 for a class without both', () => {
    // 5 images × 4 classes: 1 positive of 5 (weight 4), 2 of 5 (1.5), none (1), all (1).
    const targets = Uint8Array.from([
      ...[1, 1, 0, 1],
      ...[0, 1, 0, 1],
      ...[0, 0, 0, 1],
      ...[0, 0, 0, 1],
      ...[0, 0, 0, 1],
    ]);
    const split = { count: 5, images: [], patients: new Int32Array(5), targets };
    expect(Array.from(positiveWeightsOf(split, 4))).toEqual([4, 1.5, 1, 1]);
    const rare = new Uint8Array(1000);
    rare[0] = 1;
    expect(positiveWeightsOf({ ...split, count: 1000, targets: rare }, 1)[0]).toBe(100);
  });

  it('computes the weighted binary cross-entropy by its formula', () => {
    const p = tf.tensor2d([0.8, 0.3, 0.6, 0.1], [2, 2]);
    const y = tf.tensor2d([1, 0, 0, 1], [2, 2]);
    const w = tf.tensor1d([2, 5]);
    const loss = weightedBinaryCrossEntropy(p, y, w).dataSync()[0]!;
    const expected =
      -(2 * Math.log(0.8) + Math.log(1 - 0.3) + Math.log(1 - 0.6) + 5 * Math.log(0.1)) / 4;
    expect(loss).toBeCloseTo(expected, 5);
    tf.dispose([p, y, w]);
  });

  it('picks, per class, its highest-scoring positives, capped in all', () => {
    // 4 images × 2 classes.
    const targets = [1, 0, 1, 1, 0, 1, 1, 0];
    const scores = [0.2, 0.9, 0.7, 0.1, 0.9, 0.3, 0.7, 0.5];
    expect(pickGradCamImages(targets, scores, 2, 2, 10)).toEqual([
      { classIndex: 0, images: [1, 3] },
      { classIndex: 1, images: [2, 1] },
    ]);
    expect(pickGradCamImages(targets, scores, 2, 2, 3)).toEqual([
      { classIndex: 0, images: [1, 3] },
      { classIndex: 1, images: [2] },
    ]);
  });

  it("cuts ViT's 16-pixel patches at 224 and keeps at least an 8×8 grid on small images", () => {
    expect(chestPatchSize(224)).toBe(16);
    expect(chestPatchSize(256)).toBe(16);
    expect(chestPatchSize(64)).toBe(8);
    expect(chestPatchSize(32)).toBe(4);
    expect(chestPatchSize(48)).toBe(4);
    expect(chestPatchSize(12)).toBe(1);
  });
});
