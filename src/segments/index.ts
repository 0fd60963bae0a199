import type { CustomerDataOwners } from '../customers/hooks.ts';
import type { Timeline } from '../customers/timeline.ts';
import type { Db } from '../database.ts';
import type { Config } from '../platform/config.ts';
import type { App } from '../platform/http/server.ts';
import type { Logger } from '../platform/logger.ts';
import { segmentsOwner, segmentTimeline } from './data.ts';
import { memberRoutes } from './routes/members.routes.ts';
import { segmentRoutes } from './routes/segments.routes.ts';
import { SegmentService } from './service.ts';
import { SegmentWorker } from './worker.ts';

export type { MembershipChange, SegmentListener } from './membership.ts';
export type { SegmentService } from './service.ts';

/** Segment entries and exits on the timeline; memberships follow merges and erasures. */
export function registerSegmentData(timeline: Timeline, owners: CustomerDataOwners): void {
  timeline.register(segmentTimeline);
  owners.register(segmentsOwner);
}

/**
 * Registers segments: the API, and the worker that keeps dynamic segments live (started when the
 * server is ready, stopped on close). Returns the service later capabilities read segments
 * through and register their entered/exited listeners on.
 */
export function registerSegments(app: App, deps: { db: Db; log: Logger; config: Config }): SegmentService {
  const service = new SegmentService({ db: deps.db, log: deps.log, defaultCountry: deps.config.defaultCountry });
  const worker = new SegmentWorker({ db: deps.db, log: deps.log, service, tickMs: deps.config.segmentsTickMs, recomputeMs: deps.config.segmentsRecomputeMs });
  segmentRoutes(app, { db: deps.db, service, kick: () => worker.kick() });
  memberRoutes(app, { db: deps.db, service, defaultCountry: deps.config.defaultCountry });
  app.addHook('onReady', async () => worker.start());
  app.addHook('onClose', () => worker.close());
  return service;
}
