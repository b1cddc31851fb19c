import { describe, expect, it } from 'vitest';
import { createRng, setEnv } from './index';

describe('createRng (mulberry32, shared with @headroom/datasets)', () => {
  it('repeats its stream for a seed, and these exact values: test inputs must not drift', () => {
    const [a, b] = [createRng(7), createRng(7)];
    const first = [a(), a(), a()];
    expect([b(), b(), b()]).toEqual(first);
    expect(first).toEqual([0.011704753153026104, 0.06195825757458806, 0.97690763277933]);
    expect(createRng(8)()).not.toBe(first[0]);
  });
});

describe('setEnv', () => {
  it('sets and removes variables, and puts every one back as it was', () => {
    process.env.HEADROOM_TEST_A = 'a';
    delete process.env.HEADROOM_TEST_B;
    const restore = setEnv({ HEADROOM_TEST_A: undefined, HEADROOM_TEST_B: 'b' });
    expect(process.env.HEADROOM_TEST_A).toBeUndefined();
    expect(process.env.HEADROOM_TEST_B).toBe('b');
    restore();
    expect(process.env.HEADROOM_TEST_A).toBe('a');
    expect('HEADROOM_TEST_B' in process.env).toBe(false);
    delete process.env.HEADROOM_TEST_A;
  });
});
