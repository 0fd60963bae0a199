import path from 'node:path';
import type { Db } from '../database.ts';
import type { Config } from '../platform/config.ts';
import type { App } from '../platform/http/server.ts';
import type { Logger } from '../platform/logger.ts';
import { importRoutes } from './routes.ts';
import { ImportRunner } from './runner.ts';

/** Largest CSV the API takes in one upload. */
export const MAX_UPLOAD_BYTES = 100 * 1024 * 1024;

/**
 * Registers the imports capability: its routes and the background runner, which resumes
 * unfinished uploads when the server is ready and stops them cleanly when it closes.
 */
export function registerImports(app: App, deps: { db: Db; config: Config; log: Logger }): ImportRunner {
  const runner = new ImportRunner({
    db: deps.db,
    log: deps.log,
    uploadsDir: path.join(deps.config.dataDir, 'imports'),
    defaultCountry: deps.config.defaultCountry,
  });
  importRoutes(app, { db: deps.db, runner, maxUploadBytes: Math.max(deps.config.bodyLimitBytes, MAX_UPLOAD_BYTES) });
  app.addHook('onReady', async () => {
    runner.resumeUnfinished().catch((e: unknown) => deps.log.error({ err: e }, 'could not resume unfinished imports'));
  });
  app.addHook('onClose', () => runner.close());
  return runner;
}
