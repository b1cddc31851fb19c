import { NameRegistry, Parser } from 'pickleparser';

/**
 * Unpickling what numpy pickles: object arrays in .npy files (`np.save(allow_pickle=True)`),
 * whose items are Python dicts, lists, numbers, strings and more numpy arrays. pickleparser
 * runs the opcodes (protocols 0–5); this module gives it numpy's reconstructors, which is all
 * numpy-specific knowledge needed:
 *
 * - `numpy.core.multiarray._reconstruct` (numpy 1) / `numpy._core.multiarray._reconstruct`
 *   (numpy 2) + BUILD `(version, shape, dtype, is_fortran, data)`: data is the raw bytes, or a
 *   list of items for object arrays;
 * - `numpy.dtype(name, align, copy)` + BUILD `(version, byteorder, …)`;
 * - `numpy.core.multiarray.scalar(dtype, bytes)` for numpy scalars;
 * - `_codecs.encode(str, 'latin1')`: how protocol 2 (numpy 1.x's choice) pickles Python 3 bytes.
 *
 * Any other global is refused: a pickle naming one is not a numpy data file, and refusing keeps
 * unpickling free of arbitrary constructors.
 */

/** A numpy array as unpickled: raw little-endian bytes (a view) or, for object arrays, the items. */
export class PickledNdarray {
  /** An array to pickle (`pickleNumpy`): the same shape as one unpickled. */
  static of(
    dtype: string,
    shape: readonly number[],
    data: Uint8Array | unknown[],
    fortranOrder = false,
  ): PickledNdarray {
    return Object.assign(new PickledNdarray(), { dtype, shape, data, fortranOrder });
  }

  shape: readonly number[] = [];
  /** numpy's dtype string with byte order, e.g. `<f4`, `|O`. */
  dtype = '';
  fortranOrder = false;
  data: Uint8Array | unknown[] = [];

  __setstate__(state: unknown): void {
    if (!Array.isArray(state) || state.length !== 5) {
      throw new Error('numpy.ndarray state is not (version, shape, dtype, is_fortran, data)');
    }
    const [, shape, dtype, fortran, data] = state as [unknown, unknown, unknown, unknown, unknown];
    if (!Array.isArray(shape) || !shape.every((n) => Number.isInteger(n))) {
      throw new Error('numpy.ndarray shape is not a tuple of ints');
    }
    if (!(dtype instanceof PickledDtype))
      throw new Error('numpy.ndarray dtype is not a numpy.dtype');
    if (!(data instanceof Uint8Array) && !Array.isArray(data)) {
      throw new Error('numpy.ndarray data is neither bytes nor a list');
    }
    this.shape = shape as number[];
    this.dtype = dtype.str;
    this.fortranOrder = fortran === true;
    this.data = data;
  }
}

export class PickledDtype {
  private byteOrder = '|';
  constructor(readonly name: string) {}

  /** numpy's `dtype.str`: byte order then kind and size (`<f4`, `|O`, `|u1`). */
  get str(): string {
    const kindSize = this.name === 'O8' || this.name === 'O4' ? 'O' : this.name;
    return `${this.byteOrder}${kindSize}`;
  }

  __setstate__(state: unknown): void {
    if (Array.isArray(state) && typeof state[1] === 'string') {
      // '=' is native order; numpy files are read on little-endian machines here.
      this.byteOrder = state[1] === '=' ? '<' : state[1];
    }
  }
}

function reconstruct(cls: unknown): PickledNdarray {
  if (cls !== PickledNdarray)
    throw new Error('numpy _reconstruct of something other than numpy.ndarray');
  return new PickledNdarray();
}

function scalar(dtype: unknown, bytes: unknown): number | bigint | boolean {
  if (!(dtype instanceof PickledDtype) || !(bytes instanceof Uint8Array)) {
    throw new Error('numpy scalar is not (dtype, bytes)');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const little = !dtype.str.startsWith('>');
  switch (dtype.str.slice(1)) {
    case 'f4':
      return view.getFloat32(0, little);
    case 'f8':
      return view.getFloat64(0, little);
    case 'i1':
      return view.getInt8(0);
    case 'u1':
      return view.getUint8(0);
    case 'b1':
      return view.getUint8(0) !== 0;
    case 'i2':
      return view.getInt16(0, little);
    case 'u2':
      return view.getUint16(0, little);
    case 'i4':
      return view.getInt32(0, little);
    case 'u4':
      return view.getUint32(0, little);
    case 'i8': {
      const v = view.getBigInt64(0, little);
      return Number.isSafeInteger(Number(v)) ? Number(v) : v;
    }
    case 'u8': {
      const v = view.getBigUint64(0, little);
      return Number.isSafeInteger(Number(v)) ? Number(v) : v;
    }
    default:
      throw new Error(`numpy scalar of dtype ${dtype.str} is not supported`);
  }
}

function codecsEncode(text: unknown, encoding: unknown): Uint8Array {
  if (typeof text !== 'string' || encoding !== 'latin1') {
    throw new Error("_codecs.encode other than (str, 'latin1')");
  }
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

class NumpyNames extends NameRegistry {
  constructor() {
    super();
    for (const core of ['numpy.core.multiarray', 'numpy._core.multiarray']) {
      this.register(core, '_reconstruct', reconstruct);
      this.register(core, 'scalar', scalar);
    }
    this.register('numpy', 'ndarray', PickledNdarray);
    // Called through REDUCE, i.e. without `new`.
    this.register('numpy', 'dtype', (name: unknown) => {
      if (typeof name !== 'string') throw new Error('numpy.dtype name is not a string');
      return new PickledDtype(name);
    });
    this.register('_codecs', 'encode', codecsEncode);
  }

  override onMissingName(module: string, name: string): never {
    throw new Error(`the pickle names ${module}.${name}, which a numpy data file does not use`);
  }
}

/**
 * Unpickles `bytes` (Python dicts become Maps, tuples and lists arrays, bytes Uint8Array views
 * into `bytes`). Throws an Error saying what is wrong; the caller names the file.
 */
export function unpickleNumpy(bytes: Uint8Array): unknown {
  const parser = new Parser({ nameResolver: new NumpyNames(), unpicklingTypeOfDictionary: 'Map' });
  try {
    return parser.parse(bytes);
  } catch (err) {
    // pickleparser reads past the end as RangeError/undefined opcodes; say it plainly.
    const message = err instanceof Error ? err.message : String(err);
    throw new Error(`not a readable pickle (${message})`);
  }
}
