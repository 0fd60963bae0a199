import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import { redactUrl } from '../logger.ts';
import { startEmbeddedPostgres } from './embedded.ts';

/** Where the data lives: an external PostgreSQL (DATABASE_URL) or the embedded one. */
export interface Storage {
  mode: 'embedded' | 'external';
  url: string;
  stop(): Promise<void>;
}

export async function openStorage(config: Config, log: Logger): Promise<Storage> {
  if (config.databaseUrl) {
    log.info({ database: redactUrl(config.databaseUrl) }, 'using external PostgreSQL');
    return { mode: 'external', url: config.databaseUrl, stop: async () => {} };
  }
  const embedded = await startEmbeddedPostgres({ dataDir: config.dataDir, port: config.embeddedPgPort, log });
  return { mode: 'embedded', url: embedded.url, stop: () => embedded.stop() };
}
