import { describe, expect, it } from 'vitest';
import { HeadroomError, isHeadroomError } from './index';

describe('HeadroomError', () => {
  it('lists every violation with its path', () => {
    const err = HeadroomError.invalid('INVALID_SPEC', 'sweep spec', [
      { path: 'parameters.d_m', message: 'must be a positive integer, got -1' },
      { path: 'metric.name', message: 'must be one of mpjpe, p_mpjpe' },
    ]);
    expect(err.message).toContain('parameters.d_m: must be a positive integer');
    expect(err.message).toContain('metric.name: must be one of');
    expect(err.violations).toHaveLength(2);
    expect(isHeadroomError(err)).toBe(true);
    expect(isHeadroomError(new Error('x'))).toBe(false);
  });
});
