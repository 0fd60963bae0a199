import fs from 'node:fs';

/**
 * A streaming CSV reader after RFC 4180 (https://www.rfc-editor.org/rfc/rfc4180): fields in
 * double quotes may hold the delimiter, line breaks and `""` (one quote); records end with CRLF
 * or LF; a UTF-8 byte order mark is skipped. It works on bytes, so every record knows the byte
 * offset where it ends: an import commits that offset and a resumed one starts reading there.
 *
 * Lenient where spreadsheets are sloppy: a quote inside an unquoted field is kept as text, text
 * after a closing quote is appended. A quoted field still open at the end of the file is an error
 * of that record. A lone CR (classic Mac line ending) is not a line break.
 *
 * @example
 * const parser = new CsvParser({ delimiter: ',' });
 * const records = [...parser.push(Buffer.from('a,"b ""c"""\n1,2')), ...parser.end()];
 * // → cells ['a', 'b "c"'] then ['1', '2']
 */
export interface CsvRecord {
  cells: string[];
  /** Physical line (1-based) the record starts on. */
  line: number;
  /** Byte offset just past the record and its line break. */
  end: number;
  /** The line the next record starts on. */
  nextLine: number;
  /** Why the record could not be read whole (its cells are what could be read). */
  error?: string;
}

export type Delimiter = ',' | ';' | '\t';
export const delimiters: readonly Delimiter[] = [',', ';', '\t'];

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;
/** A record larger than this is refused: a stray quote would otherwise swallow the whole file into memory. */
export const MAX_RECORD_BYTES = 1024 * 1024;

export class CsvParser {
  private pending: Buffer = Buffer.alloc(0);
  /** Absolute offset of pending[0] in the file. */
  private base: number;
  private line: number;
  private readonly delimiter: number;
  private readonly delimiterChar: string;
  private bomChecked: boolean;

  constructor(opts: { delimiter: Delimiter; offset?: number; line?: number }) {
    this.delimiterChar = opts.delimiter;
    this.delimiter = opts.delimiter.charCodeAt(0);
    this.base = opts.offset ?? 0;
    this.line = opts.line ?? 1;
    this.bomChecked = this.base !== 0;
  }

  /** Complete records in `chunk` (plus what was left over from the previous chunk). */
  push(chunk: Buffer): CsvRecord[] {
    const buf = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    return this.parse(buf, false);
  }

  /** The last record when the file does not end with a line break. */
  end(): CsvRecord[] {
    const buf = this.pending;
    this.pending = Buffer.alloc(0);
    return buf.length ? this.parse(buf, true) : [];
  }

  private parse(buf: Buffer, final: boolean): CsvRecord[] {
    const out: CsvRecord[] = [];
    let p = 0;
    if (!this.bomChecked) {
      if (buf.length < 3 && !final) {
        this.pending = Buffer.from(buf);
        return out;
      }
      if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) p = 3;
      this.bomChecked = true;
    }
    let nextQuote = buf.indexOf(QUOTE, p);
    while (p < buf.length) {
      const lf = buf.indexOf(LF, p);
      if (nextQuote !== -1 && nextQuote < p) nextQuote = buf.indexOf(QUOTE, p);
      if (lf !== -1 && (nextQuote === -1 || nextQuote > lf)) {
        // Fast path: no quote before the line break, so the line is the record.
        const stop = lf > p && buf[lf - 1] === CR ? lf - 1 : lf;
        if (stop > p) out.push({ cells: buf.toString('utf8', p, stop).split(this.delimiterChar), line: this.line, end: this.base + lf + 1, nextLine: this.line + 1 });
        this.line++;
        p = lf + 1;
        continue;
      }
      if (lf === -1 && nextQuote === -1 && !final) break;
      const record = this.parseQuoted(buf, p, final);
      if (!record) break;
      if (record.cells.length > 1 || record.cells[0] !== '' || record.quoted) {
        out.push({
          cells: record.cells,
          line: this.line,
          end: this.base + record.next,
          nextLine: this.line + record.lines,
          ...(record.error ? { error: record.error } : {}),
        });
      }
      this.line += record.lines;
      p = record.next;
    }
    if (p < buf.length && buf.length - p > MAX_RECORD_BYTES) {
      // One record past the limit: report it and drop the bytes read so far.
      out.push({ cells: [], line: this.line, end: this.base + buf.length, nextLine: this.line + 1, error: `a record is longer than ${MAX_RECORD_BYTES} bytes (an unclosed quote?)` });
      this.base += buf.length;
      this.pending = Buffer.alloc(0);
      return out;
    }
    this.pending = p < buf.length ? Buffer.from(buf.subarray(p)) : Buffer.alloc(0);
    this.base += p;
    return out;
  }

  /**
   * One record starting at `start` that has quotes, byte by byte. Returns undefined when the
   * buffer ends before the record does (and more data may come).
   */
  private parseQuoted(buf: Buffer, start: number, final: boolean) {
    const cells: string[] = [];
    let p = start;
    let lines = 0;
    let quoted = false;
    for (;;) {
      // One field.
      const parts: string[] = [];
      let segment = p;
      if (buf[p] === QUOTE) {
        quoted = true;
        p++;
        segment = p;
        for (;;) {
          const q = buf.indexOf(QUOTE, p);
          if (q === -1) {
            if (!final) return undefined;
            parts.push(buf.toString('utf8', segment, buf.length));
            lines += countLf(buf, segment, buf.length);
            cells.push(parts.join(''));
            return { cells, next: buf.length, lines: lines + 1, quoted, error: 'a quoted field is not closed before the end of the file' };
          }
          if (q + 1 >= buf.length && !final) return undefined;
          lines += countLf(buf, p, q);
          if (buf[q + 1] === QUOTE) {
            parts.push(buf.toString('utf8', segment, q + 1));
            p = q + 2;
            segment = p;
            continue;
          }
          parts.push(buf.toString('utf8', segment, q));
          p = q + 1;
          segment = p;
          break;
        }
      }
      // Unquoted text (or what follows a closing quote) up to the delimiter or line break.
      while (p < buf.length) {
        const c = buf[p];
        if (c === this.delimiter || c === LF || (c === CR && buf[p + 1] === LF)) break;
        if (c === CR && p + 1 >= buf.length && !final) return undefined;
        p++;
      }
      if (p > segment) parts.push(buf.toString('utf8', segment, p));
      cells.push(parts.length === 1 ? (parts[0] as string) : parts.join(''));
      if (p >= buf.length) {
        if (!final) return undefined;
        return { cells, next: p, lines: lines + 1, quoted };
      }
      const c = buf[p];
      if (c === this.delimiter) {
        p++;
        if (p >= buf.length && !final) return undefined;
        if (p >= buf.length) {
          cells.push('');
          return { cells, next: p, lines: lines + 1, quoted };
        }
        continue;
      }
      p += c === CR ? 2 : 1;
      return { cells, next: p, lines: lines + 1, quoted };
    }
  }
}

function countLf(buf: Buffer, from: number, to: number): number {
  let n = 0;
  for (let i = buf.indexOf(LF, from); i !== -1 && i < to; i = buf.indexOf(LF, i + 1)) n++;
  return n;
}

/**
 * The delimiter of a CSV from its first line: whichever of `,` `;` and tab occurs most often
 * outside quotes (`,` on a tie or when none does).
 */
export function detectDelimiter(head: string): Delimiter {
  const counts = new Map<Delimiter, number>(delimiters.map((d) => [d, 0]));
  let inQuotes = false;
  for (const ch of head.replace(/^\uFEFF/, '')) {
    if (ch === '"') inQuotes = !inQuotes;
    else if (!inQuotes && (ch === '\n' || ch === '\r')) break;
    else if (!inQuotes && counts.has(ch as Delimiter)) counts.set(ch as Delimiter, (counts.get(ch as Delimiter) ?? 0) + 1);
  }
  let best: Delimiter = ',';
  for (const d of delimiters) if ((counts.get(d) ?? 0) > (counts.get(best) ?? 0)) best = d;
  return best;
}

/** Reads the file's records from `offset` on, a batch of records per read of the file. */
export async function* readCsv(
  file: string,
  opts: { delimiter: Delimiter; offset?: number; line?: number; highWaterMark?: number },
): AsyncGenerator<CsvRecord[]> {
  const parser = new CsvParser(opts);
  const stream = fs.createReadStream(file, { start: opts.offset ?? 0, highWaterMark: opts.highWaterMark ?? 1024 * 1024 });
  for await (const chunk of stream) {
    const records = parser.push(chunk as Buffer);
    if (records.length) yield records;
  }
  const last = parser.end();
  if (last.length) yield last;
}

/** The first `bytes` of a file, for the header and delimiter. */
export async function readHead(file: string, bytes = 64 * 1024): Promise<Buffer> {
  const handle = await fs.promises.open(file, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buf, 0, bytes, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** One CSV line (RFC 4180 quoting where needed), with CRLF. */
export function csvLine(cells: readonly (string | number | null | undefined)[]): string {
  return `${cells.map((c) => csvCell(c)).join(',')}\r\n`;
}

function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  // A leading = + - @ would run as a formula in a spreadsheet (CSV injection): quote and prefix.
  const safe = /^[=@]/.test(text) || /^[+-][^\d\s(]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) || safe !== text ? `"${safe.replace(/"/g, '""')}"` : safe;
}
