import type { App } from '../../platform/http/server.ts';
import type { CustomerDataOwners } from '../hooks.ts';
import type { Timeline } from '../timeline.ts';
import { activityOwner, consentsOwner, notesOwner, tasksOwner } from '../data-owners.ts';
import { noteTimeline } from '../notes.ts';
import { activityTimeline, taskTimeline } from '../tasks.ts';
import { attributesRoutes } from './attributes.routes.ts';
import { bulkRoutes } from './bulk.routes.ts';
import { customersRoutes, type CustomerDeps } from './customers.routes.ts';
import { notesAndTasksRoutes } from './notes-tasks.routes.ts';

/** The customers capability's timeline sources (notes, tasks, activity) and data owners. */
export function registerCustomerData(timeline: Timeline, owners: CustomerDataOwners) {
  timeline.register(noteTimeline);
  timeline.register(taskTimeline);
  timeline.register(activityTimeline);
  for (const owner of [notesOwner, tasksOwner, activityOwner, consentsOwner]) owners.register(owner);
}

/** The customers capability's routes. */
export function customerRoutes(app: App, deps: CustomerDeps) {
  bulkRoutes(app, deps);
  customersRoutes(app, deps);
  notesAndTasksRoutes(app, deps);
  attributesRoutes(app, deps);
}
