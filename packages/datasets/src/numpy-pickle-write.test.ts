import { describe, expect, it } from 'vitest';
import { PickledNdarray, unpickleNumpy } from './numpy-pickle.js';
import { pickleNumpy, type PicklableValue } from './numpy-pickle-write.js';

const f4 = PickledNdarray.of(
  '<f4',
  [2, 1, 2],
  new Uint8Array(Float32Array.from([1, 2.5, -3, 0]).buffer),
);
const SAMPLE = new Map<string, PicklableValue>([
  ['ints', [0, 255, 256, -1, 2 ** 31 - 1, -(2 ** 31), 2 ** 40, -(2 ** 40)]],
  ['float', 1.5],
  ['text', 'Walking 1 – é'],
  ['flags', [true, false, null]],
  ['bytes', new Uint8Array([0, 1, 254])],
  ['f4', f4],
  ['u1', PickledNdarray.of('|u1', [3], new Uint8Array([7, 8, 9]))],
  ['objects', PickledNdarray.of('|O', [2], ['a', { b: 1 }])],
  ['empty', [[], new Map()]],
]);

// pickleNumpy(SAMPLE). Python 3.11 + numpy 2.4, with warnings as errors, loads it with
// pickle.loads as {'ints': [0, 255, 256, -1, 2147483647, -2147483648, 1099511627776,
// -1099511627776], 'float': 1.5, 'text': 'Walking 1 – é',
// 'flags': [True, False, None], 'bytes': b'\x00\x01\xfe', 'f4': array([[[1., 2.5]], [[-3., 0.]]],
// dtype=float32), 'u1': array([7, 8, 9], dtype=uint8), 'objects': array(['a', {'b': 1}],
// dtype=object), 'empty': [[], {}]}, and pickletools.dis reads it through to STOP.
const SAMPLE_PICKLE =
  '80037d285804000000696e74735d284b004bff4a000100004affffffff4affffff7f4a000000808a060000000000018a060000000000ff655805000000666c6f6174473ff8000000000000580400000074657874581000000057616c6b696e67203120e2809320c3a95805000000666c6167735d2888894e655805000000627974657343030001fe58020000006634636e756d70792e636f72652e6d756c746961727261790a5f7265636f6e7374727563740a636e756d70790a6e6461727261790a4b00854301628752284b014b024b014b0287636e756d70790a64747970650a5802000000663489888752284b0358010000003c4e4e4e4affffffff4affffffff4b0074628943100000803f00002040000040c000000000746258020000007531636e756d70792e636f72652e6d756c746961727261790a5f7265636f6e7374727563740a636e756d70790a6e6461727261790a4b00854301628752284b014b0385636e756d70790a64747970650a5802000000753189888752284b0358010000007c4e4e4e4affffffff4affffffff4b007462894303070809746258070000006f626a65637473636e756d70792e636f72652e6d756c746961727261790a5f7265636f6e7374727563740a636e756d70790a6e6461727261790a4b00854301628752284b014b0285636e756d70790a64747970650a58020000004f3889888752284b0358010000007c4e4e4e4affffffff4affffffff4b3f7462895d285801000000617d285801000000624b01756574625805000000656d7074795d285d7d65752e';

describe('pickleNumpy', () => {
  it('writes the pickle Python and numpy load (protocol 3, numpy.core names)', () => {
    expect(Buffer.from(pickleNumpy(SAMPLE)).toString('hex')).toBe(SAMPLE_PICKLE);
  });

  it('round-trips through unpickleNumpy: dicts, lists, ints, strings and numpy arrays', () => {
    const back = unpickleNumpy(pickleNumpy(SAMPLE)) as Map<string, unknown>;
    // The last, -(2 ** 40) as LONG1, only Python checks (above): pickleparser 0.2.1 reads a
    // negative LONG1 as unsigned. numpy's files hold no such int.
    expect((back.get('ints') as unknown[]).slice(0, -1)).toEqual([
      0,
      255,
      256,
      -1,
      2 ** 31 - 1,
      -(2 ** 31),
      2 ** 40,
    ]);
    expect(back.get('text')).toBe('Walking 1 – é');
    expect(back.get('flags')).toEqual([true, false, null]);
    const array = back.get('f4') as PickledNdarray;
    expect(array).toBeInstanceOf(PickledNdarray);
    expect({ dtype: array.dtype, shape: array.shape, fortranOrder: array.fortranOrder }).toEqual({
      dtype: '<f4',
      shape: [2, 1, 2],
      fortranOrder: false,
    });
    expect([...new Float32Array((array.data as Uint8Array).slice().buffer)]).toEqual([
      1, 2.5, -3, 0,
    ]);
    const objects = back.get('objects') as PickledNdarray;
    expect(objects.dtype).toBe('|O');
    expect(objects.data).toEqual(['a', new Map([['b', 1]])]);
  });

  it('refuses an array whose data does not fill its shape, naming where it is', () => {
    const short = PickledNdarray.of('<f4', [2, 3], new Uint8Array(20));
    expect(() => pickleNumpy({ poses: [short] })).toThrow(
      /value\["poses"\]\[0\] holds 5 items, but its shape \(2,3\) needs 6/,
    );
  });

  it('refuses values Python has no pickle for here', () => {
    expect(() => pickleNumpy({ when: new Date(0) as never })).toThrow(
      /value\["when"\] is an object \(Date\), which pickleNumpy does not write/,
    );
  });
});
