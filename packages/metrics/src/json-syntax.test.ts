import { describe, expect, it } from 'vitest';
import { locateJsonSyntaxError } from './json-syntax.js';

describe('locateJsonSyntaxError', () => {
  it('accepts what JSON.parse accepts', () => {
    for (const text of [
      '[]',
      '{}',
      ' [1, -2.5e3, "a\\"b\\u00e9", true, false, null, {"k": [{}]}] ',
      '0',
      '"x"',
    ]) {
      expect(() => JSON.parse(text)).not.toThrow();
      expect(locateJsonSyntaxError(text)).toBeUndefined();
    }
  });

  it('points at the first bad character, 1-based', () => {
    expect(locateJsonSyntaxError('[1,\n 2,\n]')).toEqual({
      line: 3,
      column: 1,
      reason: "unexpected ']', expected a value",
    });
    expect(locateJsonSyntaxError('[1 2]')).toEqual({
      line: 1,
      column: 4,
      reason: "unexpected '2', expected ',' or ']'",
    });
    expect(locateJsonSyntaxError('{"a" 1}')).toEqual({
      line: 1,
      column: 6,
      reason: "unexpected '1', expected ':'",
    });
    expect(locateJsonSyntaxError('{a: 1}')?.reason).toBe(
      "unexpected 'a', expected a double-quoted property name",
    );
    expect(locateJsonSyntaxError('[NaN]')).toEqual({
      line: 1,
      column: 2,
      reason: "unexpected 'N', expected a value",
    });
    expect(locateJsonSyntaxError('[1] x')?.reason).toBe(
      "unexpected 'x' after the end of the JSON value",
    );
    expect(locateJsonSyntaxError('["ab')).toEqual({
      line: 1,
      column: 2,
      reason: 'unterminated string',
    });
    expect(locateJsonSyntaxError('')?.reason).toBe('unexpected end of file');
  });
});
