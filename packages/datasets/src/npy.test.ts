import { describe, expect, it } from 'vitest';
import { formatNpy, parseNpy } from './npy.js';

// np.lib.format.write_array(f, np.arange(6, dtype='<i2').reshape(2, 3), version=(2, 0)), numpy 2.4
const INT16_V2 =
  '934e554d50590200740000007b276465736372273a20273c6932272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028322c2033292c207d20202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a000001000200030004000500';

// The same array with numpy's default (version 1.0): np.lib.format.write_array(f, a)
const INT16_V1 =
  '934e554d5059010076007b276465736372273a20273c6932272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028322c2033292c207d202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a000001000200030004000500';

describe('parseNpy', () => {
  it('reads a version 2 header and leaves the body as a view', () => {
    const bytes = new Uint8Array(Buffer.from(INT16_V2, 'hex'));
    const npy = parseNpy(bytes);
    expect({ descr: npy.descr, fortranOrder: npy.fortranOrder, shape: npy.shape }).toEqual({
      descr: '<i2',
      fortranOrder: false,
      shape: [2, 3],
    });
    expect(npy.body.buffer).toBe(bytes.buffer);
    expect([...new Int16Array(npy.body.slice().buffer)]).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('rejects bytes without the magic, and a truncated header', () => {
    expect(() => parseNpy(new TextEncoder().encode('PK\x03\x04 not npy'))).toThrow(
      /no \\x93NUMPY magic/,
    );
    const bytes = new Uint8Array(Buffer.from(INT16_V2, 'hex'));
    expect(() => parseNpy(bytes.subarray(0, 40))).toThrow(/header is truncated/);
  });
});

describe('formatNpy', () => {
  const header = (bytes: Uint8Array) => Buffer.from(bytes.subarray(0, 128)).toString('latin1');

  it('writes the bytes numpy writes (version 1.0, growth-axis spaces, padded to 64)', () => {
    const body = new Uint8Array(Int16Array.from([0, 1, 2, 3, 4, 5]).buffer);
    const npy = formatNpy({ descr: '<i2', fortranOrder: false, shape: [2, 3], body });
    expect(Buffer.from(npy).toString('hex')).toBe(INT16_V1);
  });

  it.each([
    // numpy 2.4's headers for np.zeros((1234, 32, 3), '<f4'), np.zeros(7), a Fortran-order
    // (2, 5) array and a 0-d object array (what np.savez stores for a dict).
    [
      [1234, 32, 3],
      '<f4',
      false,
      "{'descr': '<f4', 'fortran_order': False, 'shape': (1234, 32, 3), }" + ' '.repeat(51),
    ],
    [
      [7],
      '<f8',
      false,
      "{'descr': '<f8', 'fortran_order': False, 'shape': (7,), }" + ' '.repeat(60),
    ],
    [
      [2, 5],
      '<f4',
      true,
      "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 5), }" + ' '.repeat(59),
    ],
    [[], '|O', false, "{'descr': '|O', 'fortran_order': False, 'shape': (), }" + ' '.repeat(63)],
  ])('shape %j, %s: the header numpy writes', (shape, descr, fortranOrder, text) => {
    const npy = formatNpy({ descr, fortranOrder, shape, body: new Uint8Array(0) });
    expect(npy.length).toBe(128);
    expect(header(npy)).toBe(`\x93NUMPY\x01\x00v\x00${text}\n`);
    expect(parseNpy(npy)).toMatchObject({ descr, fortranOrder, shape });
  });

  it('refuses a shape that is not a tuple of sizes', () => {
    expect(() =>
      formatNpy({ descr: '<f4', fortranOrder: false, shape: [2, -1], body: new Uint8Array(0) }),
    ).toThrow(/not a tuple of sizes/);
  });
});
