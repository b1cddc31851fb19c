import { createReadStream } from 'node:fs';
import { HeadroomError, isHeadroomError } from '@headroom/errors';

/**
 * The CSV reading of ChestX-ray14: RFC 4180 records (quoted fields, doubled quotes, CRLF or LF,
 * a quoted field may span lines), streamed so the 112,120-row file is never held whole.
 */

/** One record of a CSV file, with the line it starts on (1-based, the header is line 1). */
export interface CsvRecord {
  line: number;
  fields: string[];
}

/** The records of a CSV file; blank lines are skipped. A missing file is a DATA error naming it. */
export async function* readCsvRecords(file: string): AsyncGenerator<CsvRecord, void, undefined> {
  const stream = createReadStream(file, { encoding: 'utf8' });
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  // A quote just closed inside a quoted field: a second one is a literal quote.
  let quoteClosed = false;
  let line = 1;
  let start = 1;
  let first = true;
  let pending = false;
  const endRecord = (): CsvRecord | undefined => {
    fields.push(field);
    const record = { line: start, fields };
    fields = [];
    field = '';
    pending = false;
    // A blank line is one empty field.
    return record.fields.length === 1 && record.fields[0] === '' ? undefined : record;
  };
  try {
    for await (const chunk of stream as AsyncIterable<string>) {
      let text = chunk;
      if (first) {
        first = false;
        if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      }
      for (let i = 0; i < text.length; i++) {
        const c = text[i] as string;
        if (quoted) {
          if (c === '"') {
            quoted = false;
            quoteClosed = true;
          } else {
            if (c === '\n') line++;
            field += c;
          }
          continue;
        }
        if (c === '"') {
          // `""` inside a quoted field is a quote; a quote opening a field starts quoting.
          if (quoteClosed) field += '"';
          quoted = true;
          quoteClosed = false;
          pending = true;
          continue;
        }
        quoteClosed = false;
        if (c === ',') {
          fields.push(field);
          field = '';
          pending = true;
        } else if (c === '\n') {
          const record = endRecord();
          if (record) yield record;
          line++;
          start = line;
        } else if (c !== '\r') {
          field += c;
          pending = true;
        }
      }
    }
  } catch (err) {
    throw unreadable(file, err);
  }
  if (quoted) {
    throw new HeadroomError(
      'DATA',
      `${file}:${start}: a quoted field is not closed before the end of the file: close it with "`,
    );
  }
  if (pending) {
    const record = endRecord();
    if (record) yield record;
  }
}

/** The lines of a text file, trimmed, blank ones skipped, with their 1-based line numbers. */
export async function* readListLines(
  file: string,
): AsyncGenerator<{ line: number; text: string }, void, undefined> {
  const stream = createReadStream(file, { encoding: 'utf8' });
  let rest = '';
  let line = 0;
  try {
    for await (const chunk of stream as AsyncIterable<string>) {
      const parts = (rest + chunk).split('\n');
      rest = parts.pop() as string;
      for (const part of parts) {
        line++;
        const text = part.replace(/^\uFEFF/, '').trim();
        if (text) yield { line, text };
      }
    }
  } catch (err) {
    throw unreadable(file, err);
  }
  const text = rest.replace(/^\uFEFF/, '').trim();
  if (text) yield { line: line + 1, text };
}

/** A file that cannot be read, as the DATA error naming it (a DATA error from parsing passes as is). */
function unreadable(file: string, err: unknown): HeadroomError {
  if (isHeadroomError(err)) return err;
  const code = (err as NodeJS.ErrnoException).code;
  return new HeadroomError(
    'DATA',
    code === 'ENOENT'
      ? `${file} does not exist`
      : `${file} cannot be read (${(err as Error).message})`,
  );
}
