import type { CustomerDataOwners } from '../customers/hooks.ts';
import type { Timeline } from '../customers/timeline.ts';
import type { Db } from '../database.ts';
import type { Config } from '../platform/config.ts';
import type { App } from '../platform/http/server.ts';
import type { Logger } from '../platform/logger.ts';
import type { SegmentService } from '../segments/service.ts';
import { registerCalendar } from './calendar/index.ts';
import { registerChannels } from './channels/index.ts';
import { registerBroadcasts } from './broadcasts/index.ts';
import { ChannelEvents } from './contracts.ts';
import { registerDelivery, registerDeliveryData } from './delivery/index.ts';
import { registerPreferences } from './preferences/index.ts';
import { registerTemplates } from './templates/index.ts';

export interface MessagingDeps {
  db: Db;
  log: Logger;
  config: Config;
  timeline: Timeline;
  owners: CustomerDataOwners;
}

/** Timeline sources and data owners of messaging (registered before any route exists). */
export function registerMessagingData(timeline: Timeline, owners: CustomerDataOwners): void {
  registerDeliveryData(timeline, owners);
}

/**
 * Messaging: channels (one port, a driver per provider), templates, and the delivery pipeline
 * that checks consent, caps and quiet hours before anything reaches a channel.
 */
export function registerMessaging(app: App, deps: MessagingDeps & { segments: SegmentService }): { kickDelivery: () => void } {
  // Receipts and inbound messages flow from the channels' webhooks to the delivery pipeline.
  const events = new ChannelEvents();
  const channels = registerChannels(app, { ...deps, events });
  const renderer = registerTemplates(app, deps);
  const preferences = registerPreferences(app, deps);
  registerCalendar(app, deps);
  const worker = registerDelivery(app, { ...deps, channels, renderer, events, links: preferences.links });
  registerBroadcasts(app, { ...deps, worker });
  // Later capabilities (journeys) enqueue through the outbox and start the worker on it at once.
  return { kickDelivery: () => deps.config.deliveryPollMs > 0 && worker.kick() };
}
