import type { App } from '../../platform/http/server.ts';
import type { DeliveryWorker } from '../delivery/worker.ts';
import type { MessagingDeps } from '../index.ts';
import { newsletterRoutes } from './newsletter-routes.ts';
import { broadcastRoutes } from './routes.ts';
import { BroadcastScheduler } from './scheduler.ts';

export interface BroadcastDeps extends MessagingDeps {
  worker: DeliveryWorker;
}

/**
 * Broadcasts and RSS newsletters: the API, and the scheduler that starts due broadcasts, enqueues
 * their audiences into the outbox (kicking the delivery worker after each batch), and runs due
 * newsletters. The scheduler runs wherever the delivery worker runs (`VAFA_DELIVERY_POLL_MS` > 0);
 * an API-only process only records what to do and another process does it.
 */
export function registerBroadcasts(app: App, deps: BroadcastDeps): BroadcastScheduler {
  const running = deps.config.deliveryPollMs > 0;
  const scheduler = new BroadcastScheduler({ db: deps.db, log: deps.log, kickDelivery: () => running && deps.worker.kick(), pollMs: running ? Math.max(deps.config.deliveryPollMs, 1000) : 0 });
  const kickScheduler = () => running && scheduler.kick();
  broadcastRoutes(app, { db: deps.db, kickScheduler, kickDelivery: () => running && deps.worker.kick() });
  newsletterRoutes(app, { db: deps.db, kickScheduler });
  if (running) {
    app.addHook('onReady', async () => scheduler.start());
    app.addHook('onClose', () => scheduler.close());
  }
  return scheduler;
}
