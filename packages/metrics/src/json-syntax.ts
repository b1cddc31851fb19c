/**
 * Finds where a JSON text first goes wrong. Only used after `JSON.parse` has failed:
 * V8's messages often carry no position at all ("Unexpected token '}', ... is not
 * valid JSON"), and a user fixing a hand-edited file needs a line and column.
 */

export interface JsonSyntaxError {
  /** 1-based line of the offending character. */
  line: number;
  /** 1-based column of the offending character. */
  column: number;
  /** What is wrong there, e.g. "unexpected '}'". */
  reason: string;
}

type Mode = 'value' | 'valueOrClose' | 'keyOrClose' | 'key' | 'after';

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const ESCAPES = '"\\/bfnrt';
const HEX4 = /[0-9a-fA-F]{4}/y;

/** The first syntax error in `text`, or undefined when it is valid JSON. Iterative, so deep nesting cannot overflow the stack. */
export function locateJsonSyntaxError(text: string): JsonSyntaxError | undefined {
  const stack: Array<'[' | '{'> = [];
  let i = 0;
  let mode: Mode = 'value';

  const fail = (reason: string, at = i): JsonSyntaxError => ({
    ...lineAndColumn(text, at),
    reason,
  });

  // Returns an error, or advances `i` past the string starting at text[i] === '"'.
  const scanString = (): JsonSyntaxError | undefined => {
    const start = i;
    i++;
    while (i < text.length) {
      const ch = text.charCodeAt(i);
      if (ch === 0x22) {
        i++;
        return undefined;
      }
      if (ch === 0x5c) {
        const next = text[i + 1];
        if (next === 'u') {
          HEX4.lastIndex = i + 2;
          if (!HEX4.test(text)) return fail('bad \\u escape in string');
          i += 6;
          continue;
        }
        if (next === undefined || !ESCAPES.includes(next)) return fail('bad escape in string');
        i += 2;
        continue;
      }
      if (ch < 0x20) return fail('unescaped control character in string');
      i++;
    }
    return fail('unterminated string', start);
  };

  for (;;) {
    while (i < text.length && ' \t\n\r'.includes(text[i] as string)) i++;
    if (i >= text.length) {
      return mode === 'after' && stack.length === 0 ? undefined : fail('unexpected end of file');
    }
    const ch = text[i] as string;

    if (mode === 'valueOrClose' && ch === ']') {
      stack.pop();
      i++;
      mode = 'after';
      continue;
    }
    if (mode === 'keyOrClose' && ch === '}') {
      stack.pop();
      i++;
      mode = 'after';
      continue;
    }

    if (mode === 'value' || mode === 'valueOrClose') {
      if (ch === '[' || ch === '{') {
        stack.push(ch);
        i++;
        mode = ch === '[' ? 'valueOrClose' : 'keyOrClose';
        continue;
      }
      if (ch === '"') {
        const err = scanString();
        if (err) return err;
        mode = 'after';
        continue;
      }
      if (ch === '-' || (ch >= '0' && ch <= '9')) {
        NUMBER.lastIndex = i;
        const m = NUMBER.exec(text);
        if (!m) return fail(`bad number`);
        i += m[0].length;
        mode = 'after';
        continue;
      }
      const literal = ['true', 'false', 'null'].find((w) => text.startsWith(w, i));
      if (literal) {
        i += literal.length;
        mode = 'after';
        continue;
      }
      return fail(`unexpected ${describe(ch)}, expected a value`);
    }

    if (mode === 'key' || mode === 'keyOrClose') {
      if (ch !== '"')
        return fail(`unexpected ${describe(ch)}, expected a double-quoted property name`);
      const err = scanString();
      if (err) return err;
      while (i < text.length && ' \t\n\r'.includes(text[i] as string)) i++;
      if (text[i] !== ':')
        return i >= text.length
          ? fail('unexpected end of file')
          : fail(`unexpected ${describe(text[i] as string)}, expected ':'`);
      i++;
      mode = 'value';
      continue;
    }

    // mode === 'after': a value just ended.
    const top = stack[stack.length - 1];
    if (top === undefined)
      return fail(`unexpected ${describe(ch)} after the end of the JSON value`);
    const close = top === '[' ? ']' : '}';
    if (ch === ',') {
      i++;
      mode = top === '[' ? 'value' : 'key';
      continue;
    }
    if (ch === close) {
      stack.pop();
      i++;
      continue;
    }
    return fail(`unexpected ${describe(ch)}, expected ',' or '${close}'`);
  }
}

function describe(ch: string): string {
  return `'${ch}'`;
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let k = 0; k < offset && k < text.length; k++) {
    if (text.charCodeAt(k) === 0x0a) {
      line++;
      lineStart = k + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}
