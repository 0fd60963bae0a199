import { sql } from 'kysely';
import { createKpiRegistry, registerAnalytics } from './analytics/index.ts';
import type { KpiRegistry } from './analytics/kpis/registry.ts';
import { CustomerDataOwners } from './customers/hooks.ts';
import { customerRoutes, registerCustomerData } from './customers/routes/index.ts';
import { Timeline } from './customers/timeline.ts';
import { createDb, type Db } from './database.ts';
import { registerImports } from './imports/index.ts';
import { registerJourneyData, registerJourneys } from './journeys/index.ts';
import { registerMessaging, registerMessagingData } from './messaging/index.ts';
import type { Config } from './platform/config.ts';
import { migrate } from './platform/db/migrate.ts';
import { openStorage, type Storage } from './platform/db/storage.ts';
import { loadMasterKey } from './platform/secrets.ts';
import { registerSegmentData, registerSegments } from './segments/index.ts';
import { healthRoute } from './platform/http/health.ts';
import { createHttpServer, type App } from './platform/http/server.ts';
import type { Logger } from './platform/logger.ts';
import { registerTracking, registerTrackingData } from './tracking/index.ts';
import { IntakeListeners } from './tracking/intake-listeners.ts';
import { EventPartitions } from './tracking/partitions.ts';
import { SchemaRecorder } from './tracking/schema-recorder.ts';
import { createAuthenticator } from './workspaces/authenticator.ts';
import { startHousekeeping } from './workspaces/housekeeping.ts';
import { authRoutes } from './workspaces/routes/auth.routes.ts';
import { teamRoutes } from './workspaces/routes/team.routes.ts';

export const VERSION = '0.1.0';

/**
 * The composition root: every service and route is wired here, nowhere else.
 * Capabilities are registered in dependency order (workspaces ← customers ← …).
 */
/** The services every entry point shares (HTTP app, CLI commands, demo loader). */
export interface Services {
  db: Db;
  config: Config;
  log: Logger;
  timeline: Timeline;
  owners: CustomerDataOwners;
  partitions: EventPartitions;
  schema: SchemaRecorder;
  /** KPI providers: analytics registers the order KPIs; later capabilities add theirs. */
  kpis: KpiRegistry;
  /** The tracking intake's after-commit hook: journeys subscribe to react to events at once. */
  intake: IntakeListeners;
  defaultCountry: string;
}

export function createServices(db: Db, config: Config, log: Logger): Services {
  const timeline = new Timeline();
  const owners = new CustomerDataOwners();
  registerCustomerData(timeline, owners);
  registerTrackingData(timeline, owners);
  registerSegmentData(timeline, owners);
  registerMessagingData(timeline, owners);
  registerJourneyData(timeline, owners);
  return {
    db,
    config,
    log,
    timeline,
    owners,
    partitions: new EventPartitions(db),
    schema: new SchemaRecorder(db, log),
    kpis: createKpiRegistry(),
    intake: new IntakeListeners(log),
    defaultCountry: config.defaultCountry,
  };
}

export async function buildApp(deps: { config: Config; log: Logger; db: Db; mode: Storage['mode']; services?: Services }): Promise<App> {
  const { config, log, db } = deps;
  const services = deps.services ?? createServices(db, config, log);
  const app = await createHttpServer({ log, bodyLimitBytes: config.bodyLimitBytes, consoleDir: config.consoleDir, trustProxy: config.trustProxy });
  app.decorate('authenticate', createAuthenticator(db));
  healthRoute(app, { mode: deps.mode, version: VERSION, ping: async () => void (await sql`select 1`.execute(db)) });
  authRoutes(app, { db, config });
  teamRoutes(app, { db });
  customerRoutes(app, services);
  app.addHook('onClose', () => services.schema.close());
  registerTracking(app, { ...services, eventsPerSecond: config.trackingEventsPerSecond });
  registerImports(app, services);
  registerAnalytics(app, services);
  const segments = registerSegments(app, services);
  const messaging = registerMessaging(app, { ...services, segments });
  const journeys = registerJourneys(app, { ...services, segments, kickDelivery: messaging.kickDelivery });
  // New events reach the journey engine at once (it coalesces kicks), not at its next tick.
  if (config.journeysTickMs > 0) services.intake.subscribe(() => journeys.engine.kick());
  await app.ready();
  return app;
}

export interface RunningVafa {
  app: App;
  db: Db;
  services: Services;
  storage: Storage;
  url: string;
  close(): Promise<void>;
}

/** Opens storage, applies migrations and serves HTTP. */
export async function startVafa(config: Config, log: Logger): Promise<RunningVafa> {
  // Fail before touching the database: with DATABASE_URL and no VAFA_SECRET_KEY, channels could not unseal credentials.
  loadMasterKey(config);
  const storage = await openStorage(config, log);
  let db: Db | undefined;
  try {
    const applied = await migrate(storage.url);
    if (applied.length) log.info({ applied }, 'migrations applied');
    db = createDb(storage.url, config.dbPoolSize);
    const services = createServices(db, config, log);
    const app = await buildApp({ config, log, db, mode: storage.mode, services });
    const url = await app.listen({ port: config.port, host: config.host });
    const stopHousekeeping = startHousekeeping(db, log);
    let closing: Promise<void> | undefined;
    const openDb = db;
    return {
      app,
      db: openDb,
      services,
      storage,
      url,
      close: () =>
        (closing ??= (async () => {
          stopHousekeeping();
          await app.close();
          await openDb.destroy();
          await storage.stop();
        })()),
    };
  } catch (e) {
    await db?.destroy();
    await storage.stop();
    throw e;
  }
}
