import { sql } from 'kysely';
import { attributeDefinitions } from '../customers/attributes.ts';
import type { Db } from '../database.ts';
import { conflict } from '../platform/errors.ts';
import type { Actor } from '../platform/http/actor.ts';
import { addCounts, type ChunkProcessor, type Counts } from './chunks.ts';
import { readCsv } from './csv.ts';
import { CustomersImport } from './customers-import.ts';
import type { ImportKind, Mapping } from './fields.ts';
import type { FileFacts } from './file.ts';
import type { ImportOptions } from './options.ts';
import { OrdersImport } from './orders-import.ts';
import { type RowContext, type RowError, RowReader, type SourceRow } from './rows.ts';
import { claimChunk, commitChunk, finishImport, ImportTakenOver, startRun } from './store.ts';

/**
 * The import engine: reads a CSV file in chunks of rows, validates each chunk, writes its good
 * rows and records its bad ones, and moves the import's position forward — all in one
 * transaction per chunk. A run that dies (SIGKILL, lost database) leaves the import at its last
 * committed chunk; running it again continues from there without writing any row twice.
 *
 * While it runs, an import holds a session-level advisory lock: a second process asking to run
 * the same import is refused, and a process that dies releases it with its connection.
 */
export interface ImportJob {
  workspaceId: string;
  kind: ImportKind;
  file: string;
  facts: FileFacts;
  mapping: Mapping;
  options: ImportOptions;
  dryRun: boolean;
  /** Who the writes are attributed to (activity, audit). */
  actor: Actor;
  /** Country for phones without one, unless the workspace sets its own. */
  defaultCountry: string;
  /** The `imports` row that tracks this run; null for an untracked dry run (the CLI's). */
  importId: string | null;
}

export interface Progress {
  rowsTotal: number;
  rowsDone: number;
  rowsFailed: number;
  rowsPerSecond: number;
  etaSeconds: number | null;
  counts: Counts;
}

export interface RunOptions {
  /** Rows per chunk (and per transaction); an order's line rows are never split. Default 1,000. */
  chunkRows?: number;
  /** Stop after the current chunk; the import is left `interrupted`, ready to resume. */
  signal?: AbortSignal;
  onProgress?(progress: Progress): void;
  /** After each committed chunk (1, 2, …). Tests throw here to simulate a crash. */
  afterChunk?(chunk: number): void | Promise<void>;
  /** Bad rows of an untracked run (tracked runs store them in `import_errors`). */
  onErrors?(errors: RowError[]): void | Promise<void>;
}

export interface RunResult {
  status: 'completed' | 'interrupted';
  progress: Progress;
}

const RETRYABLE = new Set(['40001', '40P01', '23505']);
const MAX_CHUNK_ROWS = 100_000;

async function loadContext(db: Db, job: ImportJob): Promise<RowContext> {
  const ws = await db.selectFrom('workspaces').select('settings').where('id', '=', job.workspaceId).executeTakeFirstOrThrow();
  return {
    country: ws.settings.defaultCountry ?? job.defaultCountry,
    definitions: await attributeDefinitions(db, job.workspaceId),
    dateFormat: job.options.dateFormat,
    currency: job.options.currency ?? ws.settings.displayCurrency ?? 'USD',
    timeZone: job.options.timeZone ?? ws.settings.timezone ?? 'UTC',
  };
}

function processorFor(job: ImportJob, ctx: RowContext): ChunkProcessor<unknown> {
  const reader = new RowReader(job.mapping, job.facts.header);
  return (job.kind === 'customers'
    ? new CustomersImport(reader, ctx, job.actor, job.importId)
    : new OrdersImport(reader, ctx, job.actor, job.importId)) as ChunkProcessor<unknown>;
}

const lockKey = (id: string) => sql`hashtextextended(${`vafa_import:${id}`}, 0)`;

/** True while some process runs import `id` (holds its lock). */
export async function isBeingRun(db: Db, id: string): Promise<boolean> {
  return db.connection().execute(async (c) => {
    const { rows } = await sql<{ locked: boolean }>`select pg_try_advisory_lock(${lockKey(id)}) as locked`.execute(c);
    if (rows[0]?.locked) await sql`select pg_advisory_unlock(${lockKey(id)})`.execute(c);
    return !rows[0]?.locked;
  });
}

/** Runs (or resumes) an import to its end, or until `signal` stops it between chunks. */
export async function runImport(db: Db, job: ImportJob, opts: RunOptions = {}): Promise<RunResult> {
  const id = job.importId;
  if (!id) return run(db, job, opts, null);
  return db.connection().execute(async (lockConnection) => {
    const key = lockKey(id);
    const { rows } = await sql<{ locked: boolean }>`select pg_try_advisory_lock(${key}) as locked`.execute(lockConnection);
    if (!rows[0]?.locked) throw conflict(`Import ${id} is being run by another process`, 'id');
    try {
      return await run(db, job, opts, id);
    } finally {
      await sql`select pg_advisory_unlock(${key})`.execute(lockConnection);
    }
  });
}

async function run(db: Db, job: ImportJob, opts: RunOptions, id: string | null): Promise<RunResult> {
  const processor = processorFor(job, await loadContext(db, job));
  const chunkRows = opts.chunkRows ?? 1000;
  const state = id ? await startRun(db, id) : undefined;
  let row = state?.next_row ?? 0;
  let rowsDone = state?.rows_done ?? 0;
  let rowsFailed = state?.rows_failed ?? 0;
  const counts: Counts = { ...(state?.counts ?? {}) };
  const offset = state?.next_offset ?? 0;
  const runStart = Date.now();
  const runStartRow = row;
  let chunkNo = 0;

  const progress = (): Progress => {
    const seconds = (Date.now() - runStart) / 1000;
    const rate = seconds > 0 ? (row - runStartRow) / seconds : 0;
    const left = Math.max(0, job.facts.rowsTotal - rowsDone - rowsFailed);
    return { rowsTotal: job.facts.rowsTotal, rowsDone, rowsFailed, rowsPerSecond: Math.round(rate), etaSeconds: rate > 0 ? Math.ceil(left / rate) : null, counts: { ...counts } };
  };

  /** Validates a chunk: CPU only, so it can run while the previous chunk is being written. */
  const prepare = (chunk: SourceRow[]) => {
    const { valid, errors } = processor.validate(chunk);
    return { chunk, valid, errors, failed: new Set(errors.map((e) => e.row)).size, last: chunk[chunk.length - 1] as SourceRow };
  };

  /** Writes a validated chunk, its errors and the new position in one transaction (retried on a lost race). */
  const commit = async ({ chunk, valid, errors, failed, last }: ReturnType<typeof prepare>) => {
    let chunkCounts: Counts = job.dryRun ? (processor.dryCounts?.(valid) ?? {}) : {};
    if (id) {
      for (let attempt = 1; ; attempt++) {
        try {
          await db.transaction().execute(async (tx) => {
            await claimChunk(tx, id, row);
            if (!job.dryRun) chunkCounts = await processor.write(tx, valid);
            const next = { nextRow: last.row, nextLine: last.nextLine, nextOffset: last.end, rowsDone: rowsDone + chunk.length - failed, rowsFailed: rowsFailed + failed };
            await commitChunk(tx, id, { ...next, counts: addCounts({ ...counts }, chunkCounts) }, errors);
          });
          break;
        } catch (e) {
          // A concurrent writer (tracking, another import) won a race: the chunk rolled back whole; do it again.
          if (attempt >= 5 || !RETRYABLE.has((e as { code?: string }).code ?? '')) throw e;
          await new Promise((r) => setTimeout(r, 50 * attempt));
        }
      }
    } else if (errors.length) {
      await opts.onErrors?.(errors);
    }
    processor.committed();
    row = last.row;
    rowsDone += chunk.length - failed;
    rowsFailed += failed;
    addCounts(counts, chunkCounts);
    opts.onProgress?.(progress());
    await opts.afterChunk?.(++chunkNo);
  };

  const stopped = () => Boolean(opts.signal?.aborted);
  // One chunk is written while the next is read and validated (2 cores: Node and PostgreSQL both busy).
  let writing: Promise<void> = Promise.resolve();
  /** Hands a chunk over for writing once the previous one committed; false when stopping. */
  const submit = async (chunk: SourceRow[]): Promise<boolean> => {
    const prepared = prepare(chunk);
    await writing;
    if (stopped()) return false;
    writing = commit(prepared);
    writing.catch(() => undefined); // observed by the next `await writing`
    return true;
  };

  try {
    let headerSkipped = offset > 0;
    let pending: SourceRow[] = [];
    let nextRow = row;
    let going = true;
    reading: for await (const records of readCsv(job.file, { delimiter: job.facts.delimiter, offset, line: state?.next_line ?? 1 })) {
      for (const rec of records) {
        if (!headerSkipped) {
          headerSkipped = true;
          continue;
        }
        if (!rec.error && rec.cells.every((c) => c.trim() === '')) continue;
        const source: SourceRow = { row: ++nextRow, line: rec.line, cells: rec.cells, end: rec.end, nextLine: rec.nextLine, ...(rec.error ? { error: rec.error } : {}) };
        const previous = pending[pending.length - 1];
        if (previous && pending.length >= chunkRows && (pending.length >= MAX_CHUNK_ROWS || !processor.canSplit || processor.canSplit(previous, source))) {
          going = await submit(pending);
          pending = [];
          if (!going) break reading;
        }
        pending.push(source);
      }
    }
    if (going && pending.length) await submit(pending);
    await writing;
    const status = stopped() ? 'interrupted' : 'completed';
    if (id) await finishImport(db, id, status);
    return { status, progress: progress() };
  } catch (e) {
    if (id && !(e instanceof ImportTakenOver)) await finishImport(db, id, 'interrupted', (e as Error).message).catch(() => undefined);
    throw e;
  }
}
