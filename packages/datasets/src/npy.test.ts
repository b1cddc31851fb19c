import { describe, expect, it } from 'vitest';
import { parseNpy } from './npy.js';

// np.lib.format.write_array(f, np.arange(6, dtype='<i2').reshape(2, 3), version=(2, 0)), numpy 2.4
const INT16_V2 =
  '934e554d50590200740000007b276465736372273a20273c6932272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028322c2033292c207d20202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a000001000200030004000500';

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
