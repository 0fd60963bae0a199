import { startVafa } from '../app.ts';
import type { Config } from '../platform/config.ts';
import type { Logger } from '../platform/logger.ts';
import { ensureDemoWorkspace } from './demo.ts';

/** Serves until SIGINT/SIGTERM, then closes HTTP, the pool and the embedded database, in that order. */
export async function startCommand(config: Config, log: Logger, opts: { demo: boolean }): Promise<number> {
  const vafa = await startVafa(config, log);
  log.info({ url: vafa.url, storage: vafa.storage.mode }, 'Vafa is running');
  if (opts.demo) {
    const demo = await ensureDemoWorkspace(vafa.services);
    if (demo) {
      const what = demo.loaded
        ? ` (${demo.loaded.customers} customers, ${demo.loaded.orders} orders, ${demo.loaded.events} events from ${demo.loaded.source === 'cdnow' ? 'the CDNOW sample' : 'generated data'})`
        : '';
      process.stdout.write(
        `\n  Demo workspace ready${what}. Open ${vafa.url.replace('127.0.0.1', 'localhost')} and log in:\n` +
          `    email:    ${demo.login.email}\n    password: ${demo.login.password}\n\n`,
      );
    }
  }
  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) {
        log.warn('second signal: exiting without a clean shutdown');
        process.exit(1);
      }
      stopping = true;
      log.info({ signal }, 'shutting down');
      vafa.close().then(resolve, (e: unknown) => {
        log.error({ err: e }, 'error during shutdown');
        resolve();
      });
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  log.info('stopped');
  return 0;
}
