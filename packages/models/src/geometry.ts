import { ViolationList } from './model-config-error';

/**
 * The head geometry the thesis varies. Every head projects to `dH` (not necessarily
 * `dModel / heads`); `qkTied` makes one projection serve as both query and key.
 */
export interface AttentionGeometry {
  dModel: number;
  heads: number;
  dH: number;
  qkTied: boolean;
}

/** `'auto'` is the standard layer, `dH = dModel / heads` ("Base" in the thesis tables). */
export type HeadSize = number | 'auto';

export interface AttentionGeometryInput {
  dModel: number;
  heads: number;
  dH: HeadSize;
  qkTied?: boolean;
}

/** Resolves `dH: 'auto'` and checks the geometry. Throws `ModelConfigError` listing every problem. */
export function resolveGeometry(input: AttentionGeometryInput): AttentionGeometry {
  const violations = new ViolationList();
  const geometry = checkGeometry(input, violations);
  violations.throwIfAny('attention geometry');
  return geometry!;
}

/**
 * Resolves `dH: 'auto'`, adding each problem to `violations` with its sweep-file path
 * (`d_m`, `heads`, `d_h`, `qk_tied`); `undefined` when the geometry is not valid.
 */
export function checkGeometry(input: AttentionGeometryInput, violations: ViolationList): AttentionGeometry | undefined {
  const { dModel, heads, dH, qkTied = false } = input;
  const before = violations.items.length;
  const dModelOk = violations.positiveInteger('d_m', dModel);
  const headsOk = violations.positiveInteger('heads', heads);
  let resolved = Number.NaN;
  if (dH === 'auto') {
    if (dModelOk && headsOk) {
      if (dModel % heads === 0) resolved = dModel / heads;
      else
        violations.add(
          'd_h',
          `d_h: auto needs d_m divisible by heads; ${dModel} / ${heads} is not an integer (set d_h explicitly or change heads)`,
        );
    }
  } else if (violations.positiveInteger('d_h', dH)) {
    resolved = dH;
  }
  if (typeof qkTied !== 'boolean') violations.add('qk_tied', `must be true or false, got ${JSON.stringify(qkTied)}`);
  return violations.items.length === before ? { dModel, heads, dH: resolved, qkTied } : undefined;
}

/** True when the geometry is the standard multi-head layer (`dH = dModel / heads`). */
export function isStandardGeometry(g: AttentionGeometry): boolean {
  return g.dH * g.heads === g.dModel;
}
