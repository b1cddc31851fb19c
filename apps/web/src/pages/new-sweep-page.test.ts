import { describe, expect, it } from 'vitest';
import { EXAMPLE_SPEC, lineOfPath } from './new-sweep-page';

describe('lineOfPath', () => {
  it('finds the line of a syntax error and of nested keys', () => {
    expect(lineOfPath(EXAMPLE_SPEC, 'input.yaml:3:7')).toBe(3);
    expect(lineOfPath(EXAMPLE_SPEC, 'input.yaml.task')).toBe(2);
    expect(lineOfPath(EXAMPLE_SPEC, 'input.yaml.parameters.d_h.values[1]')).toBe(9);
    expect(lineOfPath(EXAMPLE_SPEC, 'input.yaml.parameters.epochs.value')).toBe(13);
    expect(lineOfPath(EXAMPLE_SPEC, 'input')).toBeNull();
  });
});
