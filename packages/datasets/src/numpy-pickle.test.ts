import { describe, expect, it } from 'vitest';
import { unpickleNumpy } from './numpy-pickle.js';

// Written by Python with numpy 2.4:
// pickle.dumps({'a': np.float32(1.5), 'b': np.int64(17), 'c': (1, 'x')}, protocol=P).hex()
const SCALARS_PROTOCOL_4 =
  '800495b3000000000000007d94288c0161948c166e756d70792e5f636f72652e6d756c74696172726179948c067363616c61729493948c056e756d7079948c0564747970659493948c02663494898887945294284b038c013c944e4e4e4affffffff4affffffff4b0074946243040000c03f94869452948c016294680468078c02693894898887945294284b03680b4e4e4e4affffffff4affffffff4b007494624308110000000000000094869452948c0163944b018c0178948694752e';
const SCALARS_PROTOCOL_2 =
  '80027d7100285801000000617101636e756d70792e5f636f72652e6d756c746961727261790a7363616c61720a7102636e756d70790a64747970650a71035802000000663471048988877105527106284b0358010000003c71074e4e4e4affffffff4affffffff4b0074710862635f636f646563730a656e636f64650a710958050000000000c3803f710a58060000006c6174696e31710b86710c52710d86710e52710f5801000000627110680268035802000000693871118988877112527113284b0368074e4e4e4affffffff4affffffff4b00747114626809580800000011000000000000007115680b867116527117867118527119580100000063711a4b01580100000078711b86711c752e';

describe('unpickleNumpy', () => {
  it.each([
    ['protocol 4', SCALARS_PROTOCOL_4],
    ['protocol 2 (bytes through _codecs.encode)', SCALARS_PROTOCOL_2],
  ])('reads numpy scalars, tuples and dicts (as Maps), %s', (_name, hex) => {
    const value = unpickleNumpy(Buffer.from(hex, 'hex'));
    expect(value).toEqual(
      new Map<string, unknown>([
        ['a', 1.5],
        ['b', 17],
        ['c', [1, 'x']],
      ]),
    );
  });

  it('refuses globals a numpy data file does not use', () => {
    // pickle.dumps(os.system, protocol=2) names posix.system
    const pickle = Buffer.from('\x80\x02cposix\nsystem\nq\x00.', 'latin1');
    expect(() => unpickleNumpy(pickle)).toThrow(
      /names posix\.system, which a numpy data file does not use/,
    );
  });

  it('a truncated pickle is an error saying so', () => {
    const bytes = Buffer.from(SCALARS_PROTOCOL_4, 'hex');
    expect(() => unpickleNumpy(bytes.subarray(0, 60))).toThrow(/not a readable pickle/);
  });
});
