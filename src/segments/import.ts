import { sql } from 'kysely';
import type { Db } from '../database.ts';
import { CsvParser, detectDelimiter } from '../imports/csv.ts';
import { invalid } from '../platform/errors.ts';
import { toE164 } from '../platform/text/phone.ts';
import { addMembers } from './membership.ts';

export type MatchBy = 'external_id' | 'email' | 'phone';

export interface ImportReport {
  rows: number;
  matched: number;
  added: number;
  alreadyMembers: number;
  unmatchedCount: number;
  unmatched: { line: number; value: string; reason: string }[];
  /** The customers added, for the listeners. */
  addedIds: string[];
}

const MAX_LISTED = 500;
const BATCH = 1000;

/**
 * Fills a manual segment from a CSV: the first row is the header, `column` (default: the first)
 * holds an external id, an email or a phone in any form people type (0912…, +98…, Persian digits).
 * Every row is matched against live customers; what does not match is reported with its line.
 * Runs inside the caller's transaction, which holds the segment's lock.
 */
export async function importMembers(
  tx: Db,
  p: { workspaceId: string; segmentId: string; csv: Buffer; matchBy: MatchBy; column?: string | undefined; defaultCountry: string },
): Promise<ImportReport> {
  const parser = new CsvParser({ delimiter: detectDelimiter(p.csv.subarray(0, 64 * 1024).toString('utf8')) });
  // Blank lines (a trailing one, spreadsheet padding) are not rows.
  const records = [...parser.push(p.csv), ...parser.end()].filter((r) => r.cells.some((cell) => cell.trim() !== ''));
  const header = records.shift();
  if (!header) throw invalid('body', 'The CSV file has no header row');
  const wanted = p.column?.trim().toLowerCase();
  const index = wanted === undefined ? 0 : header.cells.findIndex((h) => h.trim().toLowerCase() === wanted);
  if (index < 0) throw invalid('column', `no column ${JSON.stringify(p.column)} in the header (${header.cells.join(', ')})`);

  const unmatched: ImportReport['unmatched'] = [];
  let unmatchedCount = 0;
  const miss = (line: number, value: string, reason: string) => {
    unmatchedCount++;
    if (unmatched.length < MAX_LISTED) unmatched.push({ line, value, reason });
  };
  const wantedRows: { line: number; raw: string; key: string }[] = [];
  for (const record of records) {
    const raw = (record.cells[index] ?? '').trim();
    if (record.error) miss(record.line, raw, record.error);
    else if (!raw) miss(record.line, raw, 'empty');
    else if (p.matchBy === 'phone') {
      const e164 = toE164(raw, p.defaultCountry);
      if (e164.ok) wantedRows.push({ line: record.line, raw, key: e164.value });
      else miss(record.line, raw, e164.error);
    } else wantedRows.push({ line: record.line, raw, key: p.matchBy === 'email' ? raw.toLowerCase() : raw });
  }

  const customersByKey = new Map<string, string[]>();
  const keys = [...new Set(wantedRows.map((r) => r.key))];
  for (let i = 0; i < keys.length; i += BATCH) {
    const chunk = keys.slice(i, i + BATCH);
    const found = await sql<{ key: string; id: string }>`
      select k.key, c.id::text as id
      from customers c
      cross join lateral unnest(${p.matchBy === 'external_id' ? sql`array[c.external_id]` : p.matchBy === 'email' ? sql`c.emails` : sql`c.phones`}) as k(key)
      where c.workspace_id = ${p.workspaceId}::uuid and c.merged_into is null and c.erased_at is null
        and ${p.matchBy === 'external_id' ? sql`c.external_id = any(${chunk}::text[])` : p.matchBy === 'email' ? sql`c.emails && ${chunk}::text[]` : sql`c.phones && ${chunk}::text[]`}
        and k.key = any(${chunk}::text[])`.execute(tx);
    for (const row of found.rows) customersByKey.set(row.key, [...(customersByKey.get(row.key) ?? []), row.id]);
  }

  const matchedIds = new Set<string>();
  let matched = 0;
  for (const row of wantedRows) {
    const ids = customersByKey.get(row.key);
    if (!ids) miss(row.line, row.raw, `no customer with this ${p.matchBy.replace('_', ' ')}`);
    else {
      matched++;
      for (const id of ids) matchedIds.add(id);
    }
  }
  const all = [...matchedIds];
  const addedIds: string[] = [];
  for (let i = 0; i < all.length; i += BATCH) {
    addedIds.push(...(await addMembers(tx, { workspaceId: p.workspaceId, segmentId: p.segmentId, customerIds: all.slice(i, i + BATCH), cause: 'import' })));
  }
  unmatched.sort((x, y) => x.line - y.line);
  return { rows: records.length, matched, added: addedIds.length, alreadyMembers: all.length - addedIds.length, unmatchedCount, unmatched, addedIds };
}
