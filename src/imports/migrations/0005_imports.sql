-- CSV imports (customers, orders): one row per run of a file, with its progress. Each chunk of
-- rows is written in one transaction together with the progress columns, so a killed import
-- resumes after its last committed chunk (next_row / next_offset) and never writes a row twice.
create table imports (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspaces on delete cascade,
  kind text not null check (kind in ('customers', 'orders')),
  source text not null check (source in ('cli', 'api')),
  file_name text not null,
  file_sha256 text not null,
  file_bytes bigint not null,
  -- CSV column → { field, dateFormat? }; options: dateFormat, currency, timeZone, delimiter.
  mapping jsonb not null,
  options jsonb not null default '{}',
  dry_run boolean not null default false,
  status text not null default 'queued' check (status in ('queued', 'running', 'interrupted', 'completed', 'failed')),
  rows_total bigint not null default 0,
  rows_done bigint not null default 0,
  rows_failed bigint not null default 0,
  -- Where the next chunk starts: data row number (header excluded), physical line, byte offset.
  next_row bigint not null default 0,
  next_line bigint not null default 1,
  next_offset bigint not null default 0,
  -- What the rows did: created, updated, unchanged, ordersCreated, ordersExisting, customersCreated …
  counts jsonb not null default '{}',
  error text,
  created_by text,
  created_at timestamptz not null default now(),
  started_at timestamptz,
  -- The current run (a resumed import starts a new run): rows/s and ETA are measured over it.
  run_started_at timestamptz,
  run_start_row bigint not null default 0,
  progress_at timestamptz,
  finished_at timestamptz
);
create index imports_workspace on imports (workspace_id, created_at desc, id desc);
-- A re-run of the same file finds the unfinished import to resume.
create index imports_resume on imports (workspace_id, kind, file_sha256) where status in ('queued', 'running', 'interrupted');

-- The error report: every bad row, the column and why. Written in the chunk's transaction.
create table import_errors (
  id bigserial primary key,
  import_id uuid not null references imports on delete cascade,
  row_no bigint not null,
  line_no bigint not null,
  column_name text not null,
  value text,
  reason text not null
);
create index import_errors_import on import_errors (import_id, row_no, id);
