import {
  SERIALIZATION_PACKAGE,
  seedAt,
  singleInput,
  singleShape,
  tf,
  type BaseLayerArgs,
  type LayerVariable,
  type Shape,
} from './tf';
import { ViolationList } from './violations';

export type PositionEncoding = 'learned' | 'sine';

export interface PositionEmbeddingArgs extends BaseLayerArgs {
  kind: PositionEncoding;
  /**
   * For `sine` on image features: the `[rows, cols]` grid the tokens were flattened from
   * (row-major), giving the 2-D encoding of DETR/TransPose. Without it, the 1-D encoding of
   * "Attention is all you need" over the token index.
   */
  grid?: [number, number];
  seed?: number;
}

/**
 * Adds a position code to `[batch, tokens, dModel]` tokens: a learned table (ViT), or a
 * fixed sine code kept as a non-trainable weight, so it costs no trainable parameters.
 */
export class PositionEmbedding extends tf.layers.Layer {
  static readonly className = 'PositionEmbedding';
  readonly kind: PositionEncoding;
  readonly grid: [number, number] | undefined;
  readonly seed: number | undefined;
  private table?: LayerVariable;

  constructor(args: PositionEmbeddingArgs) {
    super(args);
    this.kind = args.kind;
    this.grid = args.grid;
    this.seed = args.seed;
    const violations = new ViolationList();
    if (args.kind !== 'learned' && args.kind !== 'sine') {
      violations.add('position', `must be learned or sine, got ${JSON.stringify(args.kind)}`);
    }
    if (args.grid) {
      violations.positiveInteger('grid[0]', args.grid[0]);
      violations.positiveInteger('grid[1]', args.grid[1]);
    }
    violations.throwIfAny(`layer ${this.name}`);
  }

  override build(inputShape: Shape | Shape[]): void {
    const [, tokens, dModel] = singleShape(inputShape, this.name);
    if (typeof tokens !== 'number' || typeof dModel !== 'number') {
      throw new Error(
        `${this.name} needs a known token count and width, got [?, ${tokens}, ${dModel}]`,
      );
    }
    if (this.grid && this.grid[0] * this.grid[1] !== tokens) {
      throw new Error(
        `${this.name}: grid ${this.grid[0]}×${this.grid[1]} does not cover ${tokens} tokens`,
      );
    }
    if (this.kind === 'learned') {
      this.table = this.addWeight(
        'table',
        [tokens, dModel],
        'float32',
        tf.initializers.truncatedNormal({ stddev: 0.02, seed: seedAt(this.seed, 0) }),
      );
    } else {
      this.table = this.addWeight(
        'table',
        [tokens, dModel],
        'float32',
        tf.initializers.zeros(),
        undefined,
        false,
      );
      const code = this.grid
        ? sineCode2d(this.grid[0], this.grid[1], dModel)
        : sineCode1d(tokens, dModel);
      const value = tf.tensor2d(code, [tokens, dModel]);
      this.table.write(value);
      value.dispose();
    }
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return singleShape(inputShape, this.name);
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => tf.add(singleInput(inputs, this.name), this.table!.read()));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      kind: this.kind,
      ...(this.grid ? { grid: [...this.grid] } : {}),
      ...(this.seed === undefined ? {} : { seed: this.seed }),
    };
  }
}

/** `PE(p, 2i) = sin(p / 10000^(2i/d))`, `PE(p, 2i+1) = cos(…)`; row-major `[tokens, d]`. */
export function sineCode1d(tokens: number, d: number): Float32Array {
  const out = new Float32Array(tokens * d);
  for (let p = 0; p < tokens; p++) {
    for (let c = 0; c < d; c++) {
      const angle = p / Math.pow(10000, (2 * Math.floor(c / 2)) / d);
      out[p * d + c] = c % 2 === 0 ? Math.sin(angle) : Math.cos(angle);
    }
  }
  return out;
}

/**
 * DETR's `PositionEmbeddingSine(normalize=True)` as TransPose uses it: the first `d/2`
 * channels encode the row, the rest the column, each normalised to (0, 2π].
 * `d` must be even.
 */
export function sineCode2d(rows: number, cols: number, d: number): Float32Array {
  if (d % 2 !== 0) throw new Error(`a 2-D sine position code needs an even d_m, got ${d}`);
  const half = d / 2;
  const eps = 1e-6;
  const scale = 2 * Math.PI;
  const out = new Float32Array(rows * cols * d);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const y = ((r + 1) / (rows + eps)) * scale;
      const x = ((c + 1) / (cols + eps)) * scale;
      const base = (r * cols + c) * d;
      for (let i = 0; i < half; i++) {
        const dimT = Math.pow(10000, (2 * Math.floor(i / 2)) / half);
        out[base + i] = i % 2 === 0 ? Math.sin(y / dimT) : Math.cos(y / dimT);
        out[base + half + i] = i % 2 === 0 ? Math.sin(x / dimT) : Math.cos(x / dimT);
      }
    }
  }
  return out;
}

/** ViT's learned class token, put in front of the tokens: `[b, n, d] → [b, n + 1, d]`. */
export class ClassToken extends tf.layers.Layer {
  static readonly className = 'ClassToken';
  private token?: LayerVariable;

  override build(inputShape: Shape | Shape[]): void {
    const dModel = singleShape(inputShape, this.name)[2];
    if (typeof dModel !== 'number') throw new Error(`${this.name} needs a known token width`);
    this.token = this.addWeight('token', [1, 1, dModel], 'float32', tf.initializers.zeros());
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const [batch, tokens, dModel] = singleShape(inputShape, this.name);
    return [batch ?? null, tokens == null ? null : tokens + 1, dModel ?? null];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = singleInput(inputs, this.name);
      const token = tf.tile(this.token!.read(), [x.shape[0]!, 1, 1]);
      return tf.concat([token, x], 1);
    });
  }
}

export interface TakeTokenArgs extends BaseLayerArgs {
  index: number;
}

/** The token at `index` of `[b, n, d]`, as `[b, d]` (the class token's output in ViT). */
export class TakeToken extends tf.layers.Layer {
  static readonly className = 'TakeToken';
  readonly index: number;

  constructor(args: TakeTokenArgs) {
    super(args);
    this.index = args.index;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const [batch, , dModel] = singleShape(inputShape, this.name);
    return [batch ?? null, dModel ?? null];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = singleInput(inputs, this.name);
      const [batch, , dModel] = x.shape as [number, number, number];
      return tf.reshape(tf.slice(x, [0, this.index, 0], [batch, 1, dModel]), [batch, dModel]);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), index: this.index };
  }
}

export interface PatchifyArgs extends BaseLayerArgs {
  patchSize: number;
}

/**
 * Cuts `[b, H, W, C]` images into non-overlapping `p×p` patches, row-major:
 * `[b, (H/p)·(W/p), p·p·C]`, each patch flattened in `[row, col, channel]` order. A dense
 * layer on top is ViT's patch embedding: the same map, with the same parameters, as a
 * `p×p` stride-`p` convolution, but made of reshapes that every backend can differentiate
 * (TF.js 4.22's wasm backend has no Conv2DBackpropFilter kernel).
 */
export class Patchify extends tf.layers.Layer {
  static readonly className = 'Patchify';
  readonly patchSize: number;

  constructor(args: PatchifyArgs) {
    super(args);
    this.patchSize = args.patchSize;
    const violations = new ViolationList();
    violations.positiveInteger('patch_size', args.patchSize);
    violations.throwIfAny(`layer ${this.name}`);
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const [batch, height, width, channels] = singleShape(inputShape, this.name);
    const p = this.patchSize;
    if (typeof height !== 'number' || typeof width !== 'number' || typeof channels !== 'number') {
      throw new Error(
        `${this.name} needs a known image size, got [?, ${height}, ${width}, ${channels}]`,
      );
    }
    if (height % p !== 0 || width % p !== 0) {
      throw new Error(
        `${this.name}: patch size ${p} does not divide the image size ${height}×${width}`,
      );
    }
    return [batch ?? null, (height / p) * (width / p), p * p * channels];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = singleInput(inputs, this.name);
      const [batch, height, width, channels] = x.shape as [number, number, number, number];
      const p = this.patchSize;
      const rows = height / p;
      const cols = width / p;
      // [b, rows, p, cols, p, C] → [b, rows, cols, p, p, C]
      const grid = tf.transpose(
        tf.reshape(x, [batch, rows, p, cols, p, channels]),
        [0, 1, 3, 2, 4, 5],
      );
      return tf.reshape(grid, [batch, rows * cols, p * p * channels]);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), patchSize: this.patchSize };
  }
}

tf.serialization.registerClass(PositionEmbedding, SERIALIZATION_PACKAGE);
tf.serialization.registerClass(Patchify, SERIALIZATION_PACKAGE);
tf.serialization.registerClass(ClassToken, SERIALIZATION_PACKAGE);
tf.serialization.registerClass(TakeToken, SERIALIZATION_PACKAGE);
