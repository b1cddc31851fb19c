import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readCsvRecords, readListLines } from './chestxray14-csv.js';

const dir = mkdtempSync(join(tmpdir(), 'headroom-csv-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function records(text: string) {
  const file = join(dir, 'x.csv');
  writeFileSync(file, text);
  const out = [];
  for await (const r of readCsvRecords(file)) out.push(r);
  return out;
}

describe('readCsvRecords', () => {
  it('splits quoted fields (commas, doubled quotes, line breaks inside), CRLF, a BOM and trailing commas', async () => {
    expect(
      await records('\uFEFFa,b,\r\n"x, y","say ""hi""",\r\n\r\n"two\nlines",z,\r\nlast,row'),
    ).toEqual([
      { line: 1, fields: ['a', 'b', ''] },
      { line: 2, fields: ['x, y', 'say "hi"', ''] },
      { line: 4, fields: ['two\nlines', 'z', ''] },
      { line: 6, fields: ['last', 'row'] },
    ]);
  });

  it('names the line of a quote left open', async () => {
    await expect(records('a,b\n"open,c\nd\n')).rejects.toThrow(
      /x\.csv:2: a quoted field is not closed before the end of the file/,
    );
  });
});

describe('readListLines', () => {
  it('gives trimmed non-blank lines with their numbers, CRLF or LF', async () => {
    const file = join(dir, 'list.txt');
    writeFileSync(file, 'a.png\r\n\r\n b.png \nc.png');
    const out = [];
    for await (const l of readListLines(file)) out.push(l);
    expect(out).toEqual([
      { line: 1, text: 'a.png' },
      { line: 3, text: 'b.png' },
      { line: 4, text: 'c.png' },
    ]);
  });
});
