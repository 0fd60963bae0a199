import type { App } from '../../platform/http/server.ts';
import { loadMasterKey } from '../../platform/secrets.ts';
import type { MessagingDeps } from '../index.ts';
import { preferenceLinksFor, type PreferenceLinks } from './links.ts';
import { topicOptOutsOwner } from './opt-outs.ts';
import { preferenceRoutes } from './public.ts';
import { topicRoutes } from './routes.ts';
import { preferenceKey } from './tokens.ts';

export { isOptedOut } from './opt-outs.ts';
export type { PreferenceLinkRequest, PreferenceLinks, PreferenceLinkUrls } from './links.ts';

/**
 * Unsubscribe and preferences: subscription topics (API), the public preference page and RFC 8058
 * one-click unsubscribe behind signed links. Returns the link builder the delivery pipeline calls
 * for every message; its key is derived from the same master secret that seals channel credentials.
 */
export function registerPreferences(app: App, deps: MessagingDeps): { links: PreferenceLinks } {
  const { db, log, config } = deps;
  const key = preferenceKey(loadMasterKey(config));
  deps.owners.register(topicOptOutsOwner);
  topicRoutes(app, { db });
  preferenceRoutes(app, { db, log, key });
  return { links: preferenceLinksFor(key, config.publicUrl) };
}
