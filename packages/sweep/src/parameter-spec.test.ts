import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { repeatedIndexes, type SpecValue } from './parameter-spec';

/** The pairwise definition the one-pass check replaces: W&B's yaml_hash equality. */
function sameValue(a: SpecValue, b: SpecValue): boolean {
  if (Object.is(a, b) || a === b) return true;
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((x, i) => sameValue(x, b[i]!));
  const isRecord = (v: unknown): v is Record<string, SpecValue> =>
    typeof v === 'object' && v !== null && !Array.isArray(v);
  if (isRecord(a) && isRecord(b)) {
    const ka = Object.keys(a);
    return (
      ka.length === Object.keys(b).length &&
      ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && sameValue(a[k]!, b[k]!))
    );
  }
  return false;
}

const pairwise = (values: SpecValue[]) =>
  values.flatMap((v, i) => (values.findIndex((w) => sameValue(w, v)) < i ? [i] : []));

// Small alphabets, so repeats (and near-repeats: 0 and −0, keys in another order) are common.
const specValue: fc.Arbitrary<SpecValue> = fc.letrec<{ value: SpecValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom<SpecValue>(null, true, false, 0, -0, 1, 1.5, Number.NaN, 'a', 'b', '1', ''),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom('a', 'b', 'c'), tie('value'), { maxKeys: 3 }),
  ),
})).value;

describe('repeatedIndexes', () => {
  it('finds the same repeats as comparing every pair', () => {
    fc.assert(
      fc.property(fc.array(specValue, { maxLength: 12 }), (values) => {
        expect(repeatedIndexes(values)).toEqual(pairwise(values));
      }),
      { numRuns: 500 },
    );
  });

  it('treats mappings with their keys in another order, and 0 and −0, as one value', () => {
    expect(repeatedIndexes([{ a: 1, b: [2] }, { b: [2], a: 1 }, 0, -0, '0', [0]])).toEqual([1, 3]);
  });

  it('tells apart values that print alike', () => {
    expect(repeatedIndexes(['1', 1, [1], { 1: 1 }, 'a,b', ['a', 'b'], null, 'null'])).toEqual([]);
  });

  it('finds the repeats of a 100,000-value list', () => {
    const values = Array.from({ length: 100_000 }, (_, i) => i);
    values.push(5, 99_999);
    expect(repeatedIndexes(values)).toEqual([100_000, 100_001]);
  });
});
