import { sql } from 'kysely';
import type { Db } from '../database.ts';
import type { RowError, SourceRow } from './rows.ts';

/** What the rows of an import did, by name: created, updated, ordersCreated … */
export type Counts = Record<string, number>;

export const addCounts = (into: Counts, from: Counts): Counts => {
  for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
  return into;
};

/**
 * One kind of import (customers, orders): turns a chunk of rows into valid records and row
 * errors (pure, no I/O), then writes the valid ones inside the chunk's transaction.
 */
export interface ChunkProcessor<Valid> {
  validate(rows: SourceRow[]): { valid: Valid[]; errors: RowError[] };
  /** Counts of what a dry run would do (no writes). */
  dryCounts?(valid: Valid[]): Counts;
  write(tx: Db, valid: Valid[]): Promise<Counts>;
  /** The chunk's transaction committed: what it created may now be remembered across chunks. */
  committed(): void;
  /** May a chunk end between these two rows? (An order's line rows stay in one chunk.) */
  canSplit?(before: SourceRow, after: SourceRow): boolean;
}

/**
 * Takes the transaction-scoped locks that tracking's identity resolution takes for the same
 * externalIds (userIds), in sorted order: an import and a concurrent /v1/identify cannot both
 * create the same customer.
 */
export async function lockExternalIds(tx: Db, workspaceId: string, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await sql`select pg_advisory_xact_lock(h) from (
              select distinct hashtextextended(${workspaceId}::text || ':' || id, 0) as h
              from unnest(${ids}::text[]) as id order by 1) locks`.execute(tx);
}
