import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPose3dModel, saveWeights, selectBackend, tf } from '@headroom/models';
import { checkpointDir, restoreNewestCheckpoint } from './checkpoints';

describe('restoreNewestCheckpoint', () => {
  const dir = mkdtempSync(join(tmpdir(), 'headroom-ckpt-'));
  const config = { dModel: 16, heads: 2, dH: 8, qkTied: false, layers: 1 };
  beforeAll(async () => {
    await selectBackend();
    const model = buildPose3dModel(config);
    const optimizer = tf.train.adam(1e-3);
    for (const epoch of [1, 2, 3])
      await saveWeights(model, checkpointDir(dir, epoch), { optimizer });
    model.dispose();
    optimizer.dispose();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('skips a corrupt reported checkpoint with a warning and resumes from the one before', async () => {
    writeFileSync(join(checkpointDir(dir, 3), 'weights.bin'), 'not weights');
    const warnings: string[] = [];
    const model = buildPose3dModel(config);
    const optimizer = tf.train.adam(1e-3);
    const known = { epoch: 3, path: checkpointDir(dir, 3) };
    const got = await restoreNewestCheckpoint(model, optimizer, dir, known, (w) =>
      warnings.push(w),
    );
    expect(got?.epoch).toBe(2);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('epoch 3');
    model.dispose();
    optimizer.dispose();
  });

  it('never resumes past the reported checkpoint: newer ones on disk were never reported', async () => {
    const model = buildPose3dModel(config);
    const optimizer = tf.train.adam(1e-3);
    const warnings: string[] = [];
    const known = { epoch: 1, path: checkpointDir(dir, 1) };
    const got = await restoreNewestCheckpoint(model, optimizer, dir, known, (w) =>
      warnings.push(w),
    );
    expect(got).toEqual(known);
    expect(warnings).toEqual([
      'checkpoints of epochs 2, 3 were written but never reported (their attempt lost touch with Temporal); training on from epoch 1',
    ]);
    // Nothing reported: the start, whatever is on disk.
    expect(await restoreNewestCheckpoint(model, optimizer, dir, undefined, () => {})).toBe(
      undefined,
    );
    model.dispose();
    optimizer.dispose();
  });

  it('resumes from the checkpoint named by the caller, and starts fresh when nothing loads', async () => {
    const model = buildPose3dModel(config);
    const optimizer = tf.train.adam(1e-3);
    const known = { epoch: 2, path: checkpointDir(dir, 2) };
    expect((await restoreNewestCheckpoint(model, optimizer, dir, known, () => {}))?.path).toBe(
      known.path,
    );
    const empty = mkdtempSync(join(tmpdir(), 'headroom-ckpt-empty-'));
    const gone = { epoch: 4, path: checkpointDir(empty, 4) };
    expect(await restoreNewestCheckpoint(model, optimizer, empty, gone, () => {})).toBeUndefined();
    rmSync(empty, { recursive: true, force: true });
    model.dispose();
    optimizer.dispose();
  });
});
