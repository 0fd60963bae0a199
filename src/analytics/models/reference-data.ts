/**
 * Test support: reads the published reference data in ../shared/data (see REFERENCE.md there).
 * Tests that need it skip with `referenceDataMissing` as the reason when the folder is absent.
 */
import fs from 'node:fs';
import path from 'node:path';

export const referenceDataDir = process.env.VAFA_REFERENCE_DATA_DIR ?? path.join(import.meta.dirname, '../../../../shared/data');

export function referenceFile(relative: string): string {
  return path.join(referenceDataDir, relative);
}

/** The skip option for node:test: false when the file exists, else a message saying what is missing. */
export function skipUnlessPresent(relative: string): false | string {
  return fs.existsSync(referenceFile(relative)) ? false : `CDNOW data not found under ${referenceDataDir} (../shared/data is absent): ${relative}`;
}

/** A small CSV (header row, comma-separated numbers or plain text, CRLF or LF) as columns. */
export function readCsvColumns(relative: string): Record<string, string[]> {
  const lines = fs.readFileSync(referenceFile(relative), 'utf8').split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = lines[0]!.split(',').map((h) => h.trim());
  const columns: Record<string, string[]> = Object.fromEntries(header.map((h) => [h, [] as string[]]));
  for (const line of lines.slice(1)) {
    const cells = line.split(',');
    header.forEach((h, i) => {
      columns[h]!.push((cells[i] ?? '').trim());
    });
  }
  return columns;
}

export function numbers(column: string[] | undefined): Float64Array {
  if (!column) throw new Error('missing column');
  return Float64Array.from(column, Number);
}
