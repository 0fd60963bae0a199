import fs from 'node:fs';
import path from 'node:path';
import { withDatabase } from '../cli/admin.ts';
import type { Db } from '../database.ts';
import type { Config } from '../platform/config.ts';
import { invalid } from '../platform/errors.ts';
import type { Actor } from '../platform/http/actor.ts';
import type { Logger } from '../platform/logger.ts';
import { csvLine } from './csv.ts';
import { runImport, type RunResult } from './engine.ts';
import { applyMapChanges, checkMapping, importKinds, type ImportKind, parseMapFlag, suggestMapping } from './fields.ts';
import { inspectFile } from './file.ts';
import { importOptionsSchema } from './options.ts';
import { progressBar } from './progress.ts';
import { createImport, ERROR_REPORT_HEADER, errorReport, findResumable, getImport, type NewImport } from './store.ts';

type Flags = Record<string, string | boolean | undefined>;

/** The workspace to import into: --workspace, or the only one there is. */
async function pickWorkspace(db: Db, given: string | undefined): Promise<string> {
  if (given) {
    const ws = /^[0-9a-f-]{36}$/i.test(given) ? await db.selectFrom('workspaces').select('id').where('id', '=', given).executeTakeFirst() : undefined;
    if (!ws) throw invalid('--workspace', `no workspace "${given}"`);
    return ws.id;
  }
  const all = await db.selectFrom('workspaces').select('id').limit(2).execute();
  if (all.length === 1) return (all[0] as { id: string }).id;
  throw invalid('--workspace', all.length ? 'is required: the database holds more than one workspace' : 'no workspace yet: run `vafa init` first');
}

function parseOptions(flags: Flags) {
  const parsed = importOptionsSchema.safeParse({
    ...(flags['date-format'] ? { dateFormat: flags['date-format'] } : {}),
    ...(flags.currency ? { currency: flags.currency } : {}),
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw invalid(issue?.path[0] === 'dateFormat' ? '--date-format' : '--currency', issue?.message ?? 'invalid');
  }
  return parsed.data;
}

/**
 * `vafa import customers|orders FILE.csv [--workspace ID] [--map col=field,…] [--date-format F]
 * [--currency C] [--dry-run]`: progress on stderr, a JSON summary on stdout, bad rows in
 * FILE.errors.csv. Running it again after an interruption resumes where it stopped.
 */
export async function importCommand(config: Config, log: Logger, args: string[], flags: Flags): Promise<number> {
  const [kind, file] = args;
  if (!importKinds.includes(kind as ImportKind)) throw invalid('kind', `say what to import: vafa import ${importKinds.join('|')} FILE.csv`);
  if (!file) throw invalid('FILE', `name the CSV file: vafa import ${kind} FILE.csv`);
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) throw invalid('FILE', `no file ${file}`);
  const options = parseOptions(flags);
  const changes = parseMapFlag(typeof flags.map === 'string' ? flags.map : '');
  const dryRun = Boolean(flags['dry-run']);
  const errorsFile = `${file.replace(/\.csv$/i, '')}.errors.csv`;
  const started = Date.now();

  process.stderr.write(`reading ${file} (${(fs.statSync(file).size / 1e6).toFixed(1)} MB)…\n`);
  const facts = await inspectFile(file);
  const mapping = applyMapChanges(suggestMapping(kind as ImportKind, facts.header), changes);
  checkMapping(kind as ImportKind, mapping, facts.header);
  const ignored = facts.header.filter((c) => !mapping[c]);
  process.stderr.write(
    `${facts.rowsTotal.toLocaleString('en-US')} rows; columns: ${Object.entries(mapping).map(([c, m]) => `${c} → ${m.field}${m.dateFormat ? `:${m.dateFormat}` : ''}`).join(', ')}` +
      `${ignored.length ? `; ignored: ${ignored.join(', ')}` : ''}\n`,
  );

  const controller = new AbortController();
  const onSignal = () => {
    process.stderr.write('\nstopping after the current chunk (run the same command again to resume)…\n');
    controller.abort();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  fs.rmSync(errorsFile, { force: true });
  let errorsOut: fs.WriteStream | undefined;

  try {
    const summary = await withDatabase(config, log, async (db) => {
      const workspaceId = await pickWorkspace(db, typeof flags.workspace === 'string' ? flags.workspace : undefined);
      const actor: Actor = { workspaceId, role: 'owner', type: 'system', id: null, label: `vafa import ${path.basename(file)}` };
      const spec: NewImport = {
        workspaceId,
        kind: kind as ImportKind,
        source: 'cli',
        fileName: path.basename(file),
        sha256: facts.sha256,
        bytes: facts.bytes,
        rowsTotal: facts.rowsTotal,
        mapping,
        options: { ...options, delimiter: facts.delimiter },
        dryRun,
        createdBy: 'vafa cli',
      };
      const resumed = dryRun ? undefined : await findResumable(db, spec);
      if (resumed) process.stderr.write(`resuming import ${resumed.id} after row ${resumed.next_row.toLocaleString('en-US')}\n`);
      const tracked = dryRun ? null : (resumed ?? (await createImport(db, spec)));
      const bar = progressBar(process.stderr, kind as string);
      const result: RunResult = await runImport(
        db,
        { workspaceId, kind: kind as ImportKind, file, facts, mapping, options: spec.options, dryRun, actor, defaultCountry: config.defaultCountry, importId: tracked?.id ?? null },
        {
          signal: controller.signal,
          onProgress: (p) => bar.update(p),
          onErrors: (errors) => {
            if (!errorsOut) {
              errorsOut = fs.createWriteStream(errorsFile);
              errorsOut.write(`\uFEFF${csvLine(ERROR_REPORT_HEADER)}`);
            }
            errorsOut.write(errors.map((e) => csvLine([e.row, e.line, e.column, e.value, e.reason])).join(''));
          },
        },
      );
      bar.done(result.progress);
      if (tracked && result.progress.rowsFailed > 0) {
        const out = fs.createWriteStream(errorsFile);
        out.write('\uFEFF'); // spreadsheet programs then read Persian/Arabic text as UTF-8
        for await (const chunk of errorReport(db, tracked.id)) if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
        await new Promise<void>((r) => out.end(() => r()));
      }
      const row = tracked ? await getImport(db, workspaceId, tracked.id) : undefined;
      const seconds = (Date.now() - started) / 1000;
      return {
        importId: tracked?.id ?? null,
        workspaceId,
        kind,
        file,
        dryRun,
        status: result.status,
        resumed: Boolean(resumed),
        rowsTotal: facts.rowsTotal,
        rowsDone: result.progress.rowsDone,
        rowsFailed: result.progress.rowsFailed,
        counts: row?.counts ?? result.progress.counts,
        errorsFile: result.progress.rowsFailed > 0 ? errorsFile : null,
        seconds: Math.round(seconds * 10) / 10,
        rowsPerSecond: result.progress.rowsPerSecond,
        mapping,
      };
    });
    if (errorsOut) await new Promise<void>((r) => (errorsOut as fs.WriteStream).end(() => r()));
    process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    return summary.status === 'completed' ? 0 : 130;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
