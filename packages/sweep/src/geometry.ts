import type { Violation } from '@headroom/errors';
import type { TrialParams } from './parameters';
import { throwIfViolations } from './violations';

/**
 * The head geometry the thesis varies, as the models package builds it. Every head projects
 * to `dH` (not necessarily `dModel / heads`); `qkTied` makes one projection serve as both
 * query and key (W^Q = W^K).
 */
export interface AttentionGeometry {
  dModel: number;
  heads: number;
  dH: number;
  qkTied: boolean;
}

/** `'auto'` is the standard layer, `d_h = d_m / heads` ("Base" in the thesis tables). */
export type HeadSize = number | 'auto';

/** The sweep-file names of the geometry's fields; violations are reported under them. */
export type GeometryField = 'd_m' | 'heads' | 'd_h' | 'qk_tied';

/** Whether a resolved geometry is the standard layer (`d_h = d_m / heads`, "Base" in the thesis). */
export function isStandardLayer(g: { d_m: number; heads: number; d_h: number }): boolean {
  return g.d_h * g.heads === g.d_m;
}

const isPositiveInt = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) > 0;

/**
 * Why `d_h: auto` does not resolve, and what to do. `lead` names where the auto came from
 * (`d_h: auto`, or `d_h defaults to auto, which` when the spec left d_h out).
 */
export function autoHeadSizeMessage(dModel: number, heads: number, lead = 'd_h: auto'): string {
  return `${lead} needs d_m divisible by heads; ${dModel} / ${heads} is not an integer — choose heads dividing ${dModel} or give d_h a number`;
}

/**
 * Checks a head geometry and resolves `d_h: auto` to `d_m / heads`. Each problem is added to
 * `violations` at `path(field)` so callers can collect every problem of a spec or model
 * config before throwing; returns `undefined` when there is one.
 */
export function checkGeometry(
  input: { dModel: unknown; heads: unknown; dH?: unknown; qkTied?: unknown },
  violations: Violation[],
  path: (field: GeometryField) => string = (field) => field,
): AttentionGeometry | undefined {
  const { dModel, heads, dH = 'auto', qkTied = false } = input;
  const before = violations.length;
  const bad = (field: GeometryField, expected: string, value: unknown) =>
    violations.push({
      path: path(field),
      message: `${field} must be ${expected}; got ${JSON.stringify(value) ?? String(value)}`,
    });
  if (!isPositiveInt(dModel)) bad('d_m', 'a positive integer', dModel);
  if (!isPositiveInt(heads)) bad('heads', 'a positive integer', heads);
  if (dH !== 'auto' && !isPositiveInt(dH)) bad('d_h', 'a positive integer or auto', dH);
  if (typeof qkTied !== 'boolean') bad('qk_tied', 'true or false', qkTied);
  if (violations.length > before) return undefined;
  const d = dModel as number;
  const h = heads as number;
  if (dH === 'auto' && d % h !== 0) {
    violations.push({ path: path('d_h'), message: autoHeadSizeMessage(d, h) });
    return undefined;
  }
  return {
    dModel: d,
    heads: h,
    dH: dH === 'auto' ? d / h : (dH as number),
    qkTied: qkTied as boolean,
  };
}

/** A trial's attention geometry, `d_h: auto` resolved; throws INVALID_SPEC naming `parameters.*`. */
export function resolveGeometry(p: TrialParams): AttentionGeometry {
  const violations: Violation[] = [];
  const geometry = checkGeometry(
    { dModel: p.d_m, heads: p.heads, dH: p.d_h, qkTied: p.qk_tied },
    violations,
    (field) => `parameters.${field}`,
  );
  throwIfViolations('trial parameters', violations);
  return geometry!;
}
