import type { App } from '../../platform/http/server.ts';
import type { MessageRenderer } from '../contracts.ts';
import type { MessagingDeps } from '../index.ts';
import { TemplateRenderer } from './render.ts';
import { templateRoutes } from './routes.ts';

/**
 * Templates: Liquid sources per language and channel, MJML compiled once at save, the brand voice,
 * the template check, and the renderer the delivery pipeline calls per recipient.
 */
export function registerTemplates(app: App, deps: MessagingDeps): MessageRenderer {
  const renderer = new TemplateRenderer(deps.db);
  templateRoutes(app, { db: deps.db, renderer });
  return renderer;
}
