/**
 * The .npy format (numpy's `format.py`, versions 1–3): a magic string, a little-endian header
 * length, a Python-literal header dict `{'descr': …, 'fortran_order': …, 'shape': (…), }`, then
 * the raw data, or a pickle of the whole array when `descr` is `|O`. Small enough to read and
 * write here; the body is returned as a view, never copied.
 */

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

export interface NpyEntry {
  /** numpy's dtype string as written, e.g. `<f4`, `|O`. */
  readonly descr: string;
  readonly fortranOrder: boolean;
  readonly shape: readonly number[];
  /** The bytes after the header: raw data, or a pickle when `descr` is `|O`. */
  readonly body: Uint8Array;
}

/** Parses one .npy; throws an Error whose message says what is wrong (the caller names the file). */
export function parseNpy(bytes: Uint8Array): NpyEntry {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new Error('not a .npy entry (no \\x93NUMPY magic)');
  }
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLength: number;
  let headerStart: number;
  if (major === 1) {
    headerLength = view.getUint16(8, true);
    headerStart = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) throw new Error('.npy header is truncated');
    headerLength = view.getUint32(8, true);
    headerStart = 12;
  } else {
    throw new Error(`unsupported .npy format version ${String(major)}; expected 1, 2 or 3`);
  }
  const bodyStart = headerStart + headerLength;
  if (bodyStart > bytes.length) throw new Error('.npy header is truncated');
  // Version 3 allows utf-8 in the header; 1 and 2 are latin1, which utf-8 decodes alike for ASCII.
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(
    bytes.subarray(headerStart, bodyStart),
  );
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw new Error(
      `.npy header ${JSON.stringify(header.trim())} lacks descr, fortran_order or shape`,
    );
  }
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => {
      const n = Number(s.replace(/L$/, ''));
      if (!Number.isInteger(n) || n < 0)
        throw new Error(`.npy shape (${shapeText}) is not a tuple of sizes`);
      return n;
    });
  return { descr, fortranOrder: fortran === 'True', shape, body: bytes.subarray(bodyStart) };
}

/** numpy's `ARRAY_ALIGN`: the header is padded so the data starts at a multiple of 64 bytes. */
const ARRAY_ALIGN = 64;
/** numpy's `GROWTH_AXIS_MAX_DIGITS`: room left in the header for the first axis to grow. */
const GROWTH_AXIS_MAX_DIGITS = 21;

/**
 * One .npy file, byte for byte as numpy's `format.write_array` writes it: version 1.0 (2.0 only
 * if the header outgrows 65535 bytes), the header dict with sorted keys and a Python tuple for the
 * shape, spare spaces for the growth axis, padded with spaces to a multiple of 64 bytes, ending in
 * a newline. `body` is written as given (raw little-endian data, or the pickle when `descr` is
 * `|O`).
 */
export function formatNpy(entry: NpyEntry): Uint8Array {
  const { descr, fortranOrder, shape, body } = entry;
  if (!/^[ -~]+$/.test(descr) || descr.includes("'")) {
    throw new Error(`.npy descr ${JSON.stringify(descr)} is not a numpy dtype string`);
  }
  if (!shape.every((n) => Number.isSafeInteger(n) && n >= 0)) {
    throw new Error(`.npy shape (${shape.join(', ')}) is not a tuple of sizes`);
  }
  // Python's repr of a tuple: (), (3,), (3, 32, 3).
  const tuple = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': ${fortranOrder ? 'True' : 'False'}, 'shape': ${tuple}, }`;
  if (shape.length > 0) {
    const growthAxis = fortranOrder ? shape[shape.length - 1]! : shape[0]!;
    header += ' '.repeat(GROWTH_AXIS_MAX_DIGITS - String(growthAxis).length);
  }
  // Version 1.0 stores the padded header's length in 2 bytes; 2.0 in 4. Like numpy, the padding
  // is never empty: a header already aligned gets 64 spaces.
  const padded = (prefix: number) =>
    header + ' '.repeat(ARRAY_ALIGN - ((prefix + header.length + 1) % ARRAY_ALIGN)) + '\n';
  const major = padded(10).length <= 0xffff ? 1 : 2;
  const prefix = major === 1 ? 10 : 12;
  header = padded(prefix);
  const out = new Uint8Array(prefix + header.length + body.length);
  out.set(MAGIC);
  out[6] = major;
  out[7] = 0;
  const view = new DataView(out.buffer);
  if (major === 1) view.setUint16(8, header.length, true);
  else view.setUint32(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[prefix + i] = header.charCodeAt(i);
  out.set(body, prefix + header.length);
  return out;
}
