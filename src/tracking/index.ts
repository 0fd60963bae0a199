import type { CustomerDataOwners } from '../customers/hooks.ts';
import type { Timeline } from '../customers/timeline.ts';
import type { App } from '../platform/http/server.ts';
import { eventTimeline, eventsOwner, identitiesOwner, orderTimeline, ordersOwner } from './customer-data.ts';
import { eventsRoutes } from './routes/events.routes.ts';
import { intakeRoutes, type IntakeDeps } from './routes/intake.routes.ts';
import { productsRoutes } from './routes/products.routes.ts';
import { sdkRoutes } from './routes/sdk.routes.ts';

/** The tracking capability's timeline sources (events, orders) and customer data owners. */
export function registerTrackingData(timeline: Timeline, owners: CustomerDataOwners) {
  timeline.register(eventTimeline);
  timeline.register(orderTimeline);
  for (const owner of [eventsOwner, identitiesOwner, ordersOwner]) owners.register(owner);
}

/** The tracking capability's routes. */
export function registerTracking(app: App, deps: IntakeDeps & { timeline: Timeline; owners: CustomerDataOwners }) {
  intakeRoutes(app, deps);
  sdkRoutes(app);
  eventsRoutes(app, deps);
  productsRoutes(app, deps);
}
