import { countAttentionFlops, countAttentionParams } from '../counts';
import { checkGeometry, type AttentionGeometry } from '../geometry';
import { ViolationList } from '../model-config-error';
import {
  SERIALIZATION_PACKAGE,
  seedAt,
  singleInput,
  singleShape,
  tf,
  type BaseLayerArgs,
  type LayerVariable,
  type Shape,
} from '../tf';

export interface FlexibleMultiHeadAttentionArgs extends BaseLayerArgs {
  /** Embedding size `d_m` of the tokens coming in and going out. */
  dModel: number;
  heads: number;
  /** Per-head projection size `d_h`, free of `dModel / heads`. */
  dH: number;
  /** One projection for queries and keys (`W_i^Q = W_i^K`). */
  qkTied?: boolean;
  /** Biases on the four projections (the parameter-count formulas include them). */
  useBias?: boolean;
  /** Dropout on the attention probabilities while training. */
  attentionDropout?: number;
  /** Base seed of the kernel initializers; unset means a fresh random start. */
  seed?: number;
}

/**
 * Multi-head self-attention whose heads each project to `dH` dimensions:
 *
 *   head_i = softmax((X W_i^Q)(X W_i^K)ᵀ / √d_h) (X W_i^V)
 *   out    = concat(head_1 … head_h) W^O,   W_i^{Q,K,V} ∈ R^{d_m×d_h}, W^O ∈ R^{h·d_h×d_m}
 *
 * Input and output are `[batch, tokens, dModel]`. With `dH = dModel / heads` it is the
 * standard layer; with `qkTied` the query projection also serves as the key projection.
 */
export class FlexibleMultiHeadAttention extends tf.layers.Layer {
  static readonly className = 'FlexibleMultiHeadAttention';

  readonly geometry: AttentionGeometry;
  readonly useBias: boolean;
  readonly attentionDropout: number;
  readonly seed: number | undefined;

  private wQ?: LayerVariable;
  private wK?: LayerVariable;
  private wV?: LayerVariable;
  private wO?: LayerVariable;
  private bQ?: LayerVariable;
  private bK?: LayerVariable;
  private bV?: LayerVariable;
  private bO?: LayerVariable;

  constructor(args: FlexibleMultiHeadAttentionArgs) {
    super(args);
    const violations = new ViolationList();
    const geometry = checkGeometry(args, violations);
    this.useBias = args.useBias ?? true;
    this.attentionDropout = args.attentionDropout ?? 0;
    this.seed = args.seed;
    violations.rate('attention_dropout', this.attentionDropout);
    violations.throwIfAny(`layer ${this.name}`);
    this.geometry = geometry!;
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = singleShape(inputShape, this.name);
    const { dModel, heads, dH, qkTied } = this.geometry;
    if (shape.length !== 3 || shape[2] !== dModel) {
      throw new Error(
        `${this.name} expects input [batch, tokens, ${dModel}], got [${shape.map((d) => d ?? '?').join(', ')}]`,
      );
    }
    const inner = heads * dH;
    const kernel = (name: string, rows: number, cols: number, offset: number) =>
      this.addWeight(name, [rows, cols], 'float32', tf.initializers.glorotUniform({ seed: seedAt(this.seed, offset) }));
    const bias = (name: string, size: number) =>
      this.useBias ? this.addWeight(name, [size], 'float32', tf.initializers.zeros()) : undefined;

    // Tied: one weight named w_qk, so a checkpoint says which geometry it holds.
    this.wQ = kernel(qkTied ? 'w_qk' : 'w_q', dModel, inner, 0);
    this.bQ = bias(qkTied ? 'b_qk' : 'b_q', inner);
    if (!qkTied) {
      this.wK = kernel('w_k', dModel, inner, 1);
      this.bK = bias('b_k', inner);
    }
    this.wV = kernel('w_v', dModel, inner, 2);
    this.bV = bias('b_v', inner);
    this.wO = kernel('w_o', inner, dModel, 3);
    this.bO = bias('b_o', dModel);
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return singleShape(inputShape, this.name);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor {
    return tf.tidy(() => {
      const x = singleInput(inputs, this.name);
      const [batch, tokens] = x.shape as [number, number, number];
      const { dModel, heads, dH } = this.geometry;
      const flat = tf.reshape(x, [batch * tokens, dModel]);

      // [batch·tokens, dModel] → [batch, heads, tokens, dH]
      const project = (w: LayerVariable | undefined, b: LayerVariable | undefined) => {
        let y = tf.matMul(flat, w!.read());
        if (b) y = tf.add(y, b.read());
        return tf.transpose(tf.reshape(y, [batch, tokens, heads, dH]), [0, 2, 1, 3]);
      };
      const q = project(this.wQ, this.bQ);
      const k = this.geometry.qkTied ? q : project(this.wK, this.bK);
      const v = project(this.wV, this.bV);

      let probs = tf.softmax(tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(dH)));
      if (kwargs['training'] === true && this.attentionDropout > 0) {
        probs = tf.dropout(probs, this.attentionDropout);
      }
      const mixed = tf.reshape(tf.transpose(tf.matMul(probs, v), [0, 2, 1, 3]), [batch * tokens, heads * dH]);
      let out = tf.matMul(mixed, this.wO!.read());
      if (this.bO) out = tf.add(out, this.bO.read());
      return tf.reshape(out, [batch, tokens, dModel]);
    });
  }

  /** Parameters by the closed-form count (equals `countParams()` when built with biases). */
  expectedParams(): number {
    if (!this.useBias) {
      const { dModel, heads, dH, qkTied } = this.geometry;
      return ((qkTied ? 2 : 3) + 1) * dModel * heads * dH;
    }
    return countAttentionParams(this.geometry);
  }

  /** Forward FLOPs for one sample of `tokens` tokens. */
  flops(tokens: number): number {
    return countAttentionFlops(this.geometry, tokens);
  }

  override getConfig(): tf.serialization.ConfigDict {
    const { dModel, heads, dH, qkTied } = this.geometry;
    return {
      ...super.getConfig(),
      dModel,
      heads,
      dH,
      qkTied,
      useBias: this.useBias,
      attentionDropout: this.attentionDropout,
      ...(this.seed === undefined ? {} : { seed: this.seed }),
    };
  }
}

tf.serialization.registerClass(FlexibleMultiHeadAttention, SERIALIZATION_PACKAGE);
