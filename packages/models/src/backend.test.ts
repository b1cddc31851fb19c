import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { isHeadroomError } from '@headroom/errors';
import { afterEach, describe, expect, it } from 'vitest';
import { selectBackend } from './backend';
import { TASK_IDS, type TaskId } from '@headroom/sweep';
import { buildTaskModel, type TaskModelConfigs } from './tasks';
import { tf } from './tf';

// Whether this machine has the native binding (`pnpm setup:native`), asked in a child
// process: loading tfjs-node here would switch this process before the cpu/wasm cases.
const nativeLoads =
  spawnSync(process.execPath, ['-e', "require('@tensorflow/tfjs-node')"], {
    cwd: __dirname,
    stdio: 'ignore',
  }).status === 0;

const SMALL: TaskModelConfigs = {
  pose3d: { dModel: 16, heads: 2, dH: 12, layers: 1, seed: 1 },
  chest: {
    dModel: 16,
    heads: 4,
    dH: 8,
    qkTied: true,
    layers: 1,
    imageSize: [16, 16],
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

/** Each task model's prediction, and its loss after one SGD step for the tasks in `train`. */
async function runTasks(train: readonly TaskId[]) {
  const out = {} as Record<TaskId, { prediction: Float32Array; loss: number }>;
  for (const task of TASK_IDS) {
    const model = buildTaskModel(task, SMALL[task] as never);
    const x = tf.randomNormal(
      [2, ...(model.inputs[0]!.shape.slice(1) as number[])],
      0,
      1,
      'float32',
      7,
    );
    const y = tf.zeros([2, ...(model.outputs[0]!.shape.slice(1) as number[])]);
    const prediction = (model.predict(x) as tf.Tensor).dataSync() as Float32Array;
    model.compile({ optimizer: tf.train.sgd(0.01), loss: 'meanSquaredError' });
    const loss = train.includes(task) ? ((await model.trainOnBatch(x, y)) as number) : Number.NaN;
    out[task] = { prediction, loss };
  }
  return out;
}

function expectAgree(
  a: Awaited<ReturnType<typeof runTasks>>,
  b: Awaited<ReturnType<typeof runTasks>>,
  trained: TaskId[],
) {
  for (const task of TASK_IDS) {
    const [x, y] = [a[task], b[task]];
    x.prediction.forEach((v, i) => expect(y.prediction[i], task).toBeCloseTo(v, 3));
    if (trained.includes(task)) expect(y.loss, task).toBeCloseTo(x.loss, 3);
  }
}

const savedEnv = process.env['HEADROOM_BACKEND'];
afterEach(() => {
  if (savedEnv === undefined) delete process.env['HEADROOM_BACKEND'];
  else process.env['HEADROOM_BACKEND'] = savedEnv;
});

// One process goes cpu → wasm → native: loading the native package last leaves the others usable.
describe.sequential('selectBackend', () => {
  let reference: Awaited<ReturnType<typeof runTasks>>;

  it('rejects an unknown name with a CONFIG error listing the valid ones', async () => {
    try {
      await selectBackend('webgpu');
      expect.unreachable();
    } catch (err) {
      expect(isHeadroomError(err) && err.code).toBe('CONFIG');
      expect((err as Error).message).toMatch(
        /HEADROOM_BACKEND=webgpu is not a TF.js backend; use tensorflow-gpu, tensorflow, wasm, cpu/,
      );
    }
  });

  it('cpu: always there, and the reference for the others', async () => {
    process.env['HEADROOM_BACKEND'] = 'cpu'; // read when no preference is passed
    const info = await selectBackend();
    expect(info).toEqual({ backend: 'cpu', device: 'cpu (plain JavaScript)', skipped: [] });
    expect(await selectBackend()).toBe(info); // idempotent: the same answer
    expect(tf.getBackend()).toBe('cpu');
    reference = await runTasks(TASK_IDS);
  });

  it('wasm: runs all three task models like cpu, and trains those without convolutions', async () => {
    expect(await selectBackend('wasm')).toEqual({
      backend: 'wasm',
      device: 'cpu (wasm)',
      skipped: [],
    });
    expect(tf.getBackend()).toBe('wasm');
    expectAgree(reference, await runTasks(['pose3d', 'chest']), ['pose3d', 'chest']);
    // The known gap of TF.js 4.22's wasm kernels: pose2d's convolutions cannot be trained there.
    await expect(runTasks(['pose2d'])).rejects.toThrow(
      /Kernel 'Conv2DBackpropFilter' not registered for backend 'wasm'/,
    );
  });

  it('tensorflow-gpu: fails with how to fix it when the GPU package is absent', async () => {
    const gpuInstalled =
      spawnSync(process.execPath, ['-e', "require.resolve('@tensorflow/tfjs-node-gpu')"], {
        cwd: __dirname,
        stdio: 'ignore',
      }).status === 0;
    if (gpuInstalled) {
      expect((await selectBackend('tensorflow-gpu')).backend).toBe('tensorflow-gpu');
      return;
    }
    await expect(selectBackend('tensorflow-gpu')).rejects.toThrow(
      /TF.js backend tensorflow-gpu cannot start: Cannot find module '@tensorflow\/tfjs-node-gpu'.*install @tensorflow\/tfjs-node-gpu with CUDA/,
    );
    expect(tf.getBackend()).toBe('wasm'); // a failed request leaves the running backend alone
  });

  it('default: the fastest that starts, native TensorFlow on this machine when its binding is built', async () => {
    const info = await selectBackend();
    if (nativeLoads) {
      expect(info.backend).toBe('tensorflow');
      expect(info.device).toBe(`cpu (${availableParallelism()} cores)`);
      expect(tf.getBackend()).toBe('tensorflow');
      expect(info.skipped.map((s) => s.backend)).toEqual(['tensorflow-gpu']);
      expectAgree(reference, await runTasks(TASK_IDS), [...TASK_IDS]);
    } else {
      expect(info.backend).toBe('wasm');
      expect(info.skipped.map((s) => s.backend)).toEqual(['tensorflow-gpu', 'tensorflow']);
    }
    expect(await selectBackend()).toBe(info);
  });
});
