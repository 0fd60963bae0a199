import type { CustomerDataOwners } from '../customers/hooks.ts';
import type { Timeline } from '../customers/timeline.ts';
import type { App } from '../platform/http/server.ts';
import { eventTimeline, eventsOwner, identitiesOwner, orderTimeline, ordersOwner } from './customer-data.ts';
import { intakeRoutes, type IntakeDeps } from './routes/intake.routes.ts';
import { productsRoutes } from './routes/products.routes.ts';

/** Registers the tracking capability: its timeline sources, data owners and routes. */
export function registerTracking(app: App, deps: IntakeDeps & { timeline: Timeline; owners: CustomerDataOwners }) {
  deps.timeline.register(eventTimeline);
  deps.timeline.register(orderTimeline);
  for (const owner of [eventsOwner, identitiesOwner, ordersOwner]) deps.owners.register(owner);
  intakeRoutes(app, deps);
  productsRoutes(app, deps);
}
