import { isHeadroomError } from '@headroom/errors';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from './backend';
import { attentionParamCount } from './flexible-attention';
import { CHEST_LABELS } from '@headroom/sweep';
import { describeModel } from './model-stats';
import { heatmapStride } from './pose2d';
import { TASK_IDS, type TaskId } from '@headroom/sweep';
import { buildTaskModel, type TaskModelConfigs } from './tasks';
import { transformerBlockParamCount } from './transformer-block';
import { tf } from './tf';

beforeAll(async () => {
  await selectBackend();
});

const SMALL: TaskModelConfigs = {
  pose3d: { dModel: 16, heads: 2, dH: 12, layers: 1, seed: 1 },
  chest: {
    dModel: 16,
    heads: 4,
    dH: 'auto',
    qkTied: true,
    layers: 2,
    imageSize: [32, 24],
    patchSize: 8,
    seed: 1,
  },
  pose2d: {
    dModel: 16,
    heads: 2,
    dH: 16,
    layers: 1,
    imageSize: [32, 24],
    backbone: [8, 8, 16],
    seed: 1,
  },
};

function violationPaths(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (isHeadroomError(err)) return err.violations.map((v) => v.path);
    throw err;
  }
  throw new Error('expected a HeadroomError');
}

describe('chest and pose2d models', () => {
  it('chest: an image in, 15 probabilities out', () => {
    const model = buildTaskModel('chest', SMALL.chest);
    expect(CHEST_LABELS).toHaveLength(15);
    expect(model.outputs[0]!.shape).toEqual([null, 15]);
    const p = tf.tidy(() =>
      (model.predict(tf.randomNormal([3, 32, 24, 1], 0, 1, 'float32', 1)) as tf.Tensor).dataSync(),
    );
    expect(p.every((v) => v > 0 && v < 1)).toBe(true);
  });

  it('chest: parameters by formula, Q = K tying counted', () => {
    const g = { dModel: 16, heads: 4, dH: 4, qkTied: true };
    const stats = describeModel(buildTaskModel('chest', SMALL.chest));
    const tokens = (32 / 8) * (24 / 8);
    const patchEmbed = 8 * 8 * 1 * 16 + 16;
    expect(stats.params).toBe(
      patchEmbed +
        16 +
        (tokens + 1) * 16 +
        2 * transformerBlockParamCount(g, 64) +
        2 * 16 +
        (16 * 15 + 15),
    );
    expect(stats.attention[0]!.tokens).toBe(tokens + 1);
  });

  it('pose2d: one heatmap per joint at a quarter of the input size (three stages)', () => {
    expect(heatmapStride(3)).toBe(4);
    expect(buildTaskModel('pose2d', SMALL.pose2d).outputs[0]!.shape).toEqual([null, 8, 6, 17]);
    expect(
      buildTaskModel('pose2d', { ...SMALL.pose2d, backbone: [8, 8] }).outputs[0]!.shape,
    ).toEqual([null, 16, 12, 17]);
  });

  it('pose2d: the sine code and batch-norm statistics are not trainable parameters', () => {
    const stats = describeModel(buildTaskModel('pose2d', SMALL.pose2d));
    const tokens = (32 / 8) * (24 / 8);
    const bnStats = 2 * (8 + 8 + 8 + 8 + 16 + 16 + 16); // moving mean and variance per BN channel
    expect(stats.totalParams - stats.params).toBe(tokens * 16 + bnStats);
    expect(stats.attention.map((a) => [a.tokens, a.params])).toEqual([
      [tokens, attentionParamCount({ dModel: 16, heads: 2, dH: 16, qkTied: false })],
    ]);
  });

  for (const task of TASK_IDS) {
    it(`${task}: same seed, same initial weights; another seed, others`, () => {
      const weights = (seed: number) =>
        buildTaskModel(task, { ...SMALL[task], seed } as never)
          .getWeights()
          .map((w) => Array.from(w.dataSync()));
      expect(weights(3)).toEqual(weights(3));
      expect(weights(3)).not.toEqual(weights(4));
    });

    it(`${task}: trains (loss falls on a fixed batch) and predicts without leaking`, async () => {
      const model = buildTaskModel(task as TaskId, SMALL[task] as never);
      const x = tf.randomNormal(
        [4, ...(model.inputs[0]!.shape.slice(1) as number[])],
        0,
        1,
        'float32',
        5,
      );
      const yShape = [4, ...(model.outputs[0]!.shape.slice(1) as number[])];
      const y =
        task === 'chest'
          ? tf.randomUniform(yShape, 0, 1, 'float32', 6).round()
          : tf.randomNormal(yShape, 0, 1, 'float32', 6);
      model.compile({
        optimizer: tf.train.adam(0.01),
        loss: task === 'chest' ? 'binaryCrossentropy' : 'meanSquaredError',
      });
      const history = await model.fit(x, y, {
        epochs: 8,
        batchSize: 4,
        shuffle: false,
        verbose: 0,
      });
      const losses = history.history['loss'] as number[];
      expect(losses.every(Number.isFinite)).toBe(true);
      expect(losses.at(-1)!).toBeLessThan(losses[0]!);
      const before = tf.memory().numTensors;
      tf.dispose(model.predict(x));
      expect(tf.memory().numTensors).toBe(before);
    });
  }
});

describe('config errors', () => {
  it('name every bad field, transformer and task alike', () => {
    expect(
      violationPaths(() =>
        buildTaskModel('chest', {
          dModel: 500,
          heads: 8,
          dH: 'auto',
          layers: 0,
          dropout: 2,
          imageSize: [30, 32],
          patchSize: 16,
        }),
      ),
    ).toEqual(['d_h', 'layers', 'dropout', 'attention_dropout', 'patch_size']);
    expect(
      violationPaths(() =>
        buildTaskModel('pose2d', { ...SMALL.pose2d, imageSize: [30, 24], backbone: [8, 0] }),
      ),
    ).toEqual(['backbone[1]', 'image_size']);
    expect(
      violationPaths(() =>
        buildTaskModel('pose2d', { ...SMALL.pose2d, dModel: 15, dH: 5, heads: 3 }),
      ),
    ).toEqual(['d_m']);
  });

  it('reject an unknown task', () => {
    expect(violationPaths(() => buildTaskModel('pose4d' as TaskId, SMALL.pose3d))).toEqual([
      'task',
    ]);
  });
});
