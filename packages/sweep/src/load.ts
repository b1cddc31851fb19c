/**
 * Sweep files as text, for apps (also `@headroom/sweep/load`). Reading the file stays
 * with the caller, so this has no I/O.
 */
import { HeadroomError } from '@headroom/errors';
import { parseDocument, type YAMLError } from 'yaml';
import { parseSweepSpec, type SweepSpec } from './spec';

const TOO_DEEP =
  'nested too deeply to read; a sweep file needs a few levels (parameters of parameters at most)';

function describeYamlError(error: YAMLError): string {
  if (error.code === 'MULTIPLE_DOCS')
    return "a sweep file holds one document; remove the second '---'";
  // The parser recursed past the stack: not a message for a user.
  if (error.message.includes('Maximum call stack size exceeded')) return TOO_DEEP;
  // yaml appends the position and a code excerpt; the path already gives the position.
  const first = error.message.split('\n')[0] ?? error.message;
  return first.replace(/ at line \d+, column \d+:?$/, '');
}

/**
 * Parses a sweep file's text (YAML, or JSON, which YAML reads too) and validates it.
 * Throws `HeadroomError` INVALID_SPEC naming `source` and the line of a syntax error, or
 * listing every violation of the spec.
 *
 * Numbers keep the type they are written with, as W&B (PyYAML) reads them: `1` is an integer,
 * `1.0` a float, so `{ min: 1.0, max: 3.0 }` is uniform and `{ min: 1, max: 3 }` int_uniform.
 * YAML 1.2 (this parser) reads `1e-3` as the float 0.001; PyYAML (YAML 1.1) reads it as the
 * string '1e-3' and needs `1.0e-3`. Headroom takes the number, which is what the writer meant.
 */
export function parseSweepText(text: string, source = 'sweep file'): SweepSpec {
  const doc = parseDocument(text, { intAsBigInt: true });
  if (doc.errors.length > 0) {
    // Nesting past the stack fails at every level on the way out: report its first place only.
    const tooDeep = doc.errors.findIndex((e) => describeYamlError(e) === TOO_DEEP);
    const errors = doc.errors.filter((e, i) => i === tooDeep || describeYamlError(e) !== TOO_DEEP);
    throw HeadroomError.invalid(
      'INVALID_SPEC',
      source,
      errors.map((error) => {
        const pos = error.linePos?.[0];
        return {
          path: pos ? `${source}:${pos.line}:${pos.col}` : source,
          message: describeYamlError(error),
        };
      }),
    );
  }
  if (doc.contents === null) {
    throw HeadroomError.invalid('INVALID_SPEC', source, [
      {
        path: source,
        message:
          'the file is empty; a sweep file is a mapping with method, parameters and task (with name and dataset) or program',
      },
    ]);
  }
  let value: unknown;
  try {
    value = doc.toJS();
  } catch (err) {
    // yaml refuses aliases that expand past its limit (a "billion laughs" document).
    throw HeadroomError.invalid('INVALID_SPEC', source, [
      {
        path: source,
        message:
          err instanceof RangeError
            ? TOO_DEEP
            : 'its aliases (*name) expand to too many values; write the values out instead',
      },
    ]);
  }
  try {
    return parseSweepSpec(value, source, { integers: 'bigint' });
  } catch (err) {
    if (err instanceof RangeError)
      throw HeadroomError.invalid('INVALID_SPEC', source, [{ path: source, message: TOO_DEEP }]);
    throw err;
  }
}
