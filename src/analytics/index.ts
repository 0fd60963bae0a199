import type { Db } from '../database.ts';
import type { Config } from '../platform/config.ts';
import type { App } from '../platform/http/server.ts';
import type { Logger } from '../platform/logger.ts';
import { orderKpis } from './kpis/order-kpis.ts';
import { KpiRegistry } from './kpis/registry.ts';
import { analyticsRoutes } from './routes/analytics.routes.ts';
import { AnalyticsWorker } from './worker.ts';

/** The KPI registry with the KPIs analytics itself provides; later capabilities add theirs. */
export function createKpiRegistry(): KpiRegistry {
  const kpis = new KpiRegistry();
  kpis.register(orderKpis);
  return kpis;
}

/**
 * Registers the analytics capability: its routes and the background worker that keeps every
 * workspace's figures and scores fresh (started when the server is ready, stopped on close).
 */
export function registerAnalytics(app: App, deps: { db: Db; log: Logger; config: Config; kpis: KpiRegistry }): AnalyticsWorker {
  const worker = new AnalyticsWorker({ db: deps.db, log: deps.log, everyMs: deps.config.analyticsCheckSeconds * 1000 });
  analyticsRoutes(app, { db: deps.db, kpis: deps.kpis, kick: () => worker.kick() });
  app.addHook('onReady', async () => worker.start());
  app.addHook('onClose', () => worker.close());
  return worker;
}
