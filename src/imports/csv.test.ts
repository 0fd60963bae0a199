import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { CsvParser, csvLine, type Delimiter, detectDelimiter, readCsv } from './csv.ts';

/** Every record of `text`, pushed in pieces of `piece` bytes (0 = all at once). */
function parse(text: string | Buffer, delimiter: Delimiter = ',', piece = 0) {
  const buf = Buffer.isBuffer(text) ? text : Buffer.from(text);
  const parser = new CsvParser({ delimiter });
  const out = [];
  if (piece === 0) out.push(...parser.push(buf));
  else for (let i = 0; i < buf.length; i += piece) out.push(...parser.push(buf.subarray(i, i + piece)));
  out.push(...parser.end());
  return out;
}
async function collect<T>(batches: AsyncIterable<T[]>): Promise<T[]> {
  const out: T[] = [];
  for await (const batch of batches) out.push(...batch);
  return out;
}
const cells = (text: string, delimiter: Delimiter = ',') => parse(text, delimiter).map((r) => r.cells);

describe('csv: RFC 4180 records', () => {
  test('given quoted fields with delimiters, escaped quotes and line breaks, then each field is read whole', () => {
    const text = 'name,note,city\r\n"Karimi, Ali","He said ""salam""","Line one\nline two"\r\nSara,,Shiraz\r\n';
    assert.deepEqual(cells(text), [
      ['name', 'note', 'city'],
      ['Karimi, Ali', 'He said "salam"', 'Line one\nline two'],
      ['Sara', '', 'Shiraz'],
    ]);
  });

  test('given a UTF-8 byte order mark, LF endings, blank lines and no final line break, then the BOM is skipped and blank lines are no records', () => {
    const text = '\uFEFFنام,شهر\n\nعلی,تهران\n\n\nسارا,شیراز';
    assert.deepEqual(cells(text), [['نام', 'شهر'], ['علی', 'تهران'], ['سارا', 'شیراز']]);
  });

  test('given ; and tab delimiters, then they are detected from the header (outside quotes) and used', () => {
    assert.equal(detectDelimiter('a;b;c\n1,5;2;3'), ';');
    assert.equal(detectDelimiter('a\tb\tc'), '\t');
    assert.equal(detectDelimiter('"x;y;z",b,c'), ',');
    assert.equal(detectDelimiter('\uFEFFsingle'), ',');
    assert.deepEqual(cells('a;b\n"1;2";3', ';'), [['a', 'b'], ['1;2', '3']]);
    assert.deepEqual(cells('a\tb\n"x\ty"\tz', '\t'), [['a', 'b'], ['x\ty', 'z']]);
  });

  test('given sloppy quoting, then quotes inside unquoted text are kept and text after a closing quote is appended', () => {
    assert.deepEqual(cells('a,b\n5" screen,"x"y\n'), [['a', 'b'], ['5" screen', 'xy']]);
    assert.deepEqual(cells('a,b,\n,,'), [['a', 'b', ''], ['', '', '']]);
    assert.deepEqual(cells('"",x\n'), [['', 'x']]);
  });

  test('given a quoted field never closed, then that last record carries an error', () => {
    const records = parse('a,b\n1,"open\n2,3\n');
    assert.equal(records.length, 2);
    assert.match(records[1]?.error ?? '', /not closed/);
  });

  test('given any split of the input into chunks, then the records, lines and offsets are the same as in one piece', () => {
    const text = '\uFEFFid,name,note\r\n1,"Ali ""A"" Karimi","multi\r\nline, with comma"\r\n2,سارا,\r\n\r\n3,"x",y\n4,z,"last ""q"""';
    const whole = parse(text);
    assert.equal(whole.length, 5);
    for (const piece of [1, 2, 3, 5, 7, 13]) assert.deepEqual(parse(text, ',', piece), whole, `pieces of ${piece} bytes`);
    assert.deepEqual(whole.map((r) => r.line), [1, 2, 4, 6, 7]);
    assert.deepEqual(whole.map((r) => r.nextLine), [2, 4, 5, 7, 8]);
  });

  test('given the byte offset after a record, when reading again from it, then the rest of the file comes back with the right line numbers', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vafa-csv-'));
    const file = path.join(dir, 'x.csv');
    fs.writeFileSync(file, 'h1,h2\n"a\nb",1\nc,2\nd,3\n');
    const all = await collect(readCsv(file, { delimiter: ',', highWaterMark: 4 }));
    assert.deepEqual(all.map((r) => r.cells[0]), ['h1', 'a\nb', 'c', 'd']);
    const second = all[1] as { end: number; nextLine: number };
    const rest = await collect(readCsv(file, { delimiter: ',', offset: second.end, line: second.nextLine }));
    assert.deepEqual(rest.map((r) => [r.cells[0], r.line]), [['c', 4], ['d', 5]]);
    fs.rmSync(dir, { recursive: true });
  });

  test('given values with quotes, commas, line breaks and formula prefixes, when written with csvLine, then they read back (formulas defused)', () => {
    const line = csvLine([3, 'a,b', 'say "hi"', 'two\nlines', '=1+2', '+989121234567', null]);
    assert.deepEqual(cells(line)[0], ['3', 'a,b', 'say "hi"', 'two\nlines', "'=1+2", '+989121234567', '']);
  });
});
