import { sql, type Selectable } from 'kysely';
import type { Db } from '../database.ts';
import { decodeCursor, page } from '../platform/http/pagination.ts';
import type { Counts } from './chunks.ts';
import { csvLine } from './csv.ts';
import type { ImportKind, Mapping } from './fields.ts';
import type { ImportOptions } from './options.ts';
import type { RowError } from './rows.ts';
import type { ImportTables } from './tables.ts';

/** The `imports` table: one row per import of a file, its progress and its error report. */
export type ImportRow = Selectable<ImportTables['imports']>;

export interface NewImport {
  workspaceId: string;
  kind: ImportKind;
  source: 'cli' | 'api';
  fileName: string;
  sha256: string;
  bytes: number;
  rowsTotal: number;
  mapping: Mapping;
  options: ImportOptions;
  dryRun: boolean;
  createdBy: string;
}

export async function createImport(db: Db, spec: NewImport, id?: string): Promise<ImportRow> {
  return db
    .insertInto('imports')
    .values({
      ...(id ? { id } : {}),
      workspace_id: spec.workspaceId,
      kind: spec.kind,
      source: spec.source,
      file_name: spec.fileName,
      file_sha256: spec.sha256,
      file_bytes: spec.bytes,
      rows_total: spec.rowsTotal,
      mapping: JSON.stringify(spec.mapping),
      options: JSON.stringify(spec.options),
      dry_run: spec.dryRun,
      created_by: spec.createdBy,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** An unfinished import of the same file with the same mapping and options: the one to resume. */
export async function findResumable(db: Db, spec: NewImport): Promise<ImportRow | undefined> {
  return db
    .selectFrom('imports')
    .selectAll()
    .where('workspace_id', '=', spec.workspaceId)
    .where('kind', '=', spec.kind)
    .where('file_sha256', '=', spec.sha256)
    .where('source', '=', spec.source)
    .where('dry_run', '=', spec.dryRun)
    .where('status', 'in', ['queued', 'running', 'interrupted'])
    .where(sql<boolean>`mapping = ${JSON.stringify(spec.mapping)}::jsonb and options = ${JSON.stringify(spec.options)}::jsonb`)
    .orderBy('created_at', 'desc')
    .executeTakeFirst();
}

export async function getImport(db: Db, workspaceId: string, id: string): Promise<ImportRow | undefined> {
  return db.selectFrom('imports').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
}

export async function listImports(db: Db, workspaceId: string, opts: { limit: number; cursor?: string | undefined }) {
  const after = decodeCursor(opts.cursor, 2);
  let query = db
    .selectFrom('imports')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(opts.limit + 1);
  if (after) query = query.where(sql<boolean>`(created_at, id) < (${String(after[0])}::timestamptz, ${String(after[1])}::uuid)`);
  return page(await query.execute(), opts.limit, (last) => [last.created_at.toISOString(), last.id]);
}

/** A run begins (or resumes): rows/s and ETA are measured from here. */
export async function startRun(db: Db, id: string): Promise<ImportRow> {
  return db
    .updateTable('imports')
    .set({
      status: 'running',
      error: null,
      started_at: sql`coalesce(started_at, now())`,
      run_started_at: sql`now()`,
      run_start_row: sql`next_row`,
      progress_at: sql`now()`,
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export class ImportTakenOver extends Error {
  constructor(id: string) {
    super(`import ${id} was advanced by another process`);
    this.name = 'ImportTakenOver';
  }
}

/**
 * The first statement of a chunk's transaction: locks the import's row and checks that nobody
 * has committed this chunk already (a second process resuming the same import at once).
 */
export async function claimChunk(tx: Db, id: string, expectedRow: number): Promise<void> {
  const row = await tx.selectFrom('imports').select(['next_row', 'status']).where('id', '=', id).forUpdate().executeTakeFirstOrThrow();
  if (row.next_row !== expectedRow || row.status !== 'running') throw new ImportTakenOver(id);
}

export interface ChunkProgress {
  nextRow: number;
  nextLine: number;
  nextOffset: number;
  rowsDone: number;
  rowsFailed: number;
  counts: Counts;
}

/** The last statements of a chunk's transaction: its bad rows and the import's new position. */
export async function commitChunk(tx: Db, id: string, progress: ChunkProgress, errors: RowError[]): Promise<void> {
  if (errors.length) {
    await sql`
      insert into import_errors (import_id, row_no, line_no, column_name, value, reason)
      select ${id}::uuid, r, l, c, v, why
      from unnest(${errors.map((e) => e.row)}::bigint[], ${errors.map((e) => e.line)}::bigint[], ${errors.map((e) => e.column)}::text[],
                  ${errors.map((e) => (e.value === null ? null : e.value.slice(0, 500)))}::text[], ${errors.map((e) => e.reason)}::text[])
           as x(r, l, c, v, why)`.execute(tx);
  }
  await tx
    .updateTable('imports')
    .set({
      next_row: progress.nextRow,
      next_line: progress.nextLine,
      next_offset: progress.nextOffset,
      rows_done: progress.rowsDone,
      rows_failed: progress.rowsFailed,
      counts: JSON.stringify(progress.counts),
      progress_at: sql`now()`,
    })
    .where('id', '=', id)
    .execute();
}

export async function finishImport(db: Db, id: string, status: 'completed' | 'failed' | 'interrupted', error?: string): Promise<ImportRow> {
  return db
    .updateTable('imports')
    .set({ status, error: error ?? null, finished_at: status === 'interrupted' ? null : sql`now()`, progress_at: sql`now()` })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export const ERROR_REPORT_HEADER = ['row', 'line', 'column', 'value', 'reason'] as const;

/** The error report as CSV lines (header first), read in pages so that a large report streams. */
export async function* errorReport(db: Db, id: string): AsyncGenerator<string> {
  yield csvLine(ERROR_REPORT_HEADER);
  let after: [number, number] = [-1, 0];
  for (;;) {
    const rows = await db
      .selectFrom('import_errors')
      .select(['id', 'row_no', 'line_no', 'column_name', 'value', 'reason'])
      .where('import_id', '=', id)
      .where(sql<boolean>`(row_no, id) > (${after[0]}, ${after[1]})`)
      .orderBy('row_no')
      .orderBy('id')
      .limit(5000)
      .execute();
    if (rows.length === 0) return;
    yield rows.map((r) => csvLine([r.row_no, r.line_no, r.column_name, r.value, r.reason])).join('');
    const last = rows[rows.length - 1] as (typeof rows)[number];
    after = [last.row_no, last.id];
  }
}

/** The import as the API shows it, with rows/s and ETA of the current run. */
export function toView(row: ImportRow) {
  const processed = row.rows_done + row.rows_failed;
  const elapsed = row.run_started_at && row.progress_at ? (row.progress_at.getTime() - row.run_started_at.getTime()) / 1000 : 0;
  const runRows = row.next_row - row.run_start_row;
  const rowsPerSecond = elapsed > 0 && runRows > 0 ? Math.round(runRows / elapsed) : null;
  const left = Math.max(0, row.rows_total - processed);
  const running = row.status === 'running' || row.status === 'queued';
  return {
    id: row.id,
    kind: row.kind,
    fileName: row.file_name,
    fileSha256: row.file_sha256,
    fileBytes: row.file_bytes,
    source: row.source,
    dryRun: row.dry_run,
    status: row.status,
    mapping: row.mapping,
    options: row.options,
    rowsTotal: row.rows_total,
    rowsDone: row.rows_done,
    rowsFailed: row.rows_failed,
    percent: row.rows_total > 0 ? Math.min(100, Math.round((processed / row.rows_total) * 1000) / 10) : row.status === 'completed' ? 100 : 0,
    rowsPerSecond,
    etaSeconds: running && rowsPerSecond ? Math.ceil(left / rowsPerSecond) : running ? null : 0,
    counts: row.counts,
    error: row.error,
    createdBy: row.created_by,
    createdAt: row.created_at.toISOString(),
    startedAt: row.started_at?.toISOString() ?? null,
    finishedAt: row.finished_at?.toISOString() ?? null,
  };
}
export type ImportView = ReturnType<typeof toView>;
