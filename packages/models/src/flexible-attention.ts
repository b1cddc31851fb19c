import { checkGeometry, type AttentionGeometry, type HeadSize } from '@headroom/sweep';
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
import { linear } from './linear';
import { ViolationList } from './violations';

/**
 * Parameters of one flexible attention layer, biases included:
 * untied `4·h·d_h·d_m + 3·h·d_h + d_m`, tied (`Q = K`) `3·h·d_h·d_m + 2·h·d_h + d_m`.
 */
export function attentionParamCount(g: AttentionGeometry): number {
  const projections = g.qkTied ? 2 : 3;
  const inner = g.heads * g.dH;
  return projections * (g.dModel * inner + inner) + inner * g.dModel + g.dModel;
}

/**
 * Forward FLOPs of one attention layer on `tokens` tokens for one sample, a multiply-add
 * counted as 2, matrix products only: projections (one fewer when tied), `QKᵀ`, the
 * weighted sum of values, and `W^O`.
 */
export function attentionFlopCount(g: AttentionGeometry, tokens: number): number {
  const inner = g.heads * g.dH;
  const projections = (g.qkTied ? 2 : 3) * 2 * tokens * g.dModel * inner;
  const scoresAndMix = 2 * (2 * g.heads * tokens * tokens * g.dH);
  return projections + scoresAndMix + 2 * tokens * inner * g.dModel;
}

export interface FlexibleMultiHeadAttentionArgs extends BaseLayerArgs {
  /** Embedding size `d_m` of the tokens coming in and going out. */
  dModel: number;
  heads: number;
  /** Per-head projection size `d_h`; `'auto'` (default) is `dModel / heads`. */
  dH?: HeadSize;
  /** One projection, one variable, for queries and keys (`W_i^Q = W_i^K`). */
  qkTied?: boolean;
  /** Dropout on the attention probabilities while training. */
  dropout?: number;
  /** Base seed of the kernel initializers; unset means a fresh random start. */
  seed?: number;
}

/** Added to the scores of masked-out pairs: exp() of it is 0 in float32. */
const MASKED = -1e9;

/**
 * Multi-head self-attention whose heads each project to `dH` dimensions:
 *
 *   head_i = softmax((X W_i^Q + b)(X W_i^K + b)ᵀ / √d_h) (X W_i^V + b)
 *   out    = concat(head_1 … head_h) W^O + b,  W_i^{Q,K,V} ∈ R^{d_m×d_h}, W^O ∈ R^{h·d_h×d_m}
 *
 * Input and output `[batch, tokens, dModel]`. The heads' kernels are stored side by side:
 * `w_q`, `w_k`, `w_v` are `[dModel, heads·dH]`, head i in columns `i·dH … (i+1)·dH − 1`.
 * Tied, `w_qk`/`b_qk` is the one variable both Q and K read. Optional `kwargs.mask`,
 * `[batch, tokens]` (keys) or `[batch, tokens, tokens]` (query × key), 1 = attend.
 */
export class FlexibleMultiHeadAttention extends tf.layers.Layer {
  static readonly className = 'FlexibleMultiHeadAttention';

  readonly geometry: AttentionGeometry;
  readonly dropout: number;
  readonly seed: number | undefined;

  private wQ?: LayerVariable;
  private bQ?: LayerVariable;
  private wK?: LayerVariable;
  private bK?: LayerVariable;
  private wV?: LayerVariable;
  private bV?: LayerVariable;
  private wO?: LayerVariable;
  private bO?: LayerVariable;

  constructor(args: FlexibleMultiHeadAttentionArgs) {
    super(args);
    const violations = new ViolationList();
    const geometry = checkGeometry(args, violations.items);
    this.dropout = args.dropout ?? 0;
    this.seed = args.seed;
    violations.rate('dropout', this.dropout);
    violations.throwIfAny(`attention layer ${this.name}`);
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
      this.addWeight(
        name,
        [rows, cols],
        'float32',
        tf.initializers.glorotUniform({ seed: seedAt(this.seed, offset) }),
      );
    const bias = (name: string, size: number) =>
      this.addWeight(name, [size], 'float32', tf.initializers.zeros());

    // Tied: one weight named w_qk, so a checkpoint says which geometry it holds.
    this.wQ = kernel(qkTied ? 'w_qk' : 'w_q', dModel, inner, 0);
    this.bQ = bias(qkTied ? 'b_qk' : 'b_q', inner);
    if (qkTied) {
      this.wK = this.wQ;
      this.bK = this.bQ;
    } else {
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
      const { dModel, heads, dH, qkTied } = this.geometry;
      const inner = heads * dH;

      // One product for every projection: the kernels side by side, [dModel, n·heads·dH]
      // (n = 2 tied, 3 untied). The variables stay separate (checkpoints and the tied
      // variable keep their names); joining them copies only the weights, and one large
      // product with its bias beats three small ones (`linear`: TensorFlow's MatMul).
      const kernels = qkTied ? [this.wQ!, this.wV!] : [this.wQ!, this.wK!, this.wV!];
      const biases = qkTied ? [this.bQ!, this.bV!] : [this.bQ!, this.bK!, this.bV!];
      const projected = linear(
        tf.reshape(x, [batch * tokens, dModel]),
        tf.concat(
          kernels.map((w) => w.read()),
          1,
        ),
        tf.concat(
          biases.map((b) => b.read()),
          0,
        ),
      );
      // [batch·tokens, n·heads·dH] → n × [batch, heads, tokens, dH], in one transpose.
      const [q, second, third] = tf.unstack(
        tf.transpose(
          tf.reshape(projected, [batch, tokens, kernels.length, heads, dH]),
          [2, 0, 3, 1, 4],
        ),
      ) as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D | undefined];
      const k = qkTied ? q : second;
      const v = qkTied ? second : third!;

      // 1/√d_h applied to the queries, not to the scores: a pass over [batch, heads, tokens, d_h]
      // instead of [batch, heads, tokens, tokens], forward and backward (197 tokens: 6× fewer).
      let scores = tf.matMul(tf.mul(q, 1 / Math.sqrt(dH)), k, false, true); // [batch, heads, tokens, tokens]
      const mask = kwargs['mask'];
      if (mask instanceof tf.Tensor) scores = tf.add(scores, this.maskBias(mask, batch, tokens));
      let probs = tf.softmax(scores);
      if (kwargs['training'] === true && this.dropout > 0) probs = tf.dropout(probs, this.dropout);

      const mixed = tf.reshape(tf.transpose(tf.matMul(probs, v), [0, 2, 1, 3]), [
        batch * tokens,
        inner,
      ]);
      return tf.reshape(linear(mixed, this.wO!.read(), this.bO!.read()), [batch, tokens, dModel]);
    });
  }

  /** 0 where attending, a large negative number where masked, broadcastable to the scores. */
  private maskBias(mask: tf.Tensor, batch: number, tokens: number): tf.Tensor {
    const keys = [batch, tokens].join();
    const pairs = [batch, tokens, tokens].join();
    let shaped: tf.Tensor;
    if (mask.shape.join() === keys) shaped = tf.reshape(mask, [batch, 1, 1, tokens]);
    else if (mask.shape.join() === pairs) shaped = tf.reshape(mask, [batch, 1, tokens, tokens]);
    else {
      throw new Error(
        `${this.name}: mask must be [${keys}] or [${pairs}] (1 = attend), got [${mask.shape.join(', ')}]`,
      );
    }
    return tf.mul(tf.sub(1, tf.cast(shaped, 'float32')), MASKED);
  }

  /** Forward FLOPs for one sample of `tokens` tokens. */
  flops(tokens: number): number {
    return attentionFlopCount(this.geometry, tokens);
  }

  override getConfig(): tf.serialization.ConfigDict {
    const { dModel, heads, dH, qkTied } = this.geometry;
    return {
      ...super.getConfig(),
      dModel,
      heads,
      dH,
      qkTied,
      dropout: this.dropout,
      ...(this.seed === undefined ? {} : { seed: this.seed }),
    };
  }
}

tf.serialization.registerClass(FlexibleMultiHeadAttention, SERIALIZATION_PACKAGE);
