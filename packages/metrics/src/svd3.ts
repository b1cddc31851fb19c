/**
 * Singular value decomposition of a 3×3 matrix, in Float64, by one-sided (Hestenes)
 * Jacobi rotations. Small and exact enough (≈1e-15 relative) that P-MPJPE agrees
 * with numpy/LAPACK to far below a micrometre, without pulling in a linear-algebra
 * library for one 3×3 per frame.
 */

/** `a = u · diag(s) · vᵀ`; `u`, `v` row-major 3×3 with the singular vectors as columns, `s` descending. */
export interface Svd3 {
  u: Float64Array;
  s: Float64Array;
  v: Float64Array;
}

const MAX_SWEEPS = 60;
// Columns count as orthogonal once their cosine is below this; Jacobi converges
// quadratically, so a few sweeps reach it.
const ORTHOGONALITY_TOL = 1e-15;
// Below this fraction of σ₁ a singular value is treated as zero: its left vector
// is completed from the others instead of dividing noise by noise.
const RANK_TOL = 1e-13;

const PAIRS: ReadonlyArray<readonly [number, number]> = [
  [0, 1],
  [0, 2],
  [1, 2],
];

function at(m: Float64Array, i: number): number {
  return m[i] as number;
}

/** SVD of the row-major 3×3 matrix `m`. */
export function computeSvd3(m: ArrayLike<number>): Svd3 {
  const a = new Float64Array(9);
  for (let i = 0; i < 9; i++) a[i] = m[i] as number;
  const v = new Float64Array([1, 0, 0, 0, 1, 0, 0, 0, 1]);

  for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    let rotated = false;
    for (const [p, q] of PAIRS) {
      let alpha = 0;
      let beta = 0;
      let gamma = 0;
      for (let k = 0; k < 3; k++) {
        const ap = at(a, k * 3 + p);
        const aq = at(a, k * 3 + q);
        alpha += ap * ap;
        beta += aq * aq;
        gamma += ap * aq;
      }
      if (gamma === 0 || Math.abs(gamma) <= ORTHOGONALITY_TOL * Math.sqrt(alpha * beta)) continue;
      rotated = true;
      // The smaller root of t² + 2ζt − 1 = 0 makes columns p and q orthogonal.
      const zeta = (beta - alpha) / (2 * gamma);
      const t = (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
      const c = 1 / Math.sqrt(1 + t * t);
      const s = c * t;
      for (let k = 0; k < 3; k++) {
        const ap = at(a, k * 3 + p);
        const aq = at(a, k * 3 + q);
        a[k * 3 + p] = c * ap - s * aq;
        a[k * 3 + q] = s * ap + c * aq;
        const vp = at(v, k * 3 + p);
        const vq = at(v, k * 3 + q);
        v[k * 3 + p] = c * vp - s * vq;
        v[k * 3 + q] = s * vp + c * vq;
      }
    }
    if (!rotated) break;
  }

  // Now a = u·diag(σ): σ are the column norms. Order them descending, as LAPACK does,
  // because P-MPJPE's reflection fix acts on the smallest one.
  const norms = [0, 1, 2].map((j) => Math.hypot(at(a, j), at(a, 3 + j), at(a, 6 + j)));
  const order = [0, 1, 2].sort((x, y) => (norms[y] as number) - (norms[x] as number));

  const s = new Float64Array(3);
  const vSorted = new Float64Array(9);
  const cols: Float64Array[] = [];
  for (let j = 0; j < 3; j++) {
    const src = order[j] as number;
    s[j] = norms[src] as number;
    for (let k = 0; k < 3; k++) vSorted[k * 3 + j] = at(v, k * 3 + src);
    cols.push(new Float64Array([at(a, src), at(a, 3 + src), at(a, 6 + src)]));
  }

  const u = completeLeftVectors(cols, s);
  return { u, s, v: vSorted };
}

/** Left singular vectors from the rotated columns `cols[j] = σⱼ·uⱼ`, completing a rank-deficient basis. */
function completeLeftVectors(cols: Float64Array[], s: Float64Array): Float64Array {
  const s0 = at(s, 0);
  const s1 = at(s, 1);
  const c0 = cols[0] as Float64Array;
  const c1 = cols[1] as Float64Array;
  const c2 = cols[2] as Float64Array;

  let u0: number[];
  if (s0 === 0) u0 = [1, 0, 0];
  else u0 = [at(c0, 0) / s0, at(c0, 1) / s0, at(c0, 2) / s0];

  let u1: number[];
  if (s0 > 0 && s1 > RANK_TOL * s0) {
    u1 = [at(c1, 0) / s1, at(c1, 1) / s1, at(c1, 2) / s1];
  } else {
    // Any unit vector orthogonal to u0: cross it with the axis it is least aligned with.
    const axis = leastAlignedAxis(u0);
    u1 = cross(u0, axis);
  }
  // One Gram–Schmidt step keeps u exactly orthonormal even when σ₁ is small.
  const d = dot(u0, u1);
  u1 = normalize([
    (u1[0] as number) - d * (u0[0] as number),
    (u1[1] as number) - d * (u0[1] as number),
    (u1[2] as number) - d * (u0[2] as number),
  ]);

  // The third vector is fixed up to sign by the first two; take the sign that
  // matches a·v₃ so that a = u·diag(s)·vᵀ still holds when σ₃ > 0.
  let u2 = cross(u0, u1);
  if (dot(u2, [at(c2, 0), at(c2, 1), at(c2, 2)]) < 0) u2 = u2.map((x) => -x);

  const u = new Float64Array(9);
  for (let k = 0; k < 3; k++) {
    u[k * 3] = u0[k] as number;
    u[k * 3 + 1] = u1[k] as number;
    u[k * 3 + 2] = u2[k] as number;
  }
  return u;
}

function dot(x: readonly number[], y: readonly number[]): number {
  return (
    (x[0] as number) * (y[0] as number) +
    (x[1] as number) * (y[1] as number) +
    (x[2] as number) * (y[2] as number)
  );
}

function cross(x: readonly number[], y: readonly number[]): number[] {
  const [x0, x1, x2] = x as [number, number, number];
  const [y0, y1, y2] = y as [number, number, number];
  return normalize([x1 * y2 - x2 * y1, x2 * y0 - x0 * y2, x0 * y1 - x1 * y0]);
}

function normalize(x: number[]): number[] {
  const n = Math.hypot(x[0] as number, x[1] as number, x[2] as number);
  return n === 0 ? x : x.map((c) => c / n);
}

function leastAlignedAxis(u: readonly number[]): number[] {
  const ax = Math.abs(u[0] as number);
  const ay = Math.abs(u[1] as number);
  const az = Math.abs(u[2] as number);
  if (ax <= ay && ax <= az) return [1, 0, 0];
  if (ay <= az) return [0, 1, 0];
  return [0, 0, 1];
}
