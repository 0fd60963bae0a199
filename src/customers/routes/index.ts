import type { App } from '../../platform/http/server.ts';
import { activityOwner, consentsOwner, notesOwner, tasksOwner } from '../data-owners.ts';
import { noteTimeline } from '../notes.ts';
import { activityTimeline, taskTimeline } from '../tasks.ts';
import { attributesRoutes } from './attributes.routes.ts';
import { bulkRoutes } from './bulk.routes.ts';
import { customersRoutes, type CustomerDeps } from './customers.routes.ts';
import { notesAndTasksRoutes } from './notes-tasks.routes.ts';

/** Registers the customers capability: its timeline sources, its data owners and its routes. */
export function customerRoutes(app: App, deps: CustomerDeps) {
  deps.timeline.register(noteTimeline);
  deps.timeline.register(taskTimeline);
  deps.timeline.register(activityTimeline);
  for (const owner of [notesOwner, tasksOwner, activityOwner, consentsOwner]) deps.owners.register(owner);
  bulkRoutes(app, deps);
  customersRoutes(app, deps);
  notesAndTasksRoutes(app, deps);
  attributesRoutes(app, deps);
}
