import type { ColumnType, Generated, JSONColumnType } from 'kysely';
import type { Counts } from './chunks.ts';
import type { ImportKind, Mapping } from './fields.ts';
import type { ImportOptions } from './options.ts';

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Timestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
/** bigint columns come back as numbers (see database.ts). */
type Count = ColumnType<number, number | undefined, number>;

export type ImportStatus = 'queued' | 'running' | 'interrupted' | 'completed' | 'failed';

export interface ImportTables {
  imports: {
    id: Generated<string>;
    workspace_id: string;
    kind: ImportKind;
    source: 'cli' | 'api';
    file_name: string;
    file_sha256: string;
    file_bytes: number;
    mapping: JSONColumnType<Mapping, string, string>;
    options: JSONColumnType<ImportOptions, string, string>;
    dry_run: ColumnType<boolean, boolean | undefined, boolean>;
    status: ColumnType<ImportStatus, ImportStatus | undefined, ImportStatus>;
    rows_total: Count;
    rows_done: Count;
    rows_failed: Count;
    next_row: Count;
    next_line: Count;
    next_offset: Count;
    counts: JSONColumnType<Counts, string | undefined, string>;
    error: string | null;
    created_by: string | null;
    created_at: CreatedAt;
    started_at: Timestamp;
    run_started_at: Timestamp;
    run_start_row: Count;
    progress_at: Timestamp;
    finished_at: Timestamp;
  };
  import_errors: {
    id: Generated<number>;
    import_id: string;
    row_no: number;
    line_no: number;
    column_name: string;
    value: string | null;
    reason: string;
  };
}
