import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { CsvParser, type Delimiter, detectDelimiter, readHead } from './csv.ts';

/** What an import needs to know about a file before reading its rows. */
export interface FileFacts {
  sha256: string;
  bytes: number;
  delimiter: Delimiter;
  header: string[];
  /** Data rows (non-empty records after the header). */
  rowsTotal: number;
}

/**
 * Reads the whole file once: its SHA-256 (a re-run of the same file finds its unfinished
 * import by it), the delimiter, the header and the number of data rows (for progress and ETA).
 */
export async function inspectFile(file: string, delimiter?: Delimiter): Promise<FileFacts> {
  const head = await readHead(file);
  const used = delimiter ?? detectDelimiter(head.toString('utf8'));
  const hash = createHash('sha256');
  const parser = new CsvParser({ delimiter: used });
  let header: string[] | undefined;
  let records = 0;
  let bytes = 0;
  const count = (recs: { cells: string[] }[]) => {
    for (const r of recs) {
      if (!header) header = r.cells.map((c) => c.trim());
      else if (r.cells.some((c) => c.trim() !== '')) records++;
    }
  };
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1024 * 1024 })) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
    count(parser.push(chunk as Buffer));
  }
  count(parser.end());
  return { sha256: hash.digest('hex'), bytes, delimiter: used, header: header ?? [], rowsTotal: records };
}
