/**
 * Small seeded random numbers. Data generation and shuffling must be reproducible
 * from a seed on any machine (a resumed trial must see the same batches), so
 * nothing here touches Math.random.
 */

/** Uniform in [0, 1). */
export type Rng = () => number;

/** mulberry32: 32-bit state, fast, good enough for synthetic data and shuffles. */
export function createRng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a of a string, so named streams (subject, action) get their own seeds. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * Combines 32-bit words into one seed (murmur3's finaliser after each word).
 * Order matters and nearby inputs land far apart: (seed 1, epoch 2) and
 * (seed 2, epoch 1) give unrelated streams, unlike seed + epoch.
 */
export function mixSeeds(...words: number[]): number {
  let h = 0x9e3779b9;
  for (const w of words) {
    h ^= w >>> 0;
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return h >>> 0;
}

/** A safe integer seed as two 32-bit words (low, high), so seeds above 2³² stay distinct. */
export function seedWords(seed: number): [number, number] {
  return [seed >>> 0, Math.floor(seed / 4294967296) >>> 0];
}

/** The words of one (seed, epoch): where every epoch-dependent draw of a data stream starts. */
export function epochWords(seed: number, epoch: number): [number, number, number, number] {
  return [...seedWords(seed), ...seedWords(epoch)];
}

/**
 * Fills `order` with 0, 1, …, n − 1, shuffled (Fisher–Yates) by (seed, epoch) when `shuffle`:
 * an epoch's sample order, a pure function of the two, rebuilt from the identity every time.
 */
export function fillEpochOrder(
  order: Uint32Array,
  seed: number,
  epoch: number,
  shuffle: boolean,
): Uint32Array {
  for (let i = 0; i < order.length; i++) order[i] = i;
  if (!shuffle) return order;
  const rng = createRng(mixSeeds(...epochWords(seed, epoch)));
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const t = order[i] as number;
    order[i] = order[j] as number;
    order[j] = t;
  }
  return order;
}

/** Batches an epoch of `samples` has at `batchSize`: a smaller last one unless `dropLast`. */
export function batchCount(samples: number, batchSize: number, dropLast: boolean): number {
  const full = Math.floor(samples / batchSize);
  return dropLast || samples % batchSize === 0 ? full : full + 1;
}

/** Standard normal (Box–Muller). */
export function sampleNormal(rng: Rng): number {
  return Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
}

/** Uniform in [lo, hi). */
export function sampleUniform(rng: Rng, lo: number, hi: number): number {
  return lo + (hi - lo) * rng();
}
