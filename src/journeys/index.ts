import type { CustomerDataOwners } from '../customers/hooks.ts';
import type { Timeline } from '../customers/timeline.ts';
import type { Db } from '../database.ts';
import type { Config } from '../platform/config.ts';
import type { App } from '../platform/http/server.ts';
import type { Logger } from '../platform/logger.ts';
import type { SegmentService } from '../segments/service.ts';
import { journeyAnalyticsRoutes } from './analytics/routes.ts';
import { bulkRunRoutes } from './bulk/routes.ts';
import { journeysOwner, journeyTimeline } from './data.ts';
import { TriggerRegistry } from './engine/triggers.ts';
import { JourneyEngine } from './engine/worker.ts';
import { recipeRoutes } from './recipes/routes.ts';
import { journeyRoutes } from './routes.ts';
import { simulationRoutes } from './simulate/routes.ts';

export type { CustomTrigger, TriggerRegistry } from './engine/triggers.ts';
export type { JourneyEngine } from './engine/worker.ts';

/** Journey entries, steps and exits on the timeline; runs follow merges and erasures. */
export function registerJourneyData(timeline: Timeline, owners: CustomerDataOwners): void {
  timeline.register(journeyTimeline);
  owners.register(journeysOwner);
}

export interface JourneyDeps {
  db: Db;
  log: Logger;
  config: Config;
  segments: SegmentService;
  /** Kicks the delivery worker after steps enqueued messages. */
  kickDelivery: () => void;
}

/**
 * Journeys: the API, and the engine (tails, due runs, webhooks) started with the server where
 * `VAFA_JOURNEYS_TICK_MS` > 0; an API-only process records what to do and another does it.
 * Returns the engine: later capabilities register custom triggers on `engine` 's registry and
 * fire them with `engine.fire`.
 */
export function registerJourneys(app: App, deps: JourneyDeps): { engine: JourneyEngine; triggers: TriggerRegistry } {
  const triggers = new TriggerRegistry();
  const running = deps.config.journeysTickMs > 0;
  const engine = new JourneyEngine({
    db: deps.db,
    log: deps.log,
    triggers,
    segments: deps.segments,
    defaultCountry: deps.config.defaultCountry,
    kickDelivery: deps.kickDelivery,
    tickMs: deps.config.journeysTickMs,
  });
  journeyRoutes(app, { db: deps.db, triggers, defaultCountry: deps.config.defaultCountry, kick: () => running && engine.kick() });
  bulkRunRoutes(app, { db: deps.db, kick: () => running && engine.kick() });
  recipeRoutes(app, { db: deps.db });
  journeyAnalyticsRoutes(app, { db: deps.db });
  simulationRoutes(app, { db: deps.db, triggers, defaultCountry: deps.config.defaultCountry });
  if (running) {
    app.addHook('onReady', async () => engine.start());
    app.addHook('onClose', () => engine.close());
  }
  return { engine, triggers };
}
