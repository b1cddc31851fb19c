/**
 * The few numpy float64 routines whose exact rounding the COCO evaluation depends on.
 * pycocotools computes its thresholds with `np.linspace` and its OKS and summary
 * means with `np.sum` / `np.mean`; doing the same operations in the same order
 * makes our numbers equal to its numbers bit for bit, not just "close".
 */

/**
 * `np.linspace(start, stop, num)` (endpoint=True) as numpy ≥ 1.20 computes it:
 * `arange(num) * step + start` with `step = (stop - start) / (num - 1)`, then the
 * last element set to `stop`. Building it any other way (`start + i / div * delta`,
 * or accumulating the step) gives values a rounding away, and pycocotools looks
 * thresholds up with `==` (`np.where(iouThr == p.iouThrs)`).
 */
export function linspace(start: number, stop: number, num: number): Float64Array {
  const y = new Float64Array(num);
  const div = num - 1;
  if (div <= 0) {
    if (num === 1) y[0] = start;
    return y;
  }
  const delta = stop - start;
  const step = delta / div;
  for (let i = 0; i < num; i++) {
    // numpy's gh-5437 path for a step that underflows to 0: divide first, then scale.
    y[i] = (step === 0 ? (i / div) * delta : i * step) + start;
  }
  y[num - 1] = stop;
  return y;
}

/** numpy's unrolling factor and block size in `pairwise_sum_DOUBLE` (loops_utils.h). */
const UNROLL = 8;
const PW_BLOCKSIZE = 128;

/**
 * `np.add.reduce` of a contiguous float64 run, i.e. numpy's `pairwise_sum_DOUBLE`:
 * fewer than 8 terms are added left to right; up to 128 terms go into 8 interleaved
 * partial sums combined as a tree; longer runs split in two at a multiple of 8 and
 * recurse. The result can differ from a left-to-right sum in the last bits, so this
 * is what lets our means equal `np.mean` exactly.
 */
export function pairwiseSum(a: ArrayLike<number>, start = 0, n = a.length - start): number {
  if (n < UNROLL) {
    let res = 0;
    for (let i = 0; i < n; i++) res += a[start + i] as number;
    return res;
  }
  if (n <= PW_BLOCKSIZE) {
    let r0 = a[start] as number;
    let r1 = a[start + 1] as number;
    let r2 = a[start + 2] as number;
    let r3 = a[start + 3] as number;
    let r4 = a[start + 4] as number;
    let r5 = a[start + 5] as number;
    let r6 = a[start + 6] as number;
    let r7 = a[start + 7] as number;
    const end = n - (n % UNROLL);
    let i = UNROLL;
    for (; i < end; i += UNROLL) {
      const p = start + i;
      r0 += a[p] as number;
      r1 += a[p + 1] as number;
      r2 += a[p + 2] as number;
      r3 += a[p + 3] as number;
      r4 += a[p + 4] as number;
      r5 += a[p + 5] as number;
      r6 += a[p + 6] as number;
      r7 += a[p + 7] as number;
    }
    let res = r0 + r1 + (r2 + r3) + (r4 + r5 + (r6 + r7));
    for (; i < n; i++) res += a[start + i] as number;
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % UNROLL;
  return pairwiseSum(a, start, n2) + pairwiseSum(a, start + n2, n - n2);
}

/**
 * `np.mean` of a 1-D contiguous float64 array: the reduction starts from the
 * identity 0.0 and adds the pairwise sum, then divides by the count.
 * (Arrays longer than numpy's 8192-element buffer could be summed in chunks by
 * numpy; the COCO summaries average at most 1010 values per category.)
 */
export function npMean(a: ArrayLike<number>): number {
  return (0 + pairwiseSum(a)) / a.length;
}
