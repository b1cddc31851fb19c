import { readFileSync } from 'node:fs';
import { invalidInput } from './coco-check.js';
import { locateJsonSyntaxError } from './json-syntax.js';

/** Reads and parses a JSON file; every failure names the file and says what was expected. */
export function readJsonFile(path: string, expected: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw invalidInput(path, '', `file not found; expected ${expected}`);
    if (code === 'EISDIR')
      throw invalidInput(path, '', `is a directory; expected a JSON file with ${expected}`);
    throw invalidInput(path, '', `cannot be read (${code ?? (err as Error).message})`);
  }
  // Editors on Windows may save a byte-order mark, which JSON.parse rejects.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    const where = locateJsonSyntaxError(text);
    const detail = where
      ? `${where.reason} at line ${where.line}, column ${where.column}`
      : (err as Error).message;
    throw invalidInput(path, '', `not valid JSON (${detail}); expected ${expected}`);
  }
}
