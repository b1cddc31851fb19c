/**
 * The truncated normal distribution as Optuna's TPE computes it (optuna/samplers/_tpe/
 * _truncnorm.py, itself from SciPy): the same case splits, the same asymptotic series and the
 * same Newton iteration for the inverse, element by element, so a mixture built here samples
 * and scores like Optuna's. `a` and `b` are the truncation bounds in standard units.
 */
import { erf, erfc } from './special';

const SQRT2 = Math.SQRT2;
const NORM_PDF_LOG_C = Math.log(Math.sqrt(2 * Math.PI));
const NDTRI_EXP_APPROX_C = Math.sqrt(3) / Math.PI;
const EPSILON = 2.220446049250313e-16;

/** numpy's logaddexp. */
function logSum(p: number, q: number): number {
  if (p === q) return p + Math.LN2;
  const d = p - q;
  return d > 0 ? p + Math.log1p(Math.exp(-d)) : q + Math.log1p(Math.exp(d));
}

/** log(exp(p) − exp(q)) for p ≥ q. */
function logDiff(p: number, q: number): number {
  return p + Math.log1p(-Math.exp(q - p));
}

function ndtrSingle(a: number): number {
  const x = a / SQRT2;
  if (x < -1 / SQRT2) return 0.5 * erfc(-x);
  if (x < 1 / SQRT2) return 0.5 + 0.5 * erf(x);
  return 1 - 0.5 * erfc(x);
}

/** Φ(a) as Optuna's vectorised `_ndtr` (erf only; used where a is moderate). */
function ndtr(a: number): number {
  return 0.5 + 0.5 * erf(a / SQRT2);
}

/** log Φ(a), accurate far into the left tail. */
export function logNdtr(a: number): number {
  if (a > 6) return -ndtrSingle(-a);
  if (a > -20) return Math.log(ndtrSingle(a));
  const logLhs = -0.5 * a * a - Math.log(-a) - 0.5 * Math.log(2 * Math.PI);
  let lastTotal = 0;
  let rightHandSide = 1;
  let numerator = 1;
  let denomFactor = 1;
  const denomCons = 1 / (a * a);
  let sign = 1;
  let i = 0;
  while (Math.abs(lastTotal - rightHandSide) > EPSILON) {
    i += 1;
    lastTotal = rightHandSide;
    sign = -sign;
    denomFactor *= denomCons;
    numerator *= 2 * i - 1;
    rightHandSide += sign * numerator * denomFactor;
  }
  return logLhs + Math.log(rightHandSide);
}

export function normLogPdf(x: number): number {
  return -(x * x) / 2 - NORM_PDF_LOG_C;
}

/** log P(a ≤ Z ≤ b) for a standard normal Z, worked in the left tail where it is accurate. */
export function logGaussMass(a: number, b: number): number {
  if (b <= 0) return logDiff(logNdtr(b), logNdtr(a));
  if (a > 0) return logDiff(logNdtr(-a), logNdtr(-b));
  return Math.log1p(-ndtr(a) - ndtr(-b));
}

/** The x with log Φ(x) = y (y ≤ 0), by Newton's method from Optuna's starting guesses. */
export function ndtriExp(y: number): number {
  const flipped = y > -1e-2;
  const z = flipped ? Math.log(-Math.expm1(y)) : y;
  let x =
    z < -5 ? -Math.sqrt(-2 * (z + NORM_PDF_LOG_C)) : -NDTRI_EXP_APPROX_C * Math.log(Math.expm1(-z));
  for (let i = 0; i < 100; i++) {
    const logNdtrX = logNdtr(x);
    const logNormPdfX = -0.5 * x * x - NORM_PDF_LOG_C;
    const dx = (logNdtrX - z) * Math.exp(logNdtrX - logNormPdfX);
    x -= dx;
    if (Math.abs(dx) < 1e-8 * Math.abs(x)) break;
  }
  return flipped ? -x : x;
}

/** The q-quantile of the standard normal truncated to [a, b]. */
export function ppf(q: number, a: number, b: number): number {
  if (a === b) return NaN;
  if (q === 0) return a;
  if (q === 1) return b;
  const logMass = logGaussMass(a, b);
  if (a < 0) return ndtriExp(logSum(logNdtr(a), Math.log(q) + logMass));
  return -ndtriExp(logSum(logNdtr(-b), Math.log1p(-q) + logMass));
}

/** log density at x of N(loc, scale²) truncated to [loc + a·scale, loc + b·scale]. */
export function logPdf(x: number, a: number, b: number, loc: number, scale: number): number {
  if (a === b) return NaN;
  const z = (x - loc) / scale;
  if (z < a || z > b) return -Infinity;
  return normLogPdf(z) - logGaussMass(a, b) - Math.log(scale);
}
