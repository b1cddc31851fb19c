import type { AttentionGeometry } from './geometry';

/**
 * Parameters of one flexible attention layer, biases included:
 * untied `4·h·d_h·d_m + 3·h·d_h + d_m`, tied (`Q = K`) `3·h·d_h·d_m + 2·h·d_h + d_m`.
 */
export function countAttentionParams(g: AttentionGeometry): number {
  const projections = g.qkTied ? 2 : 3; // W^Q (= W^K when tied), W^K, W^V
  const inner = g.heads * g.dH;
  return projections * (g.dModel * inner + inner) + inner * g.dModel + g.dModel;
}

/** Parameters of one encoder block: attention, two layer norms and the feed-forward net. */
export function countEncoderBlockParams(g: AttentionGeometry, dFF: number): number {
  const norms = 2 * (2 * g.dModel);
  const ffn = g.dModel * dFF + dFF + dFF * g.dModel + g.dModel;
  return countAttentionParams(g) + norms + ffn;
}

/**
 * Floating-point operations of one attention layer on `tokens` tokens, one sample,
 * counting a multiply-add as 2 (matrix products only; softmax and biases left out):
 * projections, scores `QKᵀ`, the weighted sum of values, and `W^O`.
 * A tied layer computes one projection for Q and K.
 */
export function countAttentionFlops(g: AttentionGeometry, tokens: number): number {
  const inner = g.heads * g.dH;
  const projections = (g.qkTied ? 2 : 3) * 2 * tokens * g.dModel * inner;
  const scores = 2 * g.heads * tokens * tokens * g.dH;
  const mix = 2 * g.heads * tokens * tokens * g.dH;
  const output = 2 * tokens * inner * g.dModel;
  return projections + scores + mix + output;
}
