import type { CustomerDataOwners } from '../../customers/hooks.ts';
import type { Timeline } from '../../customers/timeline.ts';
import type { App } from '../../platform/http/server.ts';
import type { ChannelDirectory } from '../channels/channel.ts';
import type { ChannelEvents, MessageRenderer, RenderRequest } from '../contracts.ts';
import type { MessagingDeps } from '../index.ts';
import { messageTimeline, messagingDataOwner } from './data.ts';
import { applyInbound, applyReceipts } from './events.ts';
import { pollReceiptsOnce } from './poller.ts';
import { deliveryRoutes } from './routes.ts';
import { DeliveryWorker } from './worker.ts';

/** The "message" timeline entries and the messaging data that follows a customer (merge, erase, export). */
export function registerDeliveryData(timeline: Timeline, owners: CustomerDataOwners): void {
  timeline.register(messageTimeline);
  owners.register(messagingDataOwner);
}

export interface DeliveryDeps extends MessagingDeps {
  channels: ChannelDirectory;
  renderer: MessageRenderer;
  events: ChannelEvents;
  /** Per-delivery unsubscribe/preference links (the preference page registers them). */
  links?: (m: { workspaceId: string; customerId: string; messageId: string; channel: string; topic?: string | null }) => RenderRequest['links'];
}

/** How often providers without receipt webhooks are polled. */
const pollReceiptsEveryMs = 60_000;

/**
 * The delivery pipeline: the outbox API, the worker that applies consent, suppression, caps,
 * quiet hours and channel choice before handing a message to its channel, and the listeners that
 * turn receipts and inbound messages (STOP) into statuses, suppressions and consent changes.
 * Returns the worker so that broadcasts can enqueue and kick it.
 */
export function registerDelivery(app: App, deps: DeliveryDeps): DeliveryWorker {
  const { db, log } = deps;
  const worker = new DeliveryWorker({ db, log, channels: deps.channels, renderer: deps.renderer, pollMs: deps.config.deliveryPollMs, links: deps.links });
  deps.events.onReceipts(async (context, receipts) => void (await applyReceipts(db, log, context, receipts)));
  deps.events.onInbound((context, messages) => applyInbound(db, log, context, messages));
  const running = deps.config.deliveryPollMs > 0;
  deliveryRoutes(app, { db, defaultCountry: deps.config.defaultCountry, kick: () => running && worker.kick() });
  if (running) {
    let poller: NodeJS.Timeout | undefined;
    app.addHook('onReady', async () => {
      worker.start();
      poller = setInterval(() => void pollReceiptsOnce(db, log, deps.channels).catch((e: unknown) => log.error({ err: e }, 'receipt polling failed')), pollReceiptsEveryMs);
    });
    app.addHook('onClose', async () => {
      clearInterval(poller);
      await worker.close();
    });
  }
  return worker;
}
