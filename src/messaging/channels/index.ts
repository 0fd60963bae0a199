import { createKeyring, loadMasterKey } from '../../platform/secrets.ts';
import type { App } from '../../platform/http/server.ts';
import type { ChannelEvents } from '../contracts.ts';
import type { MessagingDeps } from '../index.ts';
import type { ChannelDirectory } from './channel.ts';
import { ChannelPool } from './directory.ts';
import { channelRoutes } from './routes.ts';
import { ChannelStore } from './store.ts';
import { channelWebhookRoutes } from './webhooks.ts';

/**
 * Channels: configured providers per workspace (credentials sealed at rest), their settings API,
 * the public receipt webhooks, and the directory the delivery pipeline opens channels through.
 * The returned directory also has `openById` (receipt polling, test sends).
 */
export function registerChannels(app: App, deps: MessagingDeps & { events: ChannelEvents }): ChannelDirectory & Required<Pick<ChannelDirectory, 'openById'>> {
  const { db, config, log, events } = deps;
  // Throws a ConfigError at boot when several processes could disagree on the key.
  const keyring = createKeyring([loadMasterKey(config)]);
  const store = new ChannelStore(keyring, config.publicUrl);
  const pool = new ChannelPool(db, store, log, config.publicUrl);
  channelRoutes(app, { db, store, pool });
  channelWebhookRoutes(app, { db, pool, events, publicUrl: config.publicUrl });
  app.addHook('onClose', () => pool.close());
  return pool;
}
