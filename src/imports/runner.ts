import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '../database.ts';
import { AppError } from '../platform/errors.ts';
import type { Logger } from '../platform/logger.ts';
import { isBeingRun, runImport } from './engine.ts';
import { type FileFacts, inspectFile } from './file.ts';
import { finishImport, type ImportRow } from './store.ts';

/**
 * Runs API imports in the background of the server process. The uploaded file is kept in
 * `<VAFA_DATA_DIR>/imports/<id>.csv` until its import completes; the status lives in the
 * `imports` table, so any process sharing the database can report it. On start, imports left
 * unfinished by a process that died are resumed (the advisory lock in `runImport` keeps two
 * processes from running the same one).
 */
export class ImportRunner {
  private readonly running = new Map<string, Promise<void>>();
  private readonly stop = new AbortController();

  constructor(private readonly deps: { db: Db; log: Logger; uploadsDir: string; defaultCountry: string }) {}

  uploadPath(id: string): string {
    return path.join(this.deps.uploadsDir, `${id}.csv`);
  }

  /** Keeps an upload for import `id`. */
  async saveUpload(id: string, body: Buffer): Promise<string> {
    await fs.promises.mkdir(this.deps.uploadsDir, { recursive: true });
    const file = this.uploadPath(id);
    await fs.promises.writeFile(file, body);
    return file;
  }

  /** Starts (or resumes) an import in the background; `facts` saves reading the file again. */
  start(row: ImportRow, facts?: FileFacts): void {
    if (this.running.has(row.id) || this.stop.signal.aborted) return;
    const job = this.run(row, facts).finally(() => this.running.delete(row.id));
    this.running.set(row.id, job);
  }

  private async run(row: ImportRow, known?: FileFacts): Promise<void> {
    const { db, log } = this.deps;
    const file = this.uploadPath(row.id);
    try {
      const facts = known ?? (await inspectFile(file, row.options.delimiter));
      if (facts.sha256 !== row.file_sha256) {
        await finishImport(db, row.id, 'failed', 'the uploaded file changed on disk; upload it again');
        return;
      }
      const actor = { workspaceId: row.workspace_id, role: 'owner' as const, type: 'system' as const, id: null, label: row.created_by ?? 'import' };
      const result = await runImport(
        db,
        {
          workspaceId: row.workspace_id,
          kind: row.kind,
          file,
          facts,
          mapping: row.mapping,
          options: row.options,
          dryRun: row.dry_run,
          actor,
          defaultCountry: this.deps.defaultCountry,
          importId: row.id,
        },
        { signal: this.stop.signal },
      );
      log.info({ importId: row.id, status: result.status, rowsDone: result.progress.rowsDone, rowsFailed: result.progress.rowsFailed }, 'import finished');
      if (result.status === 'completed') await fs.promises.rm(file, { force: true });
    } catch (e) {
      if (e instanceof AppError && e.code === 'CONFLICT') return; // another process runs it
      log.error({ err: e, importId: row.id }, 'import stopped by an error; it resumes when Vafa starts again');
    }
  }

  /** Resumes API imports that no process is running (after a crash or restart). */
  async resumeUnfinished(): Promise<void> {
    const rows = await this.deps.db
      .selectFrom('imports')
      .selectAll()
      .where('source', '=', 'api')
      .where('status', 'in', ['queued', 'running', 'interrupted'])
      .orderBy('created_at')
      .execute();
    for (const row of rows) {
      if (fs.existsSync(this.uploadPath(row.id))) this.start(row);
      else if (!(await isBeingRun(this.deps.db, row.id))) await finishImport(this.deps.db, row.id, 'failed', 'the uploaded file is gone; upload it again');
    }
  }

  /** Stops every running import after its current chunk (left `interrupted`) and waits. */
  async close(): Promise<void> {
    this.stop.abort();
    await Promise.allSettled([...this.running.values()]);
  }

  /** Resolves when no import is running (tests). */
  async idle(): Promise<void> {
    while (this.running.size) await Promise.allSettled([...this.running.values()]);
  }
}
