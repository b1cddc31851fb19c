import { PickledNdarray } from './numpy-pickle.js';

/**
 * Pickling what numpy's `np.save(allow_pickle=True)` stores for an object array: Python dicts,
 * lists, ints, strings and numpy arrays, which is what VideoPose3D's .npz files hold. No npm
 * package writes numpy's reconstructors (pickleparser only reads), so this writes the small subset
 * itself, as Python's `pickle.dumps(obj, protocol=3)` would, without the memo (optional for an
 * unpickler) and with numpy 1.x's global names (`numpy.core.multiarray`), which numpy 2 still
 * loads; protocol 3 is the first with a bytes opcode, so array data needs no `_codecs.encode`.
 *
 * A numpy array is pickled as numpy's `ndarray.__reduce__` does:
 * `_reconstruct(ndarray, (0,), b'b')` then BUILD with `(1, shape, dtype, is_fortran, data)`,
 * `data` the raw bytes or, for an object array, the list of its items; a dtype as
 * `dtype(name, False, True)` then BUILD with `(3, byteorder, None, None, None, -1, -1, flags)`.
 */

/**
 * What can be pickled: `null` is None; integral numbers (and bigints) are ints, other numbers
 * floats; Uint8Array is bytes; arrays are lists; Maps and plain objects are dicts;
 * `PickledNdarray` is a numpy array.
 */
export type PicklableValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | PickledNdarray
  | readonly PicklableValue[]
  | ReadonlyMap<string | number, PicklableValue>
  | { readonly [key: string]: PicklableValue };

// The opcodes used (CPython's Lib/pickle.py names).
const PROTO = 0x80;
const STOP = 0x2e; // .
const MARK = 0x28; // (
const TUPLE = 0x74; // t
const EMPTY_TUPLE = 0x29; // )
const TUPLE1 = 0x85;
const TUPLE2 = 0x86;
const TUPLE3 = 0x87;
const EMPTY_LIST = 0x5d; // ]
const APPENDS = 0x65; // e
const EMPTY_DICT = 0x7d; // }
const SETITEMS = 0x75; // u
const NONE = 0x4e; // N
const NEWTRUE = 0x88;
const NEWFALSE = 0x89;
const BININT1 = 0x4b; // K: unsigned byte
const BININT = 0x4a; // J: signed 32-bit little-endian
const LONG1 = 0x8a; // length byte + two's complement little-endian
const BINFLOAT = 0x47; // G: 64-bit big-endian
const BINUNICODE = 0x58; // X: uint32 length + utf-8
const SHORT_BINBYTES = 0x43; // C: byte length + bytes
const BINBYTES = 0x42; // B: uint32 length + bytes
const GLOBAL = 0x63; // c: "module\nname\n"
const REDUCE = 0x52; // R
const BUILD = 0x62; // b

const PROTOCOL = 3;
const MULTIARRAY = 'numpy.core.multiarray';
/** numpy's dtype flags for object arrays (NPY_OBJECT_DTYPE_FLAGS); 0 for plain numbers. */
const OBJECT_DTYPE_FLAGS = 63;
/** dtype kinds of plain numbers: float, signed and unsigned int, bool. */
const NUMBER_KINDS = new Set(['f', 'i', 'u', 'b']);

/** Pickles `value`; throws an Error naming what cannot be pickled. */
export function pickleNumpy(value: PicklableValue): Uint8Array {
  const out = new ByteWriter();
  out.byte(PROTO, PROTOCOL);
  writeValue(out, value, 'value');
  out.byte(STOP);
  return out.bytes();
}

/** A Python tuple, written only inside numpy's reduce and state tuples. */
class Tuple {
  constructor(readonly items: readonly TupleItem[]) {}
}
/** A function item writes its own opcodes (a dtype inside an array's state tuple). */
type TupleItem = PicklableValue | Tuple | (() => void);

function writeValue(out: ByteWriter, value: PicklableValue | Tuple, path: string): void {
  if (value === null) out.byte(NONE);
  else if (value === true) out.byte(NEWTRUE);
  else if (value === false) out.byte(NEWFALSE);
  else if (typeof value === 'bigint') writeInt(out, value);
  else if (typeof value === 'number') {
    if (Number.isSafeInteger(value)) writeInt(out, BigInt(value));
    else {
      out.byte(BINFLOAT);
      out.float64BE(value);
    }
  } else if (typeof value === 'string') {
    const utf8 = new TextEncoder().encode(value);
    out.byte(BINUNICODE);
    out.uint32(utf8.length);
    out.write(utf8);
  } else if (value instanceof Uint8Array) writeBytes(out, value, path);
  else if (value instanceof PickledNdarray) writeNdarray(out, value, path);
  else if (value instanceof Tuple) writeTuple(out, value, path);
  else if (Array.isArray(value)) {
    out.byte(EMPTY_LIST);
    if (value.length > 0) {
      out.byte(MARK);
      value.forEach((item: PicklableValue, i) => writeValue(out, item, `${path}[${i}]`));
      out.byte(APPENDS);
    }
  } else if (value instanceof Map) {
    writeDict(out, [...(value as ReadonlyMap<string | number, PicklableValue>)], path);
  } else if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    writeDict(out, Object.entries(value as Record<string, PicklableValue>), path);
  } else {
    throw new Error(`${path} is ${describe(value)}, which pickleNumpy does not write`);
  }
}

function writeDict(
  out: ByteWriter,
  entries: ReadonlyArray<readonly [string | number, PicklableValue]>,
  path: string,
): void {
  out.byte(EMPTY_DICT);
  if (entries.length === 0) return;
  out.byte(MARK);
  for (const [key, item] of entries) {
    writeValue(out, key, `${path} key`);
    writeValue(out, item, `${path}[${JSON.stringify(key)}]`);
  }
  out.byte(SETITEMS);
}

function writeTuple(out: ByteWriter, tuple: Tuple, path: string): void {
  const { items } = tuple;
  const writeItem = (item: TupleItem, i: number) =>
    typeof item === 'function' ? item() : writeValue(out, item, `${path}[${i}]`);
  if (items.length === 0) out.byte(EMPTY_TUPLE);
  else if (items.length <= 3) {
    items.forEach(writeItem);
    out.byte([TUPLE1, TUPLE2, TUPLE3][items.length - 1]!);
  } else {
    out.byte(MARK);
    items.forEach(writeItem);
    out.byte(TUPLE);
  }
}

/** Python's int: BININT1 / BININT when they fit, else LONG1 (protocol 2's arbitrary-size int). */
function writeInt(out: ByteWriter, n: bigint): void {
  if (n >= 0n && n < 256n) out.byte(BININT1, Number(n));
  else if (n >= -(2n ** 31n) && n < 2n ** 31n) {
    out.byte(BININT);
    out.int32(Number(n));
  } else {
    const bytes: number[] = [];
    let rest = n;
    // Little-endian two's complement, as short as keeps the sign bit right.
    do {
      bytes.push(Number(rest & 0xffn));
      rest >>= 8n;
    } while (!((rest === 0n && bytes.at(-1)! < 0x80) || (rest === -1n && bytes.at(-1)! >= 0x80)));
    out.byte(LONG1, bytes.length);
    out.write(Uint8Array.from(bytes));
  }
}

function writeBytes(out: ByteWriter, bytes: Uint8Array, path: string): void {
  if (bytes.length < 256) out.byte(SHORT_BINBYTES, bytes.length);
  else if (bytes.length <= 0xffffffff) {
    out.byte(BINBYTES);
    out.uint32(bytes.length);
  } else {
    throw new Error(`${path} holds ${bytes.length} bytes; pickle protocol 3 stores at most 4 GiB`);
  }
  out.write(bytes);
}

function writeGlobal(out: ByteWriter, module: string, name: string): void {
  out.byte(GLOBAL);
  out.write(new TextEncoder().encode(`${module}\n${name}\n`));
}

function writeNdarray(out: ByteWriter, array: PickledNdarray, path: string): void {
  const { shape, dtype, fortranOrder, data } = array;
  const match = /^([<>|])([a-zA-Z])(\d+)?$/.exec(dtype);
  const isObject = dtype === '|O';
  const kind = match?.[2];
  const itemSize = Number(match?.[3]);
  if (!isObject && (kind === undefined || !NUMBER_KINDS.has(kind) || !(itemSize > 0))) {
    throw new Error(
      `${path} has dtype ${JSON.stringify(dtype)}; pickleNumpy writes <f4, <f8, <i4, <i8, |u1, |b1 and the like, or |O`,
    );
  }
  if (!shape.every((n) => Number.isSafeInteger(n) && n >= 0)) {
    throw new Error(`${path} has shape (${shape.join(',')}), which is not a tuple of sizes`);
  }
  const count = shape.reduce((a, b) => a * b, 1);
  if (isObject ? !Array.isArray(data) : !(data instanceof Uint8Array)) {
    throw new Error(
      `${path}: a ${dtype} array holds ${isObject ? 'a list of items' : 'raw bytes'}, not ${describe(data)}`,
    );
  }
  const length = Array.isArray(data) ? data.length : data.length / itemSize;
  if (length !== count) {
    throw new Error(
      `${path} holds ${length} items, but its shape (${shape.join(',')}) needs ${count}`,
    );
  }

  // _reconstruct(ndarray, (0,), b'b'): an empty array that BUILD fills in.
  writeGlobal(out, MULTIARRAY, '_reconstruct');
  writeGlobal(out, 'numpy', 'ndarray');
  writeTuple(out, new Tuple([0]), path);
  writeBytes(out, new Uint8Array([0x62]), path);
  out.byte(TUPLE3, REDUCE);
  const writeDtype = () => {
    // dtype('f4', False, True) + BUILD (3, '<', None, None, None, -1, -1, flags)
    writeGlobal(out, 'numpy', 'dtype');
    writeTuple(out, new Tuple([isObject ? 'O8' : `${kind}${itemSize}`, false, true]), path);
    out.byte(REDUCE);
    const byteOrder = isObject || itemSize === 1 ? '|' : match![1]!;
    const flags = isObject ? OBJECT_DTYPE_FLAGS : 0;
    writeTuple(out, new Tuple([3, byteOrder, null, null, null, -1, -1, flags]), path);
    out.byte(BUILD);
  };
  const dataValue = data as Uint8Array | PicklableValue[];
  writeTuple(out, new Tuple([1, new Tuple(shape), writeDtype, fortranOrder, dataValue]), path);
  out.byte(BUILD);
}

function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'object') return `an object (${value?.constructor?.name ?? 'null'})`;
  return `a ${typeof value}`;
}

/** A growable byte buffer. */
class ByteWriter {
  private buffer = new Uint8Array(1 << 16);
  private view = new DataView(this.buffer.buffer);
  private length = 0;

  byte(...values: number[]): void {
    this.reserve(values.length);
    for (const v of values) this.buffer[this.length++] = v;
  }

  uint32(n: number): void {
    this.reserve(4);
    this.view.setUint32(this.length, n, true);
    this.length += 4;
  }

  int32(n: number): void {
    this.reserve(4);
    this.view.setInt32(this.length, n, true);
    this.length += 4;
  }

  float64BE(x: number): void {
    this.reserve(8);
    this.view.setFloat64(this.length, x, false);
    this.length += 8;
  }

  write(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    this.buffer.set(bytes, this.length);
    this.length += bytes.length;
  }

  bytes(): Uint8Array {
    return this.buffer.subarray(0, this.length);
  }

  private reserve(n: number): void {
    if (this.length + n <= this.buffer.length) return;
    let size = this.buffer.length * 2;
    while (size < this.length + n) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.buffer.subarray(0, this.length));
    this.buffer = grown;
    this.view = new DataView(grown.buffer);
  }
}
