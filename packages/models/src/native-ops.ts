import { tf } from './tf';

/**
 * TensorFlow operations tfjs-node does not expose as TF.js ops, called through its backend the
 * way its own kernels call TensorFlow (`executeSingleOutput(opName, attrs, inputs)`, one
 * TFE_Execute each). Only on the native `tensorflow` backend (tfjs-node, CPU or GPU);
 * `nativeOps()` is `undefined` on every other backend, whose callers use plain TF.js ops.
 */
export interface NativeOps {
  /** TensorFlow's 2-D `MatMul` (oneDNN on x86), without the reshapes to 3-D and the
   * `BatchMatMulV2` that `tf.matMul` goes through. */
  matMul(a: tf.Tensor, b: tf.Tensor, transposeA: boolean, transposeB: boolean): tf.Tensor;
  /** The sums of a 2-D tensor's columns (`[rows, cols]` → `[cols]`) as one oneDNN product with
   * a column of ones: Eigen's reduction over the first axis is 3–4× slower on the step's
   * shapes (bench/README.md), and every bias and normalisation gradient is one. */
  columnSums(x: tf.Tensor): tf.Tensor;
  /** A TensorFlow resource variable of `shape` (float32) holding `value`. */
  createVariable(value: tf.Tensor): tf.Tensor;
  assignVariable(handle: tf.Tensor, value: tf.Tensor): void;
  readVariable(handle: tf.Tensor): tf.Tensor;
  /** Frees the variable and its handle. */
  destroyVariable(handle: tf.Tensor): void;
  /**
   * TensorFlow's fused Adam kernel (`ResourceApplyAdam`), one pass over the variable, its two
   * moments and the gradient, in place:
   *   m ← m + (g − m)(1 − β1); v ← v + (g² − v)(1 − β2); θ ← θ − lr_t · m / (√v + ε_t).
   */
  applyAdam(
    variable: tf.Tensor,
    m: tf.Tensor,
    v: tf.Tensor,
    scalars: AdamScalars,
    gradient: tf.Tensor,
  ): void;
}

/** The per-step scalar inputs of `ResourceApplyAdam`. */
export interface AdamScalars {
  beta1Power: tf.Scalar;
  beta2Power: tf.Scalar;
  lr: tf.Scalar;
  beta1: tf.Scalar;
  beta2: tf.Scalar;
  epsilon: tf.Scalar;
}

/** The parts of tfjs-node's backend used here (dist/nodejs_kernel_backend.js). */
interface NodeBackend {
  binding: {
    TF_ATTR_STRING: number;
    TF_ATTR_BOOL: number;
    TF_ATTR_TYPE: number;
    TF_ATTR_SHAPE: number;
    TF_FLOAT: number;
  };
  executeSingleOutput(name: string, attrs: unknown[], inputs: tf.Tensor[]): tf.Tensor;
  executeMultipleOutputs(
    name: string,
    attrs: unknown[],
    inputs: tf.Tensor[],
    outputs: number,
  ): tf.Tensor[];
}

let counter = 0;

/** The native operations of the current backend, or `undefined` when it is not tfjs-node. */
export function nativeOps(): NativeOps | undefined {
  if (tf.getBackend() !== 'tensorflow') return undefined;
  const backend = tf.backend() as unknown as Partial<NodeBackend>;
  if (typeof backend.executeSingleOutput !== 'function' || !backend.binding) return undefined;
  return opsOf(backend as NodeBackend);
}

const cache = new WeakMap<NodeBackend, NativeOps>();

function opsOf(backend: NodeBackend): NativeOps {
  const known = cache.get(backend);
  if (known) return known;
  const binding = backend.binding;
  const float = { name: 'dtype', type: binding.TF_ATTR_TYPE, value: binding.TF_FLOAT };
  const none = (name: string, attrs: unknown[], inputs: tf.Tensor[]) =>
    backend.executeMultipleOutputs(name, attrs, inputs, 0);
  const ops: NativeOps = {
    columnSums(x) {
      const [rows, cols] = x.shape as [number, number];
      // Made per call (one Fill, a few µs), not cached: nothing outlives the caller's tidy.
      return tf.tidy(() => tf.reshape(ops.matMul(tf.ones([rows, 1]), x, true, false), [cols]));
    },
    matMul(a, b, transposeA, transposeB) {
      return backend.executeSingleOutput(
        'MatMul',
        [
          { name: 'T', type: binding.TF_ATTR_TYPE, value: binding.TF_FLOAT },
          { name: 'transpose_a', type: binding.TF_ATTR_BOOL, value: transposeA },
          { name: 'transpose_b', type: binding.TF_ATTR_BOOL, value: transposeB },
        ],
        [a, b],
      );
    },
    createVariable(value) {
      const handle = backend.executeSingleOutput(
        'VarHandleOp',
        [
          { name: 'container', type: binding.TF_ATTR_STRING, value: '' },
          // Unique per process: a shared name is what TensorFlow looks the variable up by.
          {
            name: 'shared_name',
            type: binding.TF_ATTR_STRING,
            value: `headroom_${process.pid}_${++counter}`,
          },
          float,
          { name: 'shape', type: binding.TF_ATTR_SHAPE, value: value.shape },
        ],
        [],
      );
      none('AssignVariableOp', [float], [handle, value]);
      return handle;
    },
    assignVariable(handle, value) {
      none('AssignVariableOp', [float], [handle, value]);
    },
    readVariable(handle) {
      return backend.executeSingleOutput('ReadVariableOp', [float], [handle]);
    },
    destroyVariable(handle) {
      none(
        'DestroyResourceOp',
        [{ name: 'ignore_lookup_error', type: binding.TF_ATTR_BOOL, value: true }],
        [handle],
      );
      handle.dispose();
    },
    applyAdam(variable, m, v, s, gradient) {
      none(
        'ResourceApplyAdam',
        [
          { name: 'T', type: binding.TF_ATTR_TYPE, value: binding.TF_FLOAT },
          { name: 'use_locking', type: binding.TF_ATTR_BOOL, value: false },
          { name: 'use_nesterov', type: binding.TF_ATTR_BOOL, value: false },
        ],
        [variable, m, v, s.beta1Power, s.beta2Power, s.lr, s.beta1, s.beta2, s.epsilon, gradient],
      );
    },
  };
  cache.set(backend, ops);
  return ops;
}

/** `x`'s column sums (`[rows, cols]` → `[cols]`): `NativeOps.columnSums` where it exists. */
export function columnSums(x: tf.Tensor): tf.Tensor {
  return nativeOps()?.columnSums(x) ?? tf.sum(x, 0);
}
