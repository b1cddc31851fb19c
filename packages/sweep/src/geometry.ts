import type { Violation } from '@headroom/errors';
import { PARAMETER_DEFAULTS, type TrialParams } from './parameters';
import { throwIfViolations } from './violations';

/** The shape of one attention layer, as the models package takes it. */
export interface AttentionGeometry {
  dModel: number;
  heads: number;
  /** Per-head projection size; `d_m / heads` for the standard ("Base") layer. */
  dH: number;
  /** One projection serves queries and keys (W^Q = W^K). */
  qkTied: boolean;
}

const isPositiveInt = (v: unknown) => Number.isSafeInteger(v) && (v as number) > 0;

/** A trial's attention geometry, `d_h: auto` resolved to `d_m / heads`. */
export function resolveGeometry(p: TrialParams): AttentionGeometry {
  const violations: Violation[] = [];
  for (const key of ['d_m', 'heads'] as const) {
    if (!isPositiveInt(p[key])) {
      violations.push({
        path: `parameters.${key}`,
        message: `${key} must be a positive integer; got ${String(p[key])}`,
      });
    }
  }
  if (p.d_h !== 'auto' && !isPositiveInt(p.d_h)) {
    violations.push({
      path: 'parameters.d_h',
      message: `d_h must be a positive integer or auto; got ${String(p.d_h)}`,
    });
  }
  if (violations.length === 0 && p.d_h === 'auto' && p.d_m % p.heads !== 0) {
    violations.push({
      path: 'parameters.d_h',
      message: `d_h: auto needs d_m divisible by heads; ${p.d_m} / ${p.heads} is not an integer — choose heads dividing ${p.d_m} or give d_h a number`,
    });
  }
  throwIfViolations('trial parameters', violations);
  return {
    dModel: p.d_m,
    heads: p.heads,
    dH: p.d_h === 'auto' ? p.d_m / p.heads : p.d_h,
    qkTied: p.qk_tied,
  };
}

const OTHER_PARAMETERS = ['layers', 'lr', 'epochs', 'batch_size', 'seed', 'dropout'] as const;

/**
 * One line naming a trial: its head geometry always, the other parameters only where they
 * differ from the defaults — e.g. `d_m 64 · heads 4 · d_h auto(16) · qk_tied false · lr 0.0005`.
 */
export function describeTrial(p: TrialParams): string {
  const auto = p.d_m % p.heads === 0 ? String(p.d_m / p.heads) : '?';
  const parts = [
    `d_m ${p.d_m}`,
    `heads ${p.heads}`,
    `d_h ${p.d_h === 'auto' ? `auto(${auto})` : p.d_h}`,
    `qk_tied ${p.qk_tied}`,
  ];
  for (const name of OTHER_PARAMETERS) {
    if (p[name] !== PARAMETER_DEFAULTS[name]) parts.push(`${name} ${p[name]}`);
  }
  return parts.join(' · ');
}
