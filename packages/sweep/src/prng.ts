/**
 * A counter-based random source: every number is a hash of its coordinates (sampler seed,
 * trial index, parameter name), not the next state of a generator. Trial i is therefore the
 * same whether it is the first trial computed or the millionth, in any process, after any
 * number of continue-as-new — a sweep workflow can compute any trial lazily from the spec.
 *
 * The hash is MurmurHash3 x86_32 over 32-bit words: only Math.imul, shifts and xor, which are
 * exact integer operations, so the bits are the same on every machine and on every replay.
 * Changing anything here changes the trials of every existing random sweep; the golden values
 * in prng.test.ts and random.test.ts are there to make such a change deliberate.
 */

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;
const TWO_32 = 0x1_0000_0000;
const TWO_26 = 0x400_0000;
const TWO_53 = 0x20_0000_0000_0000;

function mixWord(h: number, word: number): number {
  let k = Math.imul(word, C1);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, C2);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

function finalize(h: number, words: number): number {
  h ^= words * 4;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** MurmurHash3 x86_32 of 32-bit words (each taken modulo 2³²); an unsigned 32-bit result. */
export function hashWords(words: readonly number[], seed = 0): number {
  let h = seed | 0;
  for (const word of words) h = mixWord(h, word | 0);
  return finalize(h, words.length);
}

/** A string's hash, one UTF-16 code unit per word. */
export function hashString(text: string): number {
  const words: number[] = [];
  for (let i = 0; i < text.length; i++) words.push(text.charCodeAt(i));
  return hashWords(words);
}

/** A safe integer as its low and high 32-bit words, so seeds and indices above 2³² stay distinct. */
function splitWords(n: number): [number, number] {
  return [n >>> 0, Math.floor(n / TWO_32) >>> 0];
}

/**
 * A number in [0, 1) with 53 random bits, a pure function of (seed, index, name): two
 * hashes that differ in their last word give the high 27 and low 26 bits of the mantissa.
 */
export function uniformAt(seed: number, index: number, name: string): number {
  const words = [...splitWords(seed), ...splitWords(index), hashString(name)];
  const high = hashWords([...words, 0]) >>> 5;
  const low = hashWords([...words, 1]) >>> 6;
  return (high * TWO_26 + low) / TWO_53;
}
